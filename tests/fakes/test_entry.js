// The test configuration's entry (scripts/lib/dev_config.mjs --test): the product's worker, with
// its bindings wrapped by test-only controls that production never loads.
//   x-test-kv-delay-ms: N   every OAUTH_KV operation of this request answers N ms late
//   GET /_test/wasm-memory  {bytes, generation}: the module instance's linear memory size and its
//                           generation (scripts/load checks both stay put after warm-up)
import worker from "../../worker-shim/index.js";
import { getInstance } from "../../worker-shim/load_module.js";

export { GrantState } from "../../worker-shim/grant_state.js";
export { McpMailbox } from "../../worker-shim/sse_session.js";

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

function slowKv(kv, ms) {
  return {
    get: async (...args) => { await sleep(ms); return kv.get(...args); },
    put: async (...args) => { await sleep(ms); return kv.put(...args); },
    delete: async (...args) => { await sleep(ms); return kv.delete(...args); },
    list: async (...args) => { await sleep(ms); return kv.list(...args); },
  };
}

export default {
  async fetch(request, env, ctx) {
    if (new URL(request.url).pathname === "/_test/wasm-memory") {
      const { core, generation } = await getInstance(env);
      return Response.json({ bytes: core.HEAPU8.length, generation });
    }
    const delay = Number(request.headers.get("x-test-kv-delay-ms") || 0);
    const wrapped = delay > 0 ? { ...env, OAUTH_KV: slowKv(env.OAUTH_KV, delay) } : env;
    return worker.fetch(request, wrapped, ctx);
  },
};

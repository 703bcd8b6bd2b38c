// The test configuration's entry (scripts/lib/dev_config.mjs --test): the product's worker, with
// its bindings wrapped by test-only controls that production never loads (the product reads none
// of these headers; they work only because this file is `main` in the test configuration).
//
// Per request, by header:
//   x-test-kv-delay-ms: N        every OAUTH_KV operation answers N ms late
//   x-test-kv-fail: M[,M…]       OAUTH_KV methods that throw: get, put, delete, list, or all
//   x-test-kv-stall-ms: N        OAUTH_KV methods named by x-test-kv-stall (default all) happen,
//   x-test-kv-stall: M[,M…]        then answer N ms late: past the module's STORAGE_TIMEOUT_MS the
//                                  request answers 503 while the write has landed (a lost answer)
//   x-test-kv-prefix: P          restricts -fail and -stall to keys (list: prefixes) starting with P
//   x-test-grants-fail: M[,M…]   GrantState calls that throw: read, swap, or all (or 1)
//   x-test-grants-stall-ms: N    every GrantState call happens, then answers N ms late
//   x-test-mailbox-fail: 1       McpMailbox calls throw (connecting a stream, delivering)
// Routes (test configuration only):
//   GET /_test/kv?prefix=P       [{name, value, metadata, expiration}] of OAUTH_KV under P
//   GET /_test/grant?key=K       {state}: what the grant's GrantState object holds (null: nothing)
//   POST /_test/grant-swap?key=K {expected, next, expiresAt}  GrantState.swap as the core calls it
import worker from "../../worker-shim/index.js";
import { grantState } from "../../worker-shim/grant_state.js";

export { GrantState } from "../../worker-shim/grant_state.js";
export { McpMailbox } from "../../worker-shim/sse_session.js";

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const list = (value) => new Set((value ?? "").split(/[,|]/).map((s) => s.trim()).filter(Boolean));
const injected = (what) => new Error(`injected test failure: ${what}`);

function wrapKv(kv, headers) {
  const delay = Number(headers.get("x-test-kv-delay-ms") || 0);
  const fail = list(headers.get("x-test-kv-fail"));
  const stallMs = Number(headers.get("x-test-kv-stall-ms") || 0);
  const stall = headers.has("x-test-kv-stall") ? list(headers.get("x-test-kv-stall")) : new Set(["all"]);
  const prefix = headers.get("x-test-kv-prefix") ?? "";
  if (!delay && !fail.size && !stallMs) return kv;
  const picks = (set, method, key) => (set.has("all") || set.has(method)) && String(key).startsWith(prefix);
  const wrap = (method) => async (...args) => {
    const key = method === "list" ? args[0]?.prefix ?? "" : args[0];
    if (delay) await sleep(delay);
    if (picks(fail, method, key)) throw injected(`KV ${method}`);
    const result = await kv[method](...args);
    if (stallMs && picks(stall, method, key)) await sleep(stallMs);
    return result;
  };
  return { get: wrap("get"), put: wrap("put"), delete: wrap("delete"), list: wrap("list"), getWithMetadata: wrap("getWithMetadata") };
}

// A Durable Object namespace whose stubs throw (or wait) on the named methods.
function wrapNamespace(ns, fail, stallMs, name) {
  if (!fail.size && !stallMs) return ns;
  return {
    idFromName: (n) => ns.idFromName(n),
    idFromString: (s) => ns.idFromString(s),
    get(id) {
      const stub = ns.get(id);
      return new Proxy({}, {
        get: (_, method) => async (...args) => {
          if (fail.has("all") || fail.has("1") || fail.has(method)) throw injected(`${name}.${String(method)}`);
          const result = await stub[method](...args);
          if (stallMs) await sleep(stallMs);
          return result;
        },
      });
    },
  };
}

async function testRoute(url, env, request) {
  if (url.pathname === "/_test/kv") {
    const prefix = url.searchParams.get("prefix") ?? "";
    const out = [];
    let cursor;
    do {
      const page = await env.OAUTH_KV.list({ prefix, cursor });
      for (const k of page.keys) out.push({ name: k.name, value: await env.OAUTH_KV.get(k.name), metadata: k.metadata ?? null, expiration: k.expiration ?? null });
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
    return Response.json(out);
  }
  if (url.pathname === "/_test/grant") {
    const key = url.searchParams.get("key") ?? "";
    return Response.json({ state: await grantState(env, key).read() });
  }
  if (url.pathname === "/_test/grant-swap") { // {expected|null, next, expiresAt} -> {swapped}
    const { expected, next, expiresAt } = await request.json();
    return Response.json({ swapped: await grantState(env, url.searchParams.get("key") ?? "").swap(expected, next, expiresAt) });
  }
  return null;
}

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/_test/")) return (await testRoute(url, env, request)) ?? new Response("no such test route\n", { status: 404 });
    const h = request.headers;
    const wrapped = {
      ...env,
      OAUTH_KV: wrapKv(env.OAUTH_KV, h),
      OAUTH_GRANTS: wrapNamespace(env.OAUTH_GRANTS, list(h.get("x-test-grants-fail")), Number(h.get("x-test-grants-stall-ms") || 0), "GrantState"),
      MCP_MAILBOX: wrapNamespace(env.MCP_MAILBOX, h.get("x-test-mailbox-fail") ? new Set(["all"]) : new Set(), 0, "McpMailbox"),
    };
    return worker.fetch(request, wrapped, ctx);
  },
};

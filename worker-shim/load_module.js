// One lazily created module instance per isolate (DESIGN.md Rule 2, instance lifecycle).
// A trap kills the instance: `discard(generation)` drops it, runs of that generation fail cleanly,
// and the next request gets a fresh instance.
import wasmModule from "./generated/core.wasm";
import { instantiateCore } from "./core_instance.js";
import { encodeEnv } from "./http_codec.js";

let current = null; // { generation, promise }
let generation = 0;

function instantiate(env) {
  const gen = ++generation;
  const promise = instantiateCore(wasmModule).then((core) => {
    const config = encodeEnv(env);
    const ptr = core._mcp_alloc(config.size);
    config.copyTo(core.HEAPU8.subarray(ptr, ptr + config.size));
    const failed = core._mcp_configure(ptr, config.size);
    core._mcp_free(ptr);
    if (failed) throw new Error("the module refused its configuration");
    // The limits the shim enforces come from the module (wasm/core/app/limits.hpp).
    const limits = { storageTimeoutMs: core._mcp_storage_timeout_ms(), maxFetchBodyBytes: core._mcp_max_fetch_body_bytes() };
    return { core, generation: gen, maxBodyBytes: core._mcp_max_body_bytes(), limits };
  });
  current = { generation: gen, promise };
  promise.catch(() => discard(gen));
  return promise;
}

export function getInstance(env) {
  return current ? current.promise : instantiate(env);
}

export function discard(gen) {
  if (current && current.generation === gen) current = null;
}

export function isCurrent(gen) {
  return current !== null && current.generation === gen;
}

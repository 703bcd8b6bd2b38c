// Drives one request through the core: Request -> run -> operations -> Response.
import { decodeOutput, encodeRequest, encodeResults } from "./http_codec.js";
import { discard, getInstance, isCurrent } from "./load_module.js";
import { performOperation } from "./perform_operation.js";
import { openMailboxStream } from "./sse_session.js";

// Reads the body, keeping nothing past `limit`: an oversized body is drained, never buffered.
// (Draining rather than cancelling: answering before the client finished sending breaks the
// connection under wrangler's dev proxy, which then fails the next request.)
async function readBody(request, limit) {
  if (!request.body) return { body: new Uint8Array(0), tooLarge: false };
  const length = request.headers.get("content-length");
  const declared = length === null ? NaN : Number(length);
  // A declared length within the limit is what the runtime delivers (HTTP framing): read it natively.
  if (Number.isSafeInteger(declared) && declared >= 0 && declared <= limit) {
    const body = new Uint8Array(await request.arrayBuffer());
    return body.length <= limit ? { body, tooLarge: false } : { body: new Uint8Array(0), tooLarge: true };
  }
  const reader = request.body.getReader();
  const chunks = [];
  let size = 0;
  let tooLarge = declared > limit;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    tooLarge ||= size > limit;
    if (!tooLarge) chunks.push(value);
  }
  if (tooLarge) return { body: new Uint8Array(0), tooLarge: true };
  const body = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) { body.set(c, at); at += c.length; }
  return { body, tooLarge: false };
}

// Copies `writer` into fresh wasm memory and calls `fn(ptr, size)`; frees afterwards.
function withBuffer(core, writer, fn) {
  const ptr = core._mcp_alloc(writer.size);
  writer.copyTo(core.HEAPU8.subarray(ptr, ptr + writer.size));
  try { return fn(ptr, writer.size); } finally { core._mcp_free(ptr); }
}

const failure = (why) => new Response(`Internal Server Error: ${why}\n`, {
  status: 500, headers: { "content-type": "text/plain; charset=utf-8" },
});

export async function runRequest(request, env) {
  const { core, generation, maxBodyBytes, limits } = await getInstance(env);
  const { body, tooLarge } = await readBody(request, maxBodyBytes);
  let id = 0;
  try {
    id = withBuffer(core, encodeRequest(request, body, tooLarge, Date.now()), (p, n) => core._mcp_run_start(p, n));
    if (id === 0) return failure("the request could not be handed to the core");
    for (;;) {
      const out = decodeOutput(core.HEAPU8, core._mcp_run_output(id));
      if (out.response) {
        const { status, headers, body: bytes, stream, log } = out.response;
        if (log) (status >= 500 ? console.error : console.log)(log);  // the request log line (JSON)
        if (stream) return openMailboxStream(env, request.signal, stream, { status, headers, body: bytes }, limits.storageTimeoutMs);
        return new Response(bytes.length > 0 ? bytes : null, { status, headers });
      }
      const results = await Promise.all(out.ops.map((op) => performOperation(op, env, limits)));
      if (!isCurrent(generation)) return failure("the module instance stopped while this request was running");
      withBuffer(core, encodeResults(results), (p, n) => core._mcp_run_resume(id, p, n));
    }
  } catch (e) {
    // A trap (or a bug in this shim): this instance is done; the next request gets a fresh one.
    discard(generation);
    console.error(JSON.stringify({ event: "module_failure", error: String(e && e.message) }));
    return failure("the module failed");
  } finally {
    if (id !== 0 && isCurrent(generation)) core._mcp_run_finish(id);
  }
}

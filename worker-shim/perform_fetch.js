// OpKind::fetch: an outbound request the core asked for (wasm/core/host/fetch.hpp). The request
// head and the answer use the boundary's byte format. The body is read in chunks and the read
// stops past `maxBody`, the module's max_fetch_body_bytes (a declared Content-Length over it is
// refused before reading): a huge or decompressing answer can never fill the isolate's memory.
import { readHead, writeFetchResponse } from "./http_codec.js";

async function readCapped(response, maxBody) {
  if (Number(response.headers.get("content-length")) > maxBody) throw new Error("response too large");
  if (!response.body) return new Uint8Array(0);
  // Not encoded and declared within the cap: exactly that many bytes arrive, so read them natively.
  const declared = response.headers.get("content-length");
  const encoding = response.headers.get("content-encoding");
  if (declared !== null && /^\d+$/.test(declared) && (encoding === null || encoding === "identity")) {
    const body = new Uint8Array(await response.arrayBuffer());
    if (body.length > maxBody) throw new Error("response too large");
    return body;
  }
  const reader = response.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxBody) {
      reader.cancel().catch(() => {});
      throw new Error("response too large");
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) { body.set(c, at); at += c.length; }
  return body;
}

export async function performFetch(op, maxBody) {
  const { method, headers } = readHead(op.extra);
  const response = await fetch(new TextDecoder().decode(op.key), {
    method, headers, body: method === "GET" || method === "HEAD" ? undefined : op.data,
    redirect: "manual", signal: AbortSignal.timeout(op.n),
  });
  return writeFetchResponse(response.status, [...response.headers], await readCapped(response, maxBody));
}

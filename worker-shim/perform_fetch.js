// OpKind::fetch: an outbound request the core asked for (wasm/core/host/fetch.hpp). The request
// head and the answer use the boundary's byte format; the body read is capped.
import { readHead, writeFetchResponse } from "./http_codec.js";

const MAX_BODY = 1 << 20;

export async function performFetch(op) {
  const { method, headers } = readHead(op.extra);
  const response = await fetch(new TextDecoder().decode(op.key), {
    method, headers, body: method === "GET" || method === "HEAD" ? undefined : op.data,
    redirect: "manual", signal: AbortSignal.timeout(op.n),
  });
  const body = new Uint8Array(await response.arrayBuffer());
  if (body.length > MAX_BODY) throw new Error("response too large");
  return writeFetchResponse(response.status, [...response.headers], body);
}

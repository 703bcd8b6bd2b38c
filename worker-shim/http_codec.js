// The boundary encoding, JS side (mirrors wasm/core/wire/codec.cpp; layouts in docs/boundary.md).
// Little-endian integers; byte strings as u32 length + bytes.

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

class Writer {
  constructor() { this.parts = []; this.size = 0; }
  u8(v) { this.#push(Uint8Array.of(v)); }
  u32(v) { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, v, true); this.#push(b); }
  u64(v) { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, BigInt(v), true); this.#push(b); }
  bytes(v) { const b = typeof v === "string" ? utf8.encode(v) : v; this.u32(b.length); this.#push(b); }
  // Writes everything into `target` (a Uint8Array of at least `this.size` bytes).
  copyTo(target) { let at = 0; for (const p of this.parts) { target.set(p, at); at += p.length; } }
  #push(b) { this.parts.push(b); this.size += b.length; }
}

export function encodeRequest(request, body, bodyTooLarge, nowMs) {
  const w = new Writer();
  w.u64(nowMs);
  w.bytes(request.method);
  w.bytes(request.url);
  const headers = [...request.headers];
  w.u32(headers.length);
  for (const [name, value] of headers) { w.bytes(name); w.bytes(value); }
  w.u8(bodyTooLarge ? 1 : 0);
  w.bytes(body);
  return w;
}

// Every string-valued binding: vars and secrets. Bindings that are objects (KV, AI) stay in JS.
export function encodeEnv(env) {
  const w = new Writer();
  const entries = Object.entries(env).filter(([, v]) => typeof v === "string");
  w.u32(entries.length);
  for (const [name, value] of entries) { w.bytes(name); w.bytes(value); }
  return w;
}

export function encodeResults(results) {
  const w = new Writer();
  w.u32(results.length);
  for (const { status, bytes } of results) { w.u8(status); w.bytes(bytes); }
  return w;
}

// Output of a run step: { ops: [{kind, key, data, extra, n}] }
// or { response: {status, headers, body, stream: null | {mailbox, init, keepaliveMs, keepalive}} }.
export function decodeOutput(heap, ptr) {
  const view = new DataView(heap.buffer, heap.byteOffset + ptr);
  const length = view.getUint32(0, true);
  const bytes = heap.slice(ptr + 4, ptr + 4 + length); // a copy: the heap may grow or be reused
  const data = new DataView(bytes.buffer);
  let at = 0;
  const u8 = () => data.getUint8(at++);
  const u16 = () => { const v = data.getUint16(at, true); at += 2; return v; };
  const u32 = () => { const v = data.getUint32(at, true); at += 4; return v; };
  const u64 = () => { const v = data.getBigUint64(at, true); at += 8; return Number(v); };
  const raw = () => { const n = u32(); const b = bytes.subarray(at, at + n); at += n; return b; };
  const text = () => fromUtf8.decode(raw());
  if (u8() === 0) {
    const ops = [];
    for (let i = u32(); i > 0; i--) ops.push({ kind: u8(), key: raw(), data: raw(), extra: raw(), n: u64() });
    return { ops };
  }
  const status = u16();
  const headers = [];
  for (let i = u32(); i > 0; i--) headers.push([text(), text()]);
  const body = raw();
  const stream = u8() === 1 ? { mailbox: text(), init: text(), keepaliveMs: u32(), keepalive: raw() } : null;
  return { response: { status, headers, body, stream } };
}

export const keyText = (bytes) => fromUtf8.decode(bytes);

// The boundary encoding, JS side (mirrors wasm/core/wire/; layouts in docs/boundary.md).
// Little-endian integers; byte strings as u32 length + bytes.
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();
export const keyText = (bytes) => fromUtf8.decode(bytes);

// One growable buffer: integers through a DataView, strings encoded in place (encodeInto), so a
// request costs a few allocations rather than one typed array per field.
class Writer {
  constructor(capacity = 1024) { this.buf = new Uint8Array(capacity); this.view = new DataView(this.buf.buffer); this.size = 0; }
  u8(v) { this.#room(1); this.buf[this.size++] = v; }
  u16(v) { this.#room(2); this.view.setUint16(this.size, v, true); this.size += 2; }
  u32(v) { this.#room(4); this.view.setUint32(this.size, v, true); this.size += 4; }
  u64(v) { this.#room(8); this.view.setBigUint64(this.size, BigInt(v), true); this.size += 8; }
  bytes(v) {
    if (typeof v !== "string") { this.u32(v.length); this.#room(v.length); this.buf.set(v, this.size); this.size += v.length; return; }
    this.#room(4 + v.length * 3); // UTF-8 takes at most 3 bytes per UTF-16 unit
    const { written } = utf8.encodeInto(v, this.buf.subarray(this.size + 4));
    this.view.setUint32(this.size, written, true);
    this.size += 4 + written;
  }
  pairs(list) { this.u32(list.length); for (const [k, v] of list) { this.bytes(k); this.bytes(v); } }
  // Writes everything into `target` (a Uint8Array of at least `this.size` bytes).
  copyTo(target) { target.set(this.buf.subarray(0, this.size)); return target; }
  #room(n) {
    if (this.size + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.size + n));
    grown.set(this.buf.subarray(0, this.size));
    this.buf = grown;
    this.view = new DataView(grown.buffer);
  }
}

class Reader {
  constructor(bytes) { this.b = bytes; this.d = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength); this.at = 0; }
  u8() { return this.d.getUint8(this.at++); }
  u16() { const v = this.d.getUint16(this.at, true); this.at += 2; return v; }
  u32() { const v = this.d.getUint32(this.at, true); this.at += 4; return v; }
  u64() { const v = this.d.getBigUint64(this.at, true); this.at += 8; return Number(v); }
  raw() { const n = this.u32(); const b = this.b.subarray(this.at, this.at + n); this.at += n; return b; }
  text() { return fromUtf8.decode(this.raw()); }
  pairs() { const out = []; for (let i = this.u32(); i > 0; i--) out.push([this.text(), this.text()]); return out; }
}

export function encodeRequest(request, body, bodyTooLarge, nowMs) {
  const w = new Writer(1024 + body.length);
  w.u64(nowMs); w.bytes(request.method); w.bytes(request.url); w.pairs([...request.headers]);
  w.u8(bodyTooLarge ? 1 : 0); w.bytes(body);
  return w;
}

// Every string-valued binding: vars and secrets. Bindings that are objects (KV, AI) stay in JS.
export function encodeEnv(env) {
  const w = new Writer();
  w.pairs(Object.entries(env).filter(([, v]) => typeof v === "string"));
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
  const length = new DataView(heap.buffer, heap.byteOffset + ptr, 4).getUint32(0, true);
  const r = new Reader(heap.slice(ptr + 4, ptr + 4 + length)); // a copy: the heap may grow or be reused
  if (r.u8() === 0) {
    const ops = [];
    for (let i = r.u32(); i > 0; i--) ops.push({ kind: r.u8(), key: r.raw(), data: r.raw(), extra: r.raw(), n: r.u64() });
    return { ops };
  }
  const status = r.u16();
  const headers = r.pairs();
  const body = r.raw();
  const stream = r.u8() === 1 ? { mailbox: r.text(), init: r.text(), keepaliveMs: r.u32(), keepalive: r.raw() } : null;
  return { response: { status, headers, body, stream, log: r.text() } };
}

// The head of an outbound request (method, headers), as wasm/core/host/fetch.cpp writes it.
export function readHead(bytes) {
  const r = new Reader(bytes);
  return { method: r.text(), headers: r.pairs() };
}

export function writeFetchResponse(status, headers, body) {
  const w = new Writer();
  w.u16(status); w.pairs(headers); w.bytes(body);
  return w.copyTo(new Uint8Array(w.size));
}

// A KV list page: [name, metadata JSON or ""] pairs.
export function writeList(complete, cursor, entries) {
  const w = new Writer();
  w.u8(complete ? 1 : 0); w.bytes(cursor); w.pairs(entries);
  return w.copyTo(new Uint8Array(w.size));
}

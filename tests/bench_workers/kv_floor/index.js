// Benchmark baseline "kv-floor" (scripts/bench): a plain JS Worker that does what a bearer check
// costs at minimum, and nothing else. It is the check `@cloudflare/workers-oauth-provider` makes on
// every API request (the peer's library), with the same keys and algorithms, in the fewest host
// calls plain JS allows, so that "ours / kv-floor" measures what ours costs on top of the
// unavoidable work. One measured request (POST /mcp) runs STEPS, in order:
//
//   1. readBody      the request body as text (not parsed).
//   2. bearer        `Authorization: Bearer <token>`; the token must have the issued shape
//                    `{user}:{grant16}:{secret32}` (a string split, no I/O). Otherwise 401.
//   3. tokenId       ONE SHA-256 of the token (crypto.subtle.digest), as lower-case hex.
//   4. tokenRecord   ONE KV get of `token:{user}:{grant}:{tokenId}` (a hit: the record the bench
//                    seeded, of the product's shape and size), read as JSON; 401 when it is missing
//                    or its `expiresAt` (seconds) has passed.
//   5. wrappingKey   ONE HMAC-SHA256 of the token under the library's fixed wrapping-key HMAC key
//                    (that key imported once per isolate), imported as an AES-KW key.
//   6. unwrapKey     ONE AES-KW unwrap of the record's `wrappedEncryptionKey` (base64) into the
//                    grant's AES-GCM key.
//   7. decryptProps  ONE AES-GCM decrypt of `grant.encryptedProps` (base64, 12-byte zero IV, as the
//                    library does: each key encrypts one value), checked by its tag, not parsed.
//   8. a fixed small JSON-RPC reply (the body is never parsed: no JSON-RPC dispatch, no tool).
//
// So per request: 1 SHA-256, 1 KV get (a hit), 1 HMAC-SHA256, 1 AES-KW unwrap, 1 AES-GCM decrypt,
// no KV write, and no Mcp-Session-Id check (the bench sends one; this worker ignores it).
//
// POST /_bench/seed (called once per start by the bench before it measures; never measured):
// with `Authorization: Bearer <token>` and `{ record, props }` as the body, it seals `props` as the
// library does (a random AES-GCM key encrypts them; the key is wrapped with AES-KW under the token's
// HMAC-derived key), puts both into `record` (`grant.encryptedProps`, `wrappedEncryptionKey`) and
// stores it under step 4's key (TTL 1 h). Answers 204.
//
// To extend, add a step to STEPS: each step is `async (ctx) => {}`, may keep what it made on
// `ctx`, and may return a Response to stop.
const REPLY = '{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"3"}]}}';
const utf8 = new TextEncoder();
// workers-oauth-provider's WRAPPING_KEY_HMAC_KEY (also ours': wasm/core/oauth/token_crypto.hpp).
const WRAPPING_KEY_HMAC_KEY = new Uint8Array([
  34, 126, 38, 134, 141, 241, 225, 109, 128, 112, 234, 23, 151, 91, 71, 166,
  130, 24, 250, 135, 40, 174, 222, 133, 181, 29, 74, 217, 150, 202, 202, 67,
]);
const ZERO_IV = new Uint8Array(12);
let hmacKey = null;
const wrappingHmacKey = async () =>
  (hmacKey ??= await crypto.subtle.importKey("raw", WRAPPING_KEY_HMAC_KEY, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]));

const ALPHABET = /^[A-Za-z0-9_-]+$/;
const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, "0")).join("");
const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const toBase64 = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf)));
const unauthorized = () =>
  new Response('{"error":"invalid_token"}', { status: 401, headers: { "content-type": "application/json", "www-authenticate": 'Bearer realm="OAuth", error="invalid_token"' } });

// `{user}:{grant}:{secret}` -> { user, grant }, or null (the product's split_token).
function splitToken(token) {
  const last = token.lastIndexOf(":");
  if (last <= 0) return null;
  const middle = token.lastIndexOf(":", last - 1);
  if (middle <= 0) return null;
  const grant = token.slice(middle + 1, last);
  const secret = token.slice(last + 1);
  if (grant.length !== 16 || secret.length !== 32 || !ALPHABET.test(grant) || !ALPHABET.test(secret)) return null;
  return { user: token.slice(0, middle), grant };
}
function bearerToken(request) {
  const h = request.headers.get("authorization");
  if (!h || h.length < 8 || h.slice(0, 7).toLowerCase() !== "bearer ") return null;
  return h.slice(7).trim();
}
async function tokenKey(token, parts) {
  return `token:${parts.user}:${parts.grant}:${hex(await crypto.subtle.digest("SHA-256", utf8.encode(token)))}`;
}
async function keyWrappingKey(token, usage) {
  const derived = await crypto.subtle.sign("HMAC", await wrappingHmacKey(), utf8.encode(token));
  return crypto.subtle.importKey("raw", derived, { name: "AES-KW" }, false, [usage]);
}

const STEPS = [
  async function readBody(ctx) {
    ctx.body = await ctx.request.text();
  },
  async function bearer(ctx) {
    ctx.token = bearerToken(ctx.request);
    ctx.tokenParts = ctx.token && splitToken(ctx.token);
    if (!ctx.tokenParts) return unauthorized();
  },
  async function tokenId(ctx) {
    ctx.tokenKey = await tokenKey(ctx.token, ctx.tokenParts);
  },
  async function tokenRecord(ctx) {
    ctx.record = await ctx.env.OAUTH_KV.get(ctx.tokenKey, "json");
    if (!ctx.record || !(Date.now() < ctx.record.expiresAt * 1000)) return unauthorized();
  },
  async function wrappingKey(ctx) {
    ctx.kek = await keyWrappingKey(ctx.token, "unwrapKey");
  },
  async function unwrapKey(ctx) {
    ctx.propsKey = await crypto.subtle.unwrapKey("raw", fromBase64(ctx.record.wrappedEncryptionKey), ctx.kek, "AES-KW",
      { name: "AES-GCM" }, false, ["decrypt"]);
  },
  async function decryptProps(ctx) {
    ctx.props = await crypto.subtle.decrypt({ name: "AES-GCM", iv: ZERO_IV }, ctx.propsKey, fromBase64(ctx.record.grant.encryptedProps));
  },
];

async function seed(request, env) {
  const token = bearerToken(request);
  const parts = token && splitToken(token);
  if (!parts) return unauthorized();
  const { record, props } = await request.json();
  const key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, true, ["encrypt", "decrypt"]);
  record.grant.encryptedProps = toBase64(await crypto.subtle.encrypt({ name: "AES-GCM", iv: ZERO_IV }, key, utf8.encode(JSON.stringify(props))));
  record.wrappedEncryptionKey = toBase64(await crypto.subtle.wrapKey("raw", key, await keyWrappingKey(token, "wrapKey"), "AES-KW"));
  await env.OAUTH_KV.put(await tokenKey(token, parts), JSON.stringify(record), { expirationTtl: 3600 });
  return new Response(null, { status: 204 });
}

export default {
  async fetch(request, env) {
    if (request.url.endsWith("/_bench/seed") && request.method === "POST") return seed(request, env);
    const ctx = { request, env };
    for (const step of STEPS) {
      const stop = await step(ctx);
      if (stop) return stop;
    }
    return new Response(REPLY, { headers: { "content-type": "application/json" } });
  },
};

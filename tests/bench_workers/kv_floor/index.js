// Benchmark baseline "kv-floor" (scripts/bench): a plain JS Worker that does the host work a product
// `tools/call` cannot avoid today, and nothing else, so that "ours − kv-floor" measures what the
// C++/wasm core and the shim cost on top of that work. One measured request (POST /mcp) runs STEPS:
//
//   1. readBody      the request body as text (not parsed).
//   2. bearer        `Authorization: Bearer <token>`; the token must have the issued shape
//                    `{user}:{grant16}:{secret32}` (a string split, no I/O). Otherwise 401.
//   3. tokenId       ONE SHA-256 of the token (crypto.subtle.digest), as lower-case hex.
//   4. tokenRecord   ONE KV get of `token:{user}:{grant}:{tokenId}` (a hit: the record the bench
//                    seeded, of the product's shape and size), read as JSON; 401 when it is missing
//                    or its `expiresAt` (seconds) has passed. Steps 2–4 are the product's bearer gate
//                    (wasm/core/oauth/bearer.cpp) without its audience and field checks.
//   5. session       the product's Mcp-Session-Id check (wasm/core/app/sessions.cpp), same id format
//                    `s1.<b64url(signed)>.<b64url(mac)>`: base64url-decode, then IN PARALLEL
//                    (Promise.all) ONE HMAC-SHA256 over the signed bytes (crypto.subtle.sign with a
//                    CryptoKey imported once per isolate, as the shim caches its key) and ONE KV get
//                    of the tombstone `mcp-session-ended:{nonce}` (a miss); the MAC is compared in
//                    constant time. 404 on a bad id, a bad MAC or a tombstone.
//   6. a fixed small JSON-RPC reply (the body is never parsed: no JSON-RPC dispatch, no tool).
//
// So per request: 1 SHA-256, 1 HMAC-SHA256, 2 KV gets (1 hit, 1 miss), no KV write.
//
// POST /_bench/seed (called once per start by the bench before it measures; never measured):
// with `Authorization: Bearer <token>` and the token record (JSON) as the body, it stores the record
// under step 4's key (TTL 1 h) and answers `{"sessionId": ...}`, a session id step 5 accepts.
//
// To extend (e.g. the AES steps of a tool that opens the user's props), add a step to STEPS: each
// step is `async (ctx) => {}`, may keep what it made on `ctx`, and may return a Response to stop.
const REPLY = '{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"3"}]}}';
const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();
// A fixed key: this worker guards nothing. The product derives its key from COOKIE_ENCRYPTION_KEY
// once per instance; both import the CryptoKey once per isolate.
const MAC_KEY_BYTES = utf8.encode("bench kv-floor session MAC key, 32B");
let macKey = null;
const sessionKey = async () =>
  (macKey ??= await crypto.subtle.importKey("raw", MAC_KEY_BYTES, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]));

const ALPHABET = /^[A-Za-z0-9]+$/;
const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, "0")).join("");
const b64url = (bytes) => btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
function unb64url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    return Uint8Array.from(atob(text.replaceAll("-", "+").replaceAll("_", "/")), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}
function equalConstantTime(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}
const json = (status, body) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const unauthorized = () =>
  new Response('{"error":"invalid_token"}', { status: 401, headers: { "content-type": "application/json", "www-authenticate": 'Bearer realm="OAuth", error="invalid_token"' } });
const notFound = () => json(404, { jsonrpc: "2.0", id: null, error: { code: -32600, message: "Session not found" } });

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
    const record = await ctx.env.OAUTH_KV.get(ctx.tokenKey, "json");
    if (!record || !(Date.now() < record.expiresAt * 1000)) return unauthorized();
  },
  async function session(ctx) {
    const id = ctx.request.headers.get("mcp-session-id") ?? "";
    const [prefix, signedText, macText, extra] = id.split(".");
    const signed = unb64url(signedText ?? "");
    const mac = unb64url(macText ?? "");
    if (prefix !== "s1" || extra !== undefined || !signed || !mac || mac.length !== 32) return notFound();
    const nonce = utf8Decoder.decode(signed).split("|")[3];
    if (!nonce) return notFound();
    const [expected, tombstone] = await Promise.all([
      sessionKey().then((key) => crypto.subtle.sign("HMAC", key, signed)),
      ctx.env.OAUTH_KV.get(`mcp-session-ended:${nonce}`),
    ]);
    if (!equalConstantTime(new Uint8Array(expected), mac) || tombstone !== null) return notFound();
  },
];

async function seed(request, env) {
  const token = bearerToken(request);
  const parts = token && splitToken(token);
  if (!parts) return unauthorized();
  await env.OAUTH_KV.put(await tokenKey(token, parts), await request.text(), { expirationTtl: 3600 });
  const nonce = b64url(crypto.getRandomValues(new Uint8Array(16)));
  const signed = utf8.encode(`mcp|2025-06-18|${Math.floor(Date.now() / 1000)}|${nonce}|${parts.user}|bench-client`);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await sessionKey(), signed));
  return json(200, { sessionId: `s1.${b64url(signed)}.${b64url(mac)}` });
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

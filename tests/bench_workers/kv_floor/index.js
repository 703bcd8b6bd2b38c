// Benchmark baseline "kv-floor" (scripts/bench): a plain JS Worker that does the host work a product
// `tools/call` needs, and nothing else, so that "ours / kv-floor" measures what the C++/wasm core
// costs on top of the I/O it cannot avoid. Today: read the body, one KV get (a miss, like the
// product's session-tombstone lookup), then a fixed small JSON-RPC reply.
//
// To extend (e.g. SHA-256 / HMAC / AES like the product's session and token checks), add a step to
// STEPS: each step is `async (ctx) => {}` and may keep what it made on `ctx` for later steps.
const REPLY = '{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"3"}]}}';

const STEPS = [
  async function readBody(ctx) {
    ctx.body = await ctx.request.text();
  },
  async function kvGet(ctx) {
    ctx.tombstone = await ctx.env.OAUTH_KV.get("bench:kv-floor:missing-key");
  },
];

export default {
  async fetch(request, env) {
    const ctx = { request, env };
    for (const step of STEPS) await step(ctx);
    return new Response(REPLY, { headers: { "content-type": "application/json" } });
  },
};

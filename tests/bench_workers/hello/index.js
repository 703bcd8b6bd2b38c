// Benchmark baseline "hello" (scripts/bench): the cheapest possible Worker. It answers every request
// with the same small JSON-RPC reply and does nothing else (it does not even read the body), so its
// cost is the floor of workerd + wrangler dev's request path.
const BODY = '{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"3"}]}}';

export default {
  fetch() {
    return new Response(BODY, { headers: { "content-type": "application/json" } });
  },
};

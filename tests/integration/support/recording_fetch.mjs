// A fetch for the MCP SDK's `fetch` option that records every HTTP exchange the SDK makes:
// { method, url, status, authorization, body } (body: the form or JSON text it sent).
// Recorded when the request is sent (status filled in on the answer): over SSE a reply can arrive
// on the stream before its POST's 202 does.
export function recordingFetch(exchanges) {
  return async (url, init = {}) => {
    const headers = new Headers(init.headers);
    const exchange = {
      method: init.method ?? "GET", url: String(url), status: undefined,
      authorization: headers.get("authorization") ?? undefined,
      body: init.body instanceof URLSearchParams ? init.body.toString() : typeof init.body === "string" ? init.body : undefined,
    };
    exchanges.push(exchange);
    const response = await fetch(url, init);
    exchange.status = response.status;
    return response;
  };
}

// The exchanges that are POSTs to /token with this grant_type.
export const tokenGrants = (exchanges, grantType) => exchanges.filter((e) =>
  e.method === "POST" && new URL(e.url).pathname === "/token" && new URLSearchParams(e.body ?? "").get("grant_type") === grantType);

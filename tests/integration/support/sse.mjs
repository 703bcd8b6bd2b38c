// Reading a legacy MCP SSE stream (GET /sse) with fetch: events are parsed incrementally from
// `response.body` as they arrive, kept in order, and awaited by predicate with a timeout.
//   const stream = await openSse(worker.url);            // stream.status, stream.headers
//   const endpoint = await stream.next((e) => e.event === "endpoint");
//   const reply = await stream.message((m) => m.id === 7); // parsed JSON of an `event: message`
//   stream.close();                                      // aborts the GET (the client goes away)
// /sse and /sse/message need `Authorization: Bearer <token>`: openSse, openSseSession and
// postMessage take a `token` option that sets it (none is sent without one).
// Each event is { event, data, id, comments } per the WHATWG EventSource parsing rules, except that
// comment lines (": keepalive") are also recorded, as events { event: "comment", data: "keepalive" }.
import { bearer } from "./mcp_http.mjs";

const DEFAULT_TIMEOUT_MS = 5000;

// Parses one SSE block (lines between blank lines) into events; comments become their own entries.
function parseBlock(lines) {
  const out = [];
  let event = "message";
  const data = [];
  let id;
  for (const line of lines) {
    if (line.startsWith(":")) {
      out.push({ event: "comment", data: line.slice(1).trimStart() });
      continue;
    }
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
    else if (field === "id") id = value;
  }
  if (data.length > 0) out.push({ event, data: data.join("\n"), id, dataLines: data.length });
  return out;
}

// Opens GET `url + path` and starts reading. Resolves once the response headers arrived.
export async function openSse(url, { path = "/sse", headers = {}, accept = "text/event-stream", token } = {}) {
  const controller = new AbortController();
  const h = { ...(accept === undefined ? {} : { accept }), ...bearer(token), ...headers };
  const response = await fetch(url + path, { headers: h, signal: controller.signal });
  const stream = {
    response,
    status: response.status,
    headers: response.headers,
    events: [], // every event and comment so far, in order
    raw: "", // every byte of the body so far, decoded
    ended: false,
    error: undefined,
    close() { controller.abort(); },
    next: (predicate, timeoutMs) => waitFor(stream, predicate, timeoutMs),
    // The parsed JSON of the first `event: message` whose JSON satisfies `predicate`.
    message: async (predicate = () => true, timeoutMs) => {
      const e = await waitFor(stream, (ev) => ev.event === "message" && predicate(JSON.parse(ev.data)), timeoutMs);
      return JSON.parse(e.data);
    },
    messages: () => stream.events.filter((e) => e.event === "message").map((e) => JSON.parse(e.data)),
  };
  const waiters = new Set();
  stream._waiters = waiters;
  const wake = () => { for (const w of [...waiters]) w(); };

  if (!response.body) {
    stream.ended = true;
    return stream;
  }
  const ctype = response.headers.get("content-type") ?? "";
  if (!ctype.startsWith("text/event-stream")) {
    // Not a stream (an error status): keep the text for the test to look at.
    stream.text = await response.text();
    stream.ended = true;
    return stream;
  }

  stream.done = (async () => {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const text = decoder.decode(value, { stream: true });
        stream.raw += text;
        buffer += text.replace(/\r\n?/g, "\n");
        let end;
        while ((end = buffer.indexOf("\n\n")) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          stream.events.push(...parseBlock(block.split("\n")));
        }
        wake();
      }
    } catch (e) {
      stream.error = e;
    } finally {
      stream.ended = true;
      wake();
    }
  })();
  return stream;
}

// Resolves with the first event (already received or still to come) satisfying `predicate`;
// rejects after `timeoutMs`, or when the stream ends without one.
export function waitFor(stream, predicate, timeoutMs = DEFAULT_TIMEOUT_MS) {
  return new Promise((resolve, reject) => {
    let waiter;
    const finish = (fn, value) => {
      clearTimeout(timer);
      stream._waiters?.delete(waiter);
      fn(value);
    };
    waiter = () => {
      let found;
      try { found = stream.events.find(predicate); } catch (e) { finish(reject, e); return; }
      if (found) { finish(resolve, found); return; }
      if (stream.ended) {
        finish(reject, new Error(`the SSE stream ended without the awaited event${stream.error ? ` (${stream.error})` : ""}; received:\n${stream.raw}`));
      }
    };
    const timer = setTimeout(() => {
      finish(reject, new Error(`no matching SSE event within ${timeoutMs} ms; received:\n${stream.raw}`));
    }, timeoutMs);
    stream._waiters?.add(waiter);
    waiter();
  });
}

// The session endpoint announced by the first `event: endpoint`, resolved against the server.
export async function endpointOf(stream, base, timeoutMs) {
  const e = await stream.next((ev) => ev.event === "endpoint", timeoutMs);
  const target = new URL(e.data, base);
  return { data: e.data, url: target.href, sessionId: target.searchParams.get("sessionId") };
}

// POSTs a JSON-RPC body (object or raw string) to a legacy SSE message endpoint.
// Returns { status, headers, text, json }.
export async function postMessage(base, sessionId, body, { headers = {}, query, token, ...init } = {}) {
  const q = query ?? (sessionId === undefined ? "" : `?sessionId=${encodeURIComponent(sessionId)}`);
  const payload = typeof body === "string" || body instanceof Uint8Array || body === undefined ? body : JSON.stringify(body);
  const response = await fetch(`${base}/sse/message${q}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...bearer(token), ...headers },
    body: payload,
    ...init,
  });
  const text = await response.text();
  let json;
  try { json = JSON.parse(text); } catch {}
  return { status: response.status, headers: response.headers, text, json };
}

// Opens a stream and reads its endpoint: { stream, sessionId, endpoint }.
export async function openSseSession(base, options) {
  const stream = await openSse(base, options);
  if (stream.status !== 200) throw new Error(`GET /sse answered ${stream.status}: ${stream.text ?? ""}`);
  const { sessionId, data } = await endpointOf(stream, base);
  return { stream, sessionId, endpoint: data };
}

export const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

// Bounded retry: calls `attempt()` up to `tries` times, `intervalMs` apart, until `done(result)`;
// returns the last result either way (the caller asserts on it).
export async function retry(attempt, done, { tries = 10, intervalMs = 200 } = {}) {
  let result;
  for (let i = 0; i < tries; i++) {
    result = await attempt();
    if (done(result)) return result;
    await sleep(intervalMs);
  }
  return result;
}

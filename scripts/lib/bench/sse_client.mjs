// A legacy MCP HTTP+SSE client for the benchmark, on node:http: GET /sse opens the stream (one
// socket of its own), the first `event: endpoint` names the message URL, every POST to it answers
// 202 and its JSON-RPC reply arrives on the stream, matched here by id.
//   const s = await openSseSession(port, headers);      // s.messagePath: "/sse/message?sessionId=…"
//   const r = await sseCall(s, agent, headers, body, id); // { ok, status, body } once the reply came
//   s.close();
import http from "node:http";
import { HOST, post } from "./http.mjs";

// Incremental text/event-stream parser (WHATWG rules, comments dropped). feed(text) calls
// onEvent({ event, data }) for every complete event.
export function createSseParser(onEvent) {
  let buffer = "";
  return function feed(text) {
    buffer += text;
    buffer = buffer.replace(/\r\n?/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line === "" || line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon === -1 ? line : line.slice(0, colon);
        let value = colon === -1 ? "" : line.slice(colon + 1);
        if (value.startsWith(" ")) value = value.slice(1);
        if (field === "event") event = value;
        else if (field === "data") data.push(value);
      }
      if (data.length) onEvent({ event, data: data.join("\n") });
    }
  };
}

// Opens GET /sse with `headers` and resolves once the endpoint event arrived.
export function openSseSession(port, headers, { path = "/sse", timeoutMs = 30000 } = {}) {
  return new Promise((resolveOpen, rejectOpen) => {
    const waiters = new Map(); // JSON-RPC id -> { resolve, reject, timer }
    const early = new Map(); // replies that came before anyone waited for them
    let closed = false;
    let opened = false;
    const session = {
      messagePath: null,
      close() {
        closed = true;
        req.destroy();
      },
      // A promise for the reply to `id` (register it before sending the request).
      expect(id, ms = 30000) {
        if (early.has(id)) {
          const m = early.get(id);
          early.delete(id);
          return Promise.resolve(m);
        }
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => {
            waiters.delete(id);
            reject(new Error(`no reply to id ${id} on the SSE stream within ${ms} ms`));
          }, ms);
          waiters.set(id, { resolve, reject, timer });
        });
      },
      forget(id) {
        const w = waiters.get(id);
        if (w) clearTimeout(w.timer);
        waiters.delete(id);
      },
    };
    const failAll = (error) => {
      for (const w of waiters.values()) {
        clearTimeout(w.timer);
        w.reject(error);
      }
      waiters.clear();
    };
    const feed = createSseParser(({ event, data }) => {
      if (event === "endpoint" && !opened) {
        opened = true;
        const url = new URL(data, `http://${HOST}:${port}`);
        session.messagePath = url.pathname + url.search;
        resolveOpen(session);
        return;
      }
      if (event !== "message") return;
      let message;
      try {
        message = JSON.parse(data);
      } catch {
        return;
      }
      const w = waiters.get(message?.id);
      if (w) {
        clearTimeout(w.timer);
        waiters.delete(message.id);
        w.resolve(message);
      } else if (message?.id !== undefined) early.set(message.id, message);
    });
    const req = http.request({ host: HOST, port, path, method: "GET", agent: false, headers: { accept: "text/event-stream", ...headers } }, (res) => {
      if (res.statusCode !== 200) {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => rejectOpen(new Error(`GET ${path} answered ${res.statusCode}: ${body.slice(0, 300)}`)));
        return;
      }
      res.setEncoding("utf8");
      res.on("data", feed);
      res.on("end", () => failAll(new Error("the SSE stream ended")));
      res.on("error", (e) => failAll(e));
    });
    req.setTimeout(0);
    req.on("error", (e) => {
      if (!closed) {
        failAll(e);
        rejectOpen(e);
      }
    });
    setTimeout(() => {
      if (!opened) {
        req.destroy();
        rejectOpen(new Error(`no endpoint event on GET ${path} within ${timeoutMs} ms`));
      }
    }, timeoutMs).unref();
    req.end();
  });
}

// POSTs one JSON-RPC request to the session's message endpoint and waits for its reply on the
// stream. Resolves { ok, status, body } (status 0 when the reply did not come); `check(body)`
// decides `ok` (body is the reply's JSON text).
export async function sseCall(session, agent, port, headers, body, id, check) {
  const reply = session.expect(id);
  reply.catch(() => {}); // awaited below; this only keeps a rejection during the POST from going unhandled
  const r = await post(agent, port, session.messagePath, headers, body);
  if (r.status !== 202) {
    session.forget(id);
    return { ok: false, status: r.status, error: r.error, body: r.body };
  }
  try {
    const text = JSON.stringify(await reply);
    return { ok: check(text), status: 202, body: text };
  } catch (e) {
    return { ok: false, status: 0, error: String(e?.message ?? e) };
  }
}

// A notification (no reply expected): the POST must answer 202.
export async function sseNotify(session, agent, port, headers, body) {
  const r = await post(agent, port, session.messagePath, headers, body);
  return { ok: r.status === 202, status: r.status, body: r.body };
}

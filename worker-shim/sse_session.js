// Legacy SSE sessions across isolates (DESIGN.md Rule 2). No wasm here, no MCP: bytes only.
//
// - `openMailboxStream` (in the worker that answered GET /sse) holds the client's stream: it writes
//   the first bytes the core produced, connects a WebSocket to the user's mailbox, forwards every
//   message it receives, and writes the keepalive on a timer. When either side closes, both close.
// - `McpMailbox` (one Durable Object per user, SQLite-backed, hibernating) holds each of the user's
//   streams as a WebSocket tagged with its session key, keeps the record the core gave it ({session,
//   user, client, protocolVersion, createdAt, maxStreams}) while the stream is connected, and
//   `deliver`s bytes from whichever worker ran the POST, only to the record's owner. A session ends
//   when its WebSocket closes: the record is deleted, later deliveries find nothing. Opening a
//   stream past `maxStreams` closes the user's oldest, so one user's streams stay bounded.
import { DurableObject } from "cloudflare:workers";
import { withDeadline } from "./deadline.js";

const utf8 = new TextEncoder();

export function mailbox(env, name) {
  return env.MCP_MAILBOX.get(env.MCP_MAILBOX.idFromName(name));
}

const unavailable = () => new Response("Service Unavailable: the session mailbox did not connect\n", {
  status: 503, headers: { "content-type": "text/plain; charset=utf-8", "retry-after": "5" } }); // limits.hpp retry_after_seconds

export async function openMailboxStream(env, signal, directive, { status, headers, body }, timeoutMs) {
  let upgrade;
  try { // a mailbox that fails or stalls is this request's 503, not a failure of the module
    upgrade = await withDeadline(mailbox(env, directive.mailbox).fetch(
      `https://mailbox/connect?init=${encodeURIComponent(directive.init)}`, { headers: { upgrade: "websocket" } }), timeoutMs);
  } catch {
    return unavailable();
  }
  const socket = upgrade.webSocket;
  if (!socket) return unavailable();
  socket.accept();
  const { readable, writable } = new TransformStream();
  const writer = writable.getWriter();
  let open = true;
  const close = () => {
    if (!open) return;
    open = false;
    clearInterval(timer);
    try { socket.close(1000, "stream closed"); } catch {}
    writer.close().catch(() => {});
  };
  const write = (bytes) => { if (open) writer.write(bytes).catch(close); };
  const timer = setInterval(() => write(directive.keepalive), directive.keepaliveMs);
  socket.addEventListener("message", (e) => write(typeof e.data === "string" ? utf8.encode(e.data) : new Uint8Array(e.data)));
  socket.addEventListener("close", close);
  socket.addEventListener("error", close);
  writer.closed.catch(close); // the client went away (noticed on a write)…
  signal?.addEventListener("abort", close); // …or at once, where the runtime reports disconnects
  write(body);
  return new Response(readable, { status, headers });
}

export class McpMailbox extends DurableObject {
  #sessions = new Map(); // stream key -> its record, parsed (kept in memory until the object hibernates)

  async fetch(request) {
    if (request.headers.get("upgrade") !== "websocket") return new Response("expected a WebSocket\n", { status: 426 });
    const init = new URL(request.url).searchParams.get("init");
    if (!init) return new Response("missing init\n", { status: 400 });
    const record = JSON.parse(init);
    for (const old of this.ctx.getWebSockets(record.session)) await this.#end(old); // one stream per session
    // At most record.maxStreams streams per user: opening one more closes the oldest.
    const open = this.ctx.getWebSockets().filter((ws) => ws.readyState === 1 /* OPEN */)
      .sort((a, b) => a.deserializeAttachment().opened - b.deserializeAttachment().opened);
    for (const ws of open.slice(0, Math.max(0, open.length - record.maxStreams + 1))) await this.#end(ws);
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server, [record.session]);
    server.serializeAttachment({ session: record.session, opened: Date.now() });
    await this.ctx.storage.put(record.session, init);
    this.#sessions.set(record.session, record);
    return new Response(null, { status: 101, webSocket: client });
  }

  // check: JSON {session, user, client[, protocolVersion]}; payload: bytes for the stream (may be empty).
  async deliver(check, payload) {
    const who = JSON.parse(check);
    const [socket] = this.ctx.getWebSockets(who.session);
    if (!socket || socket.readyState !== 1) return false;
    let session = this.#sessions.get(who.session);
    if (!session) {
      const stored = await this.ctx.storage.get(who.session);
      if (!stored) return false;
      session = JSON.parse(stored);
      this.#sessions.set(who.session, session);
    }
    if (session.user !== who.user || session.client !== who.client) return false;
    if (who.protocolVersion && who.protocolVersion !== session.protocolVersion) {
      session.protocolVersion = who.protocolVersion;
      await this.ctx.storage.put(who.session, JSON.stringify(session));
    }
    if (payload.byteLength > 0) socket.send(payload);
    return true;
  }

  async webSocketClose(socket) { await this.#end(socket); }
  async webSocketError(socket) { await this.#end(socket); }

  async #end(socket) {
    try { socket.close(1000, "session ended"); } catch {}
    const session = socket.deserializeAttachment()?.session;
    if (!session) return;
    this.#sessions.delete(session);
    await this.ctx.storage.delete(session);
  }
}

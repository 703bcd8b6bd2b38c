// Legacy SSE sessions across isolates (DESIGN.md Rule 2). No wasm here, no MCP: bytes only.
//
// - `openMailboxStream` (in the worker that answered GET /sse) holds the client's stream: it writes
//   the first bytes the core produced, connects a WebSocket to the session's mailbox, forwards every
//   message it receives, and writes the keepalive on a timer. When either side closes, both close.
// - `McpMailbox` (one Durable Object per session, SQLite-backed, hibernating) keeps the record the
//   core gave it ({user, client, protocolVersion, createdAt}) while the stream is connected, and
//   `deliver`s bytes from whichever worker ran the POST, only to the record's owner. The session
//   ends when the stream's WebSocket closes: the record is deleted, later deliveries find nothing.
import { DurableObject } from "cloudflare:workers";
import { withDeadline } from "./deadline.js";

const utf8 = new TextEncoder();

export function mailbox(env, name) {
  return env.MCP_MAILBOX.get(env.MCP_MAILBOX.idFromName(name));
}

const unavailable = () => new Response("Service Unavailable: the session mailbox did not connect\n", {
  status: 503, headers: { "content-type": "text/plain; charset=utf-8", "retry-after": "5" } });

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
  #session; // the stored record, parsed (kept in memory until the object hibernates)

  async fetch(request) {
    if (request.headers.get("upgrade") !== "websocket") return new Response("expected a WebSocket\n", { status: 426 });
    const init = new URL(request.url).searchParams.get("init");
    if (!init) return new Response("missing init\n", { status: 400 });
    for (const old of this.ctx.getWebSockets()) old.close(1000, "replaced"); // one stream per session
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server);
    await this.ctx.storage.put("session", init);
    this.#session = JSON.parse(init);
    return new Response(null, { status: 101, webSocket: client });
  }

  // check: JSON {user, client[, protocolVersion]}; payload: bytes for the stream (may be empty).
  async deliver(check, payload) {
    const [socket] = this.ctx.getWebSockets();
    if (!socket) return false;
    if (!this.#session) {
      const stored = await this.ctx.storage.get("session");
      if (!stored) return false;
      this.#session = JSON.parse(stored);
    }
    const session = this.#session;
    const who = JSON.parse(check);
    if (session.user !== who.user || session.client !== who.client) return false;
    if (who.protocolVersion && who.protocolVersion !== session.protocolVersion) {
      session.protocolVersion = who.protocolVersion;
      await this.ctx.storage.put("session", JSON.stringify(session));
    }
    if (payload.byteLength > 0) socket.send(payload);
    return true;
  }

  async webSocketClose(socket) { await this.#end(socket); }
  async webSocketError(socket) { await this.#end(socket); }

  async #end(socket) {
    try { socket.close(1000, "session ended"); } catch {}
    this.#session = undefined;
    await this.ctx.storage.deleteAll();
  }
}

// A loopback HTTP proxy that adds `Authorization: Bearer <token>` to every request and forwards it
// to a worker, for clients that cannot send a header of their own (the MCP conformance suite).
//   const proxy = await startBearerProxy({ target: worker.url });   // proxy.url, proxy.close()
//   const { accessToken } = await signIn(proxy.url);                 // no token yet: plain pass-through
//   proxy.token = accessToken;                                       // from now on every request has it
// Sign in through the proxy: the worker binds a token to the origin it was issued at (RFC 8707
// audience), and the proxy is another origin than the worker (another port).
// Everything else passes through untouched, both ways and streamed (SSE responses included):
// method, path, body, and every header the client sent, `Host` and `Origin` among them, so the
// worker judges the Host and Origin the client chose (the suite's DNS-rebinding scenario sends
// `Host: evil.example.com`). Only hop-by-hop headers are dropped (RFC 9110 §7.6.1). An
// Authorization header the client sent itself is replaced while a token is set.
import { createServer, request as httpRequest } from "node:http";

const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"]);

export async function startBearerProxy({ target, token, host = "127.0.0.1", port = 0 }) {
  const upstream = new URL(target);
  const proxy = { token };
  const sockets = new Set();
  const server = createServer((req, res) => {
    const headers = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (!HOP_BY_HOP.has(name) && !(name === "authorization" && proxy.token !== undefined)) headers[name] = value;
    }
    if (proxy.token !== undefined) headers.authorization = `Bearer ${proxy.token}`;
    const forward = httpRequest({
      host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers,
      setHost: false, // `headers.host` is the client's
    }, (answer) => {
      const back = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (!HOP_BY_HOP.has(name)) back[name] = value;
      }
      res.writeHead(answer.statusCode, answer.statusMessage, back);
      res.flushHeaders(); // an SSE stream's headers go out before its first event
      answer.pipe(res);
      answer.on("error", () => res.destroy());
    });
    forward.on("error", (e) => {
      if (!res.headersSent) {
        res.writeHead(502, { "content-type": "text/plain" });
        res.end(`bearer proxy: ${upstream.origin} unreachable: ${e.message}\n`);
      } else {
        res.destroy();
      }
    });
    // A client that gives up (closes a stream) closes the upstream request too.
    res.on("close", () => { if (!res.writableFinished) forward.destroy(); });
    req.pipe(forward);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise((ok, fail) => { server.once("error", fail); server.listen(port, host, ok); });
  const { port: bound } = server.address();
  Object.assign(proxy, {
    url: `http://${host}:${bound}`,
    port: bound,
    // Stops listening and ends every open connection (streams included).
    close: () => new Promise((ok) => {
      server.close(() => ok());
      for (const socket of sockets) socket.destroy();
    }),
  });
  return proxy;
}

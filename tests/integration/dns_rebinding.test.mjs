// DNS-rebinding defence with a pinned origin: PUBLIC_URL fixes the one Host served (even under
// LOCAL_DEVELOPMENT, where loopback hosts are otherwise accepted) and ALLOWED_ORIGINS adds browser
// origins besides the server's own. The loopback-only default is covered in mcp_http_status.test.mjs.
// The access token is obtained through the pinned origin (its audience is http://localhost:<port>),
// so a 403 below is the Host/Origin guard's, never the bearer gate's.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startWorker } from "./support/worker.mjs";
import { ACCEPT, rawRequest, rpc } from "./support/mcp_http.mjs";
import { signIn } from "./support/sign_in.mjs";

let worker;
let token;
before(async () => {
  worker = await startWorker({
    vars: ({ port }) => ({ PUBLIC_URL: `http://localhost:${port}`, ALLOWED_ORIGINS: "https://app.example" }),
  });
  ({ accessToken: token } = await signIn(`http://localhost:${worker.port}`));
});
after(async () => { await worker?.stop(); });

const initialize = (headers) => rawRequest(worker.port, {
  token,
  headers: { "content-type": "application/json", accept: ACCEPT, ...headers },
  body: rpc("initialize", { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } }),
});

describe("PUBLIC_URL=http://localhost:<port>, ALLOWED_ORIGINS=https://app.example", () => {
  test("Host: localhost:<port> is served", async () => {
    const r = await initialize({ host: `localhost:${worker.port}` });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.result.serverInfo.name, "remote-mcp-github-oauth-cpp");
    assert.match(r.headers["mcp-session-id"] ?? "", /^s1\./);
  });

  test("Host: 127.0.0.1:<port> (loopback, but not the pinned host) is 403", async () => {
    const r = await initialize({ host: `127.0.0.1:${worker.port}` });
    assert.equal(r.status, 403);
    assert.equal(r.headers["mcp-session-id"], undefined);
  });

  test("Host: evil.example is 403", async () => {
    const r = await initialize({ host: "evil.example" });
    assert.equal(r.status, 403);
    assert.equal(r.headers["mcp-session-id"], undefined);
  });

  test("Host: localhost on another port is 403", async () => {
    const r = await initialize({ host: `localhost:${worker.port === 65535 ? 1 : worker.port + 1}` });
    assert.equal(r.status, 403);
  });

  test("Origin: https://app.example (allowed) is served", async () => {
    const r = await initialize({ host: `localhost:${worker.port}`, origin: "https://app.example" });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.headers["mcp-session-id"]);
  });

  test("Origin equal to PUBLIC_URL is served", async () => {
    const r = await initialize({ host: `localhost:${worker.port}`, origin: `http://localhost:${worker.port}` });
    assert.equal(r.status, 200, r.text);
  });

  test("no Origin is served", async () => {
    const r = await initialize({ host: `localhost:${worker.port}` });
    assert.equal(r.status, 200);
  });

  test("Origin: https://evil.example is 403", async () => {
    const r = await initialize({ host: `localhost:${worker.port}`, origin: "https://evil.example" });
    assert.equal(r.status, 403);
    assert.equal(r.headers["mcp-session-id"], undefined);
  });

  test("Origin: http://127.0.0.1:<port> (not the pinned origin) is 403", async () => {
    const r = await initialize({ host: `localhost:${worker.port}`, origin: `http://127.0.0.1:${worker.port}` });
    assert.equal(r.status, 403);
  });

  test("a 403 is refused before routing: unknown paths are 403 too", async () => {
    const r = await rawRequest(worker.port, { method: "GET", path: "/nope", headers: { host: "evil.example" } });
    assert.equal(r.status, 403);
    const register = await rawRequest(worker.port, {
      path: "/register", headers: { host: "evil.example", "content-type": "application/json" },
      body: { redirect_uris: ["https://client.example/cb"] },
    });
    assert.equal(register.status, 403);
  });

  test("OAuth metadata and the 401 challenge name the pinned origin", async () => {
    const origin = `http://localhost:${worker.port}`;
    const as = await rawRequest(worker.port, { method: "GET", path: "/.well-known/oauth-authorization-server", headers: { host: `localhost:${worker.port}` } });
    assert.equal(as.status, 200, as.text);
    assert.equal(as.json.issuer, origin);
    assert.equal(as.json.token_endpoint, `${origin}/token`);
    const gate = await rawRequest(worker.port, {
      headers: { host: `localhost:${worker.port}`, "content-type": "application/json", accept: ACCEPT }, body: rpc("ping"),
    });
    assert.equal(gate.status, 401);
    assert.match(gate.headers["www-authenticate"], new RegExp(`resource_metadata="${origin}/\\.well-known/oauth-protected-resource/mcp"`));
  });
});

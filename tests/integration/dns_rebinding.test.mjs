// DNS-rebinding defence with a pinned origin: PUBLIC_URL fixes the one Host served (even under
// LOCAL_DEVELOPMENT, where loopback hosts are otherwise accepted) and ALLOWED_ORIGINS adds browser
// origins besides the server's own. The loopback-only default is covered in mcp_http_status.test.mjs.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startWorker } from "./support/worker.mjs";
import { ACCEPT, rawRequest, rpc } from "./support/mcp_http.mjs";

let worker;
before(async () => {
  worker = await startWorker({
    vars: ({ port }) => ({ PUBLIC_URL: `http://localhost:${port}`, ALLOWED_ORIGINS: "https://app.example" }),
  });
});
after(async () => { await worker?.stop(); });

const initialize = (headers) => rawRequest(worker.port, {
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
  });
});

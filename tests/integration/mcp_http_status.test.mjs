// /mcp at the HTTP layer: methods, media types, protocol-version headers, unreadable and oversized
// bodies, invalid JSON-RPC, and the loopback-only Host/Origin guard of the dev configuration
// (LOCAL_DEVELOPMENT=true, no PUBLIC_URL). Every bad request must leave the server serving.
// Every request carries a real access token (support/sign_in.mjs), so each status below is the
// one /mcp gives a signed-in client.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startWorker } from "./support/worker.mjs";
import { ACCEPT, bearer, errorOf, openSession, post, rawRequest, rpc } from "./support/mcp_http.mjs";
import { signIn } from "./support/sign_in.mjs";

const MiB = 1024 * 1024;

let worker;
let session; // negotiated at 2025-06-18
let token; // octocat's access token, for the resource http://127.0.0.1:<port>
let localhostToken; // the same user signed in through http://localhost:<port> (its own audience)
before(async () => {
  worker = await startWorker();
  ({ accessToken: token } = await signIn(worker.url));
  ({ accessToken: localhostToken } = await signIn(`http://localhost:${worker.port}`));
  ({ session } = await openSession(worker.url, "2025-06-18", { token }));
});
after(async () => { await worker?.stop(); });

// The server still answers a normal request.
async function assertStillServing() {
  const r = await post(worker.url, rpc("tools/call", { name: "add", arguments: { a: 20, b: 22 } }), { session, token });
  const log = worker.output().trim();
  assert.equal(r.status, 200, `server no longer serving: ${r.status} ${r.text}` +
    (log ? `\n--- wrangler output (tail) ---\n${log.slice(-3000)}` : ""));
  assert.equal(r.json.result.content[0].text, "42");
}

describe("HTTP methods and headers", () => {
  test("GET /mcp is 405 with Allow: POST, DELETE", async () => {
    const r = await fetch(`${worker.url}/mcp`, { headers: { accept: "text/event-stream", ...bearer(token) } });
    assert.equal(r.status, 405);
    const allow = r.headers.get("allow") ?? "";
    assert.match(allow, /\bPOST\b/);
    assert.match(allow, /\bDELETE\b/);
    await r.body?.cancel();
  });

  test("PUT /mcp is 405", async () => {
    const r = await post(worker.url, rpc("ping"), { session, token, method: "PUT" });
    assert.equal(r.status, 405);
    assert.match(r.headers.get("allow") ?? "", /\bPOST\b/);
  });

  test("Content-Type text/plain is 415", async () => {
    const r = await post(worker.url, rpc("ping"), { session, token, headers: { "content-type": "text/plain" } });
    assert.equal(r.status, 415);
  });

  test("Content-Type application/json; charset=utf-8 is accepted", async () => {
    const r = await post(worker.url, rpc("ping"), { session, token, headers: { "content-type": "application/json; charset=utf-8" } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.result, {});
  });

  test("Accept: text/html only is 406", async () => {
    const r = await post(worker.url, rpc("ping"), { session, token, headers: { accept: "text/html" } });
    assert.equal(r.status, 406);
  });

  test("MCP-Protocol-Version: 1999-01-01 is 400", async () => {
    const r = await post(worker.url, rpc("ping"), { session, token, protocolVersion: "1999-01-01" });
    assert.equal(r.status, 400);
    errorOf(r);
  });

  test("a supported MCP-Protocol-Version that differs from the session's is served under its own rules", async () => {
    // As the conformance suite's server-sse-multiple-streams sends it (conformance.test.mjs).
    const r = await post(worker.url, rpc("ping"), { session, token, protocolVersion: "2025-03-26" });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.result, {});
    const batch = [rpc("ping"), rpc("ping")];
    assert.equal((await post(worker.url, batch, { session, token, protocolVersion: "2025-03-26" })).status, 200);
    const refused = await post(worker.url, batch, { session, token, protocolVersion: "2025-06-18" });
    assert.equal(refused.status, 400);
    errorOf(refused);
  });
});

describe("unreadable bodies", () => {
  test("malformed JSON is 400 with -32700 and id null", async () => {
    const r = await post(worker.url, '{"jsonrpc":"2.0","id":1,"method":"ping"', { session, token });
    assert.equal(r.status, 400);
    assert.equal(r.json.jsonrpc, "2.0");
    assert.equal(r.json.id, null);
    assert.equal(errorOf(r).code, -32700);
    await assertStillServing();
  });

  test("an empty body is 400 -32700", async () => {
    const r = await post(worker.url, "", { session, token });
    assert.equal(r.status, 400);
    assert.equal(errorOf(r).code, -32700);
  });

  test("JSON nested 100 levels deep is 400 -32700, and the server keeps serving", async () => {
    const deep = "[".repeat(100) + "]".repeat(100);
    const r = await post(worker.url, `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":${deep}}}`, { session, token });
    assert.equal(r.status, 400);
    assert.equal(r.json.id, null);
    assert.equal(errorOf(r).code, -32700);
    await assertStillServing();
  });

  test("JSON nested 100,000 levels deep is 400 -32700, and the server keeps serving", async () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    const r = await post(worker.url, `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":${deep}}}`, { session, token });
    assert.equal(r.status, 400);
    assert.equal(errorOf(r).code, -32700);
    await assertStillServing();
  });

  test("JSON nested 50 levels deep (under the limit) is served", async () => {
    const deep = "[".repeat(50) + "]".repeat(50);
    const r = await post(worker.url, `{"jsonrpc":"2.0","id":9,"method":"ping","params":{"x":${deep}}}`, { session, token });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { jsonrpc: "2.0", id: 9, result: {} });
  });

  test("invalid UTF-8 inside a JSON string is 400 -32700", async () => {
    const head = Buffer.from('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add","arguments":{"a":1,"b":2,"c":"');
    const tail = Buffer.from('"}}}');
    const body = new Uint8Array(Buffer.concat([head, Buffer.from([0xff, 0xfe]), tail]));
    const r = await post(worker.url, body, { session, token });
    assert.equal(r.status, 400);
    assert.equal(errorOf(r).code, -32700);
    await assertStillServing();
  });

  test("invalid UTF-8 in the method name is 400 -32700", async () => {
    const body = new Uint8Array(Buffer.concat([
      Buffer.from('{"jsonrpc":"2.0","id":1,"method":"pi'), Buffer.from([0xc3, 0x28]), Buffer.from('ng"}'),
    ]));
    const r = await post(worker.url, body, { session, token });
    assert.equal(r.status, 400);
    assert.equal(errorOf(r).code, -32700);
  });
});

describe("body size limit (1 MiB)", () => {
  // A ping padded with spaces to exactly `size` bytes.
  const paddedPing = (size) => {
    const core = JSON.stringify(rpc("ping", undefined, "big"));
    return core.slice(0, -1) + " ".repeat(size - core.length) + "}";
  };

  test("a body of exactly 1 MiB is served", async () => {
    const body = paddedPing(MiB);
    assert.equal(Buffer.byteLength(body), MiB);
    const r = await post(worker.url, body, { session, token });
    assert.equal(r.status, 200, r.text.slice(0, 200));
    assert.deepEqual(r.json.result, {});
  });

  test("1 MiB + 1 byte with a Content-Length is 413", async () => {
    const body = paddedPing(MiB + 1);
    const r = await post(worker.url, body, { session, token });
    assert.equal(r.status, 413);
    errorOf(r);
    await assertStillServing();
  });

  test("4 MiB streamed without a Content-Length is 413", async () => {
    const chunk = new Uint8Array(64 * 1024).fill(0x20); // spaces: valid JSON whitespace
    let sent = 0;
    const stream = new ReadableStream({
      start(controller) { controller.enqueue(new TextEncoder().encode('{"jsonrpc":"2.0","id":1,"method":"ping"')); },
      pull(controller) {
        if (sent >= 4 * MiB) { controller.enqueue(new TextEncoder().encode("}")); controller.close(); return; }
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    let r;
    try {
      r = await post(worker.url, stream, { session, token, duplex: "half" });
    } catch (e) {
      assert.fail(`the streamed request failed without a response: ${e?.cause ?? e}`);
    }
    assert.equal(r.status, 413);
    errorOf(r);
    await assertStillServing();
  });
});

describe("numbers", () => {
  const add = (argumentsText) => post(worker.url,
    `{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"add","arguments":${argumentsText}}}`, { session, token });

  // RFC 8259 §6 lets a parser limit the range of numbers; nlohmann refuses values beyond a double.
  for (const args of ['{"a":1e400,"b":1}', '{"a":1,"b":-1e400}']) {
    test(`${args} is a clear -32700 (number out of range), and the server keeps serving`, async () => {
      const r = await add(args);
      assert.equal(r.status, 400, r.text);
      assert.equal(r.json.id, null);
      assert.equal(r.json.error.code, -32700);
      assert.match(r.json.error.message, /outside the range/);
      await assertStillServing();
    });
  }

  test("a sum that overflows (1e308 + 1e308) is a tool error", async () => {
    const r = await add('{"a":1e308,"b":1e308}');
    assert.equal(r.status, 200);
    assert.equal(r.json.result.isError, true);
  });

  test("123456789012345678901234567890 + 1 answers what JavaScript would", async () => {
    const r = await add('{"a":123456789012345678901234567890,"b":1}');
    assert.equal(r.status, 200, r.text);
    assert.notEqual(r.json.result.isError, true, r.text);
    assert.equal(r.json.result.content[0].text, String(123456789012345678901234567890 + 1));
  });

  test("18446744073709551616 (2^64) + 0 answers what JavaScript would", async () => {
    const r = await add('{"a":18446744073709551616,"b":0}');
    assert.equal(r.status, 200, r.text);
    assert.notEqual(r.json.result.isError, true, r.text);
    assert.equal(r.json.result.content[0].text, String(18446744073709551616));
  });

  test("a huge id is echoed as a valid JSON-RPC response", async () => {
    const r = await post(worker.url, '{"jsonrpc":"2.0","id":123456789012345678901234567890,"method":"ping"}', { session, token });
    assert.ok(r.status === 200 || r.status === 400, `${r.status} ${r.text}`);
    assert.equal(r.json.jsonrpc, "2.0");
    await assertStillServing();
  });
});

describe("invalid JSON-RPC", () => {
  test('jsonrpc "1.0" is 400 -32600', async () => {
    const r = await post(worker.url, { jsonrpc: "1.0", id: 1, method: "ping" }, { session, token });
    assert.equal(r.status, 400);
    assert.equal(errorOf(r).code, -32600);
  });

  test("a message without method and id is 400 -32600", async () => {
    const r = await post(worker.url, { jsonrpc: "2.0" }, { session, token });
    assert.equal(r.status, 400);
    assert.equal(errorOf(r).code, -32600);
  });

  test("a JSON scalar body is 400 -32600", async () => {
    const r = await post(worker.url, "42", { session, token });
    assert.equal(r.status, 400);
    assert.equal(errorOf(r).code, -32600);
  });
});

describe("Host and Origin guard, loopback-only dev configuration", () => {
  const initBody = rpc("initialize", { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } });
  // The token whose audience is the origin the Host names (a token is only good for its origin).
  const request = (headers) => rawRequest(worker.port, {
    token: /^localhost:/.test(headers.host) ? localhostToken : token,
    headers: { "content-type": "application/json", accept: ACCEPT, ...headers }, body: initBody,
  });

  test("Host: evil.example is 403", async () => {
    const r = await request({ host: "evil.example" });
    assert.equal(r.status, 403);
    assert.equal(r.headers["mcp-session-id"], undefined);
  });

  test(`Host: evil.example:<port> is 403, also for other paths`, async () => {
    assert.equal((await request({ host: `evil.example:${worker.port}` })).status, 403);
    const other = await rawRequest(worker.port, { method: "GET", path: "/", headers: { host: "evil.example" } });
    assert.equal(other.status, 403);
  });

  test("Host: localhost:<port> is served", async () => {
    const r = await request({ host: `localhost:${worker.port}` });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.headers["mcp-session-id"]);
  });

  test("Host: 127.0.0.1:<port> is served", async () => {
    const r = await request({ host: `127.0.0.1:${worker.port}` });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.headers["mcp-session-id"]);
  });

  test("Origin: https://evil.example is 403", async () => {
    const r = await request({ host: `127.0.0.1:${worker.port}`, origin: "https://evil.example" });
    assert.equal(r.status, 403);
    assert.equal(r.headers["mcp-session-id"], undefined);
  });

  test("Origin equal to the server's own origin is served", async () => {
    const r = await request({ host: `127.0.0.1:${worker.port}`, origin: `http://127.0.0.1:${worker.port}` });
    assert.equal(r.status, 200, r.text);
  });

  test("no Origin is served", async () => {
    const r = await request({ host: `127.0.0.1:${worker.port}` });
    assert.equal(r.status, 200);
  });
});

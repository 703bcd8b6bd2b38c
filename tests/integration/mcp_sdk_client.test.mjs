// The official MCP TypeScript SDK client against the real module in workerd: Streamable HTTP at
// /mcp, and the legacy HTTP+SSE transport at /sse (SSEClientTransport, deprecated in the SDK but
// still what older clients speak). One worker serves both (worker starts are costly).
// The client is signed in for real (support/sign_in.mjs) and hands the SDK its access token through
// `requestInit: { headers: { Authorization } }`, which both transports send on every request (the
// SSE transport also on the stream's GET). The SDK's own OAuth flow is in oauth_sdk.test.mjs.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ErrorCode, LATEST_PROTOCOL_VERSION, McpError } from "@modelcontextprotocol/sdk/types.js";
import { startWorker } from "./support/worker.mjs";
import { assertOnlyAddTool, post, rpc } from "./support/mcp_http.mjs";
import { postMessage, retry, sleep } from "./support/sse.mjs";
import { signIn } from "./support/sign_in.mjs";

const SSE_KEEPALIVE_MS = 300; // fast keepalives: a closed SSE stream is noticed within ~300 ms

let worker;
let token;
before(async () => {
  worker = await startWorker({ vars: { SSE_KEEPALIVE_MS: String(SSE_KEEPALIVE_MS) } });
  ({ accessToken: token } = await signIn(worker.url));
});
const requestInit = () => ({ headers: { Authorization: `Bearer ${token}` } });
after(async () => { await worker?.stop(); });

// Every HTTP exchange the SDK makes, as { method, status }.
function recordingFetch(exchanges) {
  return async (url, init) => {
    const response = await fetch(url, init);
    exchanges.push({ method: init?.method ?? "GET", status: response.status });
    return response;
  };
}

async function connect() {
  const client = new Client({ name: "sdk-integration-test", version: "1.0.0" });
  const exchanges = [];
  const transport = new StreamableHTTPClientTransport(new URL(`${worker.url}/mcp`),
    { fetch: recordingFetch(exchanges), requestInit: requestInit() });
  const errors = [];
  client.onerror = (e) => errors.push(e);
  await client.connect(transport);
  return { client, transport, errors, exchanges };
}

describe("official SDK client (Streamable HTTP)", () => {
  let client, transport, errors, exchanges;
  before(async () => { ({ client, transport, errors, exchanges } = await connect()); });
  after(async () => { await client?.close(); });

  test("connects, negotiates the latest version and gets a session id", () => {
    assert.deepEqual(client.getServerVersion(), { name: "remote-mcp-github-oauth-cpp", version: "0.1.0" });
    assert.deepEqual(client.getServerCapabilities(), { tools: { listChanged: false }, logging: {} });
    assert.equal(transport.protocolVersion, LATEST_PROTOCOL_VERSION);
    assert.equal(typeof transport.sessionId, "string");
    assert.match(transport.sessionId, /^s1\.[\x21-\x7e]+$/);
    assert.equal(typeof client.getInstructions(), "string");
  });

  test("lists exactly the add tool", async () => {
    const { tools } = await client.listTools();
    assertOnlyAddTool(tools);
  });

  test("calls add", async () => {
    const result = await client.callTool({ name: "add", arguments: { a: 1, b: 2 } });
    assert.notEqual(result.isError, true);
    assert.deepEqual(result.content, [{ type: "text", text: "3" }]);
  });

  test("bad arguments give a tool error result, not an exception", async () => {
    const result = await client.callTool({ name: "add", arguments: { a: "1", b: 2 } });
    assert.equal(result.isError, true);
    assert.equal(result.content[0].type, "text");
    assert.match(result.content[0].text, /\ba\b/);
  });

  test("an unknown tool rejects with McpError -32602", async () => {
    await assert.rejects(client.callTool({ name: "subtract", arguments: { a: 1, b: 2 } }), (e) => {
      assert.ok(e instanceof McpError, `expected McpError, got ${e}`);
      assert.equal(e.code, ErrorCode.InvalidParams);
      assert.equal(e.code, -32602);
      return true;
    });
  });

  test("ping round-trips", async () => {
    assert.deepEqual(await client.ping(), {});
  });

  test("the optional GET stream is declined with 405, and nothing reported an error", () => {
    // The SDK opens an optional GET SSE stream after notifications/initialized; our 405 is the
    // spec's "not offered" and is not an error.
    const gets = exchanges.filter((e) => e.method === "GET");
    assert.ok(gets.length >= 1, `the SDK made no GET: ${JSON.stringify(exchanges)}`);
    assert.deepEqual(gets.map((e) => e.status), gets.map(() => 405));
    const posts = exchanges.filter((e) => e.method === "POST");
    assert.ok(posts.length >= 2);
    for (const e of posts) assert.ok(e.status === 200 || e.status === 202, JSON.stringify(e));
    assert.deepEqual(errors.map(String), []);
  });
});

describe("SDK session termination", () => {
  test("terminateSession sends DELETE; the old id is then unknown (404)", async () => {
    const { client, transport, exchanges } = await connect();
    try {
      const id = transport.sessionId;
      assert.ok(id);
      const before = await post(worker.url, rpc("ping"), { session: id, protocolVersion: transport.protocolVersion, token });
      assert.equal(before.status, 200);
      assert.deepEqual(before.json.result, {});

      await transport.terminateSession();
      assert.equal(transport.sessionId, undefined);
      assert.deepEqual(exchanges.filter((e) => e.method === "DELETE"), [{ method: "DELETE", status: 204 }]);

      const afterwards = await post(worker.url, rpc("ping"), { session: id, protocolVersion: transport.protocolVersion, token });
      assert.equal(afterwards.status, 404);
      assert.ok(afterwards.json?.error, afterwards.text);
    } finally {
      await client.close();
    }
  });
});

describe("official SDK client (legacy HTTP+SSE, SSEClientTransport)", () => {
  let client, transport, errors, exchanges;
  before(async () => {
    client = new Client({ name: "sdk-sse-integration-test", version: "1.0.0" });
    exchanges = [];
    errors = [];
    // Every HTTP exchange, as { method, url, status } (the SDK sends the stream's GET through it too).
    const fetchAndRecord = async (url, init) => {
      const response = await fetch(url, init);
      exchanges.push({ method: init?.method ?? "GET", url: String(url), status: response.status });
      return response;
    };
    transport = new SSEClientTransport(new URL(`${worker.url}/sse`), { fetch: fetchAndRecord, requestInit: requestInit() });
    client.onerror = (e) => errors.push(e);
    await client.connect(transport);
  });
  after(async () => { await client?.close(); });

  // The session id the server announced in its endpoint event, as the SDK posted to it.
  const sessionIdOf = () => {
    const first = exchanges.find((e) => e.method === "POST");
    assert.ok(first, JSON.stringify(exchanges));
    return new URL(first.url).searchParams.get("sessionId");
  };

  test("connects over GET /sse and posts to the announced /sse/message endpoint", () => {
    assert.deepEqual(client.getServerVersion(), { name: "remote-mcp-github-oauth-cpp", version: "0.1.0" });
    assert.deepEqual(client.getServerCapabilities(), { tools: { listChanged: false }, logging: {} });
    assert.equal(typeof client.getInstructions(), "string");
    const [get] = exchanges;
    assert.deepEqual(get, { method: "GET", url: `${worker.url}/sse`, status: 200 });
    const posts = exchanges.filter((e) => e.method === "POST");
    assert.ok(posts.length >= 2, JSON.stringify(exchanges)); // initialize, notifications/initialized
    for (const e of posts) {
      assert.equal(e.status, 202, JSON.stringify(e));
      assert.match(e.url, /^http:\/\/127\.0\.0\.1:\d+\/sse\/message\?sessionId=s1\./);
    }
    assert.equal(new Set(posts.map((e) => e.url)).size, 1, "one session endpoint");
  });

  test("lists exactly the add tool", async () => {
    const { tools } = await client.listTools();
    assertOnlyAddTool(tools);
  });

  test("calls add", async () => {
    const result = await client.callTool({ name: "add", arguments: { a: 1, b: 2 } });
    assert.notEqual(result.isError, true);
    assert.deepEqual(result.content, [{ type: "text", text: "3" }]);
  });

  test("bad arguments give a tool error result, not an exception", async () => {
    const result = await client.callTool({ name: "add", arguments: { a: "1", b: 2 } });
    assert.equal(result.isError, true);
    assert.equal(result.content[0].type, "text");
    assert.match(result.content[0].text, /\ba\b/);
  });

  test("an unknown tool rejects with McpError -32602", async () => {
    await assert.rejects(client.callTool({ name: "subtract", arguments: { a: 1, b: 2 } }), (e) => {
      assert.ok(e instanceof McpError, `expected McpError, got ${e}`);
      assert.equal(e.code, ErrorCode.InvalidParams);
      assert.equal(e.code, -32602);
      return true;
    });
  });

  test("concurrent calls are matched to their replies", async () => {
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => client.callTool({ name: "add", arguments: { a: i, b: 100 * i } })));
    assert.deepEqual(results.map((r) => r.content[0].text), ["101", "202", "303", "404", "505"]);
  });

  test("nothing reported an error; close() ends the stream and with it the session (404)", async () => {
    assert.deepEqual(errors.map(String), []);
    const sessionId = sessionIdOf();
    assert.equal((await postMessage(worker.url, sessionId, rpc("ping"), { token })).status, 202);
    let closed = false;
    transport.onclose = ((previous) => () => { closed = true; previous?.(); })(transport.onclose);
    await client.close();
    assert.equal(closed, true);
    // The server notices the closed stream on its next keepalive write: wait ~3 periods, then a
    // bounded retry (10 x 200 ms), never an open-ended poll.
    await sleep(1000);
    const r = await retry(() => postMessage(worker.url, sessionId, rpc("ping"), { token }), (x) => x.status === 404);
    assert.equal(r.status, 404, `${r.status} ${r.text}`);
  });
});

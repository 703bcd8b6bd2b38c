// The official MCP TypeScript SDK client against the real module in workerd (Streamable HTTP).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ErrorCode, LATEST_PROTOCOL_VERSION, McpError } from "@modelcontextprotocol/sdk/types.js";
import { startWorker } from "./support/worker.mjs";
import { assertOnlyAddTool, post, rpc } from "./support/mcp_http.mjs";

let worker;
before(async () => { worker = await startWorker(); });
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
  const transport = new StreamableHTTPClientTransport(new URL(`${worker.url}/mcp`), { fetch: recordingFetch(exchanges) });
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
    assert.deepEqual(client.getServerCapabilities(), { tools: { listChanged: false } });
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
      const before = await post(worker.url, rpc("ping"), { session: id, protocolVersion: transport.protocolVersion });
      assert.equal(before.status, 200);
      assert.deepEqual(before.json.result, {});

      await transport.terminateSession();
      assert.equal(transport.sessionId, undefined);
      assert.deepEqual(exchanges.filter((e) => e.method === "DELETE"), [{ method: "DELETE", status: 204 }]);

      const afterwards = await post(worker.url, rpc("ping"), { session: id, protocolVersion: transport.protocolVersion });
      assert.equal(afterwards.status, 404);
      assert.ok(afterwards.json?.error, afterwards.text);
    } finally {
      await client.close();
    }
  });
});

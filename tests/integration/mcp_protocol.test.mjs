// /mcp over raw HTTP: initialize and version negotiation, the session lifecycle, ping, tools,
// JSON-RPC errors, notifications and batches (MCP 2025-06-18 basic/transports, lifecycle, tools).
// Everything runs signed in for real (support/sign_in.mjs): octocat through one client, hubot
// through another, and octocat again through a third client, because a session id is bound to the
// user and the client it was issued to.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { startWorker } from "./support/worker.mjs";
import {
  assertOnlyAddTool, del, errorOf, initialize, notification, openSession, post, resignSessionId, rpc, tamperSessionId,
} from "./support/mcp_http.mjs";
import { signIn } from "./support/sign_in.mjs";

let worker;
let token; // octocat, client A
let otherUserToken; // hubot, client B
let otherClientToken; // octocat again, through client C
before(async () => {
  worker = await startWorker();
  ({ accessToken: token } = await signIn(worker.url, { login: "octocat" }));
  ({ accessToken: otherUserToken } = await signIn(worker.url, { login: "hubot" }));
  ({ accessToken: otherClientToken } = await signIn(worker.url, { login: "octocat" }));
});
after(async () => { await worker?.stop(); });

describe("initialize", () => {
  test("answers 200 JSON with the server's identity, capabilities and a session id", async () => {
    const init = await initialize(worker.url, "2025-06-18", { token });
    assert.equal(init.status, 200);
    assert.match(init.response.headers.get("content-type"), /^application\/json\b/);
    const body = init.response.json;
    assert.equal(body.jsonrpc, "2.0");
    assert.ok(Number.isInteger(body.id));
    assert.equal(body.error, undefined);
    assert.equal(init.result.protocolVersion, "2025-06-18");
    assert.deepEqual(init.result.capabilities, { tools: { listChanged: false }, logging: {} });
    assert.equal(init.result.serverInfo.name, "remote-mcp-github-oauth-cpp");
    assert.equal(typeof init.result.serverInfo.version, "string");
    assert.ok(init.result.serverInfo.version.length > 0);
    assert.ok(init.session, "Mcp-Session-Id header");
    assert.match(init.session, /^s1\.[\x21-\x7e]+$/, "visible ASCII, s1. prefix");
  });

  for (const version of ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"]) {
    test(`echoes the supported version ${version}`, async () => {
      const init = await initialize(worker.url, version, { token });
      assert.equal(init.status, 200);
      assert.equal(init.result.protocolVersion, version);
      assert.ok(init.session);
    });
  }

  test("answers an unsupported version with the latest, 2025-11-25", async () => {
    const init = await initialize(worker.url, "1999-01-01", { token });
    assert.equal(init.status, 200);
    assert.equal(init.result.protocolVersion, "2025-11-25");
    assert.ok(init.session);
  });

  test("two initializes give two different session ids", async () => {
    const [one, two] = await Promise.all([initialize(worker.url, undefined, { token }), initialize(worker.url, undefined, { token })]);
    assert.ok(one.session && two.session);
    assert.notEqual(one.session, two.session);
  });

  test("the negotiated session works with the MCP-Protocol-Version header it negotiated", async () => {
    const { session, protocolVersion } = await openSession(worker.url, "2025-03-26", { token });
    assert.equal(protocolVersion, "2025-03-26");
    const r = await post(worker.url, rpc("ping"), { session, token, protocolVersion: "2025-03-26" });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.result, {});
  });
});

describe("sessions", () => {
  let session;
  before(async () => { ({ session } = await openSession(worker.url, undefined, { token })); });

  test("a request without Mcp-Session-Id is 400", async () => {
    const r = await post(worker.url, rpc("ping"), { token });
    assert.equal(r.status, 400);
    assert.ok(errorOf(r).message.length > 0);
  });

  test("a valid id is accepted", async () => {
    const r = await post(worker.url, rpc("ping"), { session, token });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.result, {});
  });

  test("a tampered MAC is 404", async () => {
    const tampered = tamperSessionId(session);
    assert.notEqual(tampered, session);
    const r = await post(worker.url, rpc("ping"), { session: tampered, token });
    assert.equal(r.status, 404);
    errorOf(r);
  });

  test("a malformed id is 404", async () => {
    for (const bad of ["nonsense", "s1.", "s1..", "s1.AAAA.BBBB", "s2." + session.slice(3)]) {
      const r = await post(worker.url, rpc("ping"), { session: bad, token });
      assert.equal(r.status, 404, `id ${JSON.stringify(bad)}: ${r.status} ${r.text}`);
    }
  });

  test("an id signed with another COOKIE_ENCRYPTION_KEY is 404 (and one re-signed with ours is accepted)", async () => {
    // Positive control: the same claims re-signed with this worker's key are valid, so the 404 below
    // is caused by the key alone.
    const ours = resignSessionId(session, worker.cookieEncryptionKey);
    assert.equal(ours, session);
    const ok = await post(worker.url, rpc("ping"), { session: ours, token });
    assert.equal(ok.status, 200);

    const other = resignSessionId(session, randomBytes(32).toString("hex"));
    assert.notEqual(other, session);
    const r = await post(worker.url, rpc("ping"), { session: other, token });
    assert.equal(r.status, 404);
    errorOf(r);
  });

  test("DELETE without an id is 400", async () => {
    const r = await del(worker.url, undefined, { token });
    assert.equal(r.status, 400);
  });

  test("DELETE with a bad id is 404", async () => {
    assert.equal((await del(worker.url, "nonsense", { token })).status, 404);
    assert.equal((await del(worker.url, tamperSessionId(session), { token })).status, 404);
  });

  test("DELETE ends a session: 204, then 404 for POST and DELETE", async () => {
    const { session: doomed } = await openSession(worker.url, undefined, { token });
    const end = await del(worker.url, doomed, { token });
    assert.equal(end.status, 204);
    assert.equal(end.text, "");
    const r = await post(worker.url, rpc("ping"), { session: doomed, token });
    assert.equal(r.status, 404);
    errorOf(r);
    assert.equal((await del(worker.url, doomed, { token })).status, 404);
    // Other sessions are untouched.
    assert.equal((await post(worker.url, rpc("ping"), { session, token })).status, 200);
  });

  describe("a session belongs to the user and the client it was issued to", () => {
    const others = () => [["another user (hubot)", otherUserToken], ["the same user through another client", otherClientToken]];

    test("POST /mcp with another user's or another client's token and a valid session id is 404", async () => {
      for (const [who, other] of others()) {
        const r = await post(worker.url, rpc("tools/call", { name: "add", arguments: { a: 1, b: 2 } }), { session, token: other });
        assert.equal(r.status, 404, `${who}: ${r.status} ${r.text}`);
        errorOf(r);
      }
      // The owner still uses it.
      const mine = await post(worker.url, rpc("ping"), { session, token });
      assert.equal(mine.status, 200, mine.text);
    });

    test("DELETE /mcp with another user's or another client's token is 404 and does not end the session", async () => {
      for (const [who, other] of others()) {
        const r = await del(worker.url, session, { token: other });
        assert.equal(r.status, 404, `${who}: ${r.status} ${r.text}`);
      }
      const mine = await post(worker.url, rpc("ping"), { session, token });
      assert.equal(mine.status, 200, mine.text);
    });

    test("each user's tokens open their own sessions, which the others cannot use", async () => {
      const theirs = await openSession(worker.url, undefined, { token: otherUserToken });
      const call = await post(worker.url, rpc("tools/call", { name: "add", arguments: { a: 2, b: 2 } }),
        { session: theirs.session, token: otherUserToken });
      assert.equal(call.status, 200, call.text);
      assert.equal(call.json.result.content[0].text, "4");
      const r = await post(worker.url, rpc("ping"), { session: theirs.session, token });
      assert.equal(r.status, 404, r.text);
    });
  });
});

describe("methods", () => {
  let session;
  const call = (params) => post(worker.url, rpc("tools/call", params), { session, token });
  before(async () => { ({ session } = await openSession(worker.url, undefined, { token })); });

  test("ping answers an empty result", async () => {
    const r = await post(worker.url, rpc("ping", undefined, "ping-1"), { session, token });
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type"), /^application\/json\b/);
    assert.deepEqual(r.json, { jsonrpc: "2.0", id: "ping-1", result: {} });
  });

  test("tools/list lists exactly add", async () => {
    const r = await post(worker.url, rpc("tools/list"), { session, token });
    assert.equal(r.status, 200);
    const { tools } = r.json.result;
    assertOnlyAddTool(tools);
  });

  for (const [a, b, text] of [[2, 3, "5"], [0.1, 0.2, "0.30000000000000004"], [1.5, -4, "-2.5"]]) {
    test(`tools/call add(${a}, ${b}) = ${text}`, async () => {
      const r = await call({ name: "add", arguments: { a, b } });
      assert.equal(r.status, 200);
      assert.equal(r.json.error, undefined);
      assert.notEqual(r.json.result.isError, true);
      assert.deepEqual(r.json.result.content, [{ type: "text", text }]);
    });
  }

  for (const [label, args, field] of [
    ["a missing b", { a: 1 }, "b"],
    ["a string for a", { a: "1", b: 2 }, "a"],
    ["an extra property", { a: 1, b: 2, c: 3 }, "c"],
  ]) {
    test(`tools/call add with ${label} is a tool error naming ${field}`, async () => {
      const r = await call({ name: "add", arguments: args });
      assert.equal(r.status, 200);
      assert.equal(r.json.error, undefined, "a result, not a JSON-RPC error");
      assert.equal(r.json.result.isError, true);
      assert.equal(r.json.result.content[0].type, "text");
      assert.match(r.json.result.content[0].text, new RegExp(`\\b${field}\\b`));
    });
  }

  test("an unknown tool is JSON-RPC error -32602", async () => {
    const r = await call({ name: "subtract", arguments: { a: 1, b: 2 } });
    assert.equal(r.status, 200);
    assert.equal(r.json.result, undefined);
    assert.equal(errorOf(r).code, -32602);
  });

  test("an unknown method is JSON-RPC error -32601 with the request's id", async () => {
    const r = await post(worker.url, rpc("resources/frobnicate", {}, 77), { session, token });
    assert.equal(r.status, 200);
    assert.equal(r.json.id, 77);
    assert.equal(errorOf(r).code, -32601);
  });

  test("a notification alone is 202 with an empty body", async () => {
    const r = await post(worker.url, notification("notifications/initialized"), { session, token });
    assert.equal(r.status, 202);
    assert.equal(r.text, "");
  });
});

describe("batches", () => {
  test("under 2025-03-26 a batch of ping and tools/list answers an array of two responses", async () => {
    const { session } = await openSession(worker.url, "2025-03-26", { token });
    const r = await post(worker.url, [rpc("ping", undefined, 1), rpc("tools/list", undefined, 2)], { session, token });
    assert.equal(r.status, 200);
    assert.ok(Array.isArray(r.json), r.text);
    assert.equal(r.json.length, 2);
    const byId = new Map(r.json.map((m) => [m.id, m]));
    assert.deepEqual(byId.get(1).result, {});
    assert.equal(byId.get(2).result.tools[0].name, "add");
  });

  test("under 2025-06-18 a batch is 400 -32600", async () => {
    const { session } = await openSession(worker.url, "2025-06-18", { token });
    const r = await post(worker.url, [rpc("ping"), rpc("tools/list")], { session, token, protocolVersion: "2025-06-18" });
    assert.equal(r.status, 400);
    assert.equal(errorOf(r).code, -32600);
  });

  test("without MCP-Protocol-Version a batch is read under 2025-03-26 rules", async () => {
    const { session } = await openSession(worker.url, "2025-06-18", { token });
    const r = await post(worker.url, [rpc("ping"), rpc("tools/list")], { session, token });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.length, 2);
  });

  test("initialize inside a batch is 400", async () => {
    const { session } = await openSession(worker.url, "2025-03-26", { token });
    const init = rpc("initialize", { protocolVersion: "2025-03-26", capabilities: {}, clientInfo: { name: "x", version: "1" } });
    const r = await post(worker.url, [init, rpc("ping")], { session, token });
    assert.equal(r.status, 400);
    assert.equal(errorOf(r).code, -32600);
    assert.equal(r.headers.get("mcp-session-id"), null);
    // also without a session
    const r2 = await post(worker.url, [init], { token });
    assert.equal(r2.status, 400);
    assert.equal(r2.headers.get("mcp-session-id"), null);
  });

  test("an empty batch is 400", async () => {
    const { session } = await openSession(worker.url, "2025-03-26", { token });
    const r = await post(worker.url, [], { session, token });
    assert.equal(r.status, 400);
    assert.equal(errorOf(r).code, -32600);
  });
});

test("an unknown path is 404", async () => {
  for (const [method, path] of [["GET", "/nope"], ["POST", "/nope"], ["GET", "/mcp/extra"]]) {
    const r = await fetch(worker.url + path, { method, body: method === "POST" ? "{}" : undefined });
    assert.equal(r.status, 404, `${method} ${path}`);
    await r.body?.cancel();
  }
});

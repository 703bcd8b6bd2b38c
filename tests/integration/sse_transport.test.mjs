// Legacy HTTP+SSE transport (MCP 2024-11-05) at /sse and /sse/message, over raw HTTP: the stream,
// its endpoint event and keepalives, message posts and their statuses, session ids, the Host/Origin
// guard, the end of a session when its stream closes, and delivery of a reply when the POST is run
// by a different `wrangler dev` process than the one holding the stream (the Durable Object mailbox).
//
// Worker starts are few (each costs about a second): this file starts worker A for everything, and a
// second process B only for the cross-process describe.
//
// Every request carries a real access token (support/sign_in.mjs): octocat through client A. A
// session is bound to the user and the client it was opened by, so hubot's token, and octocat's
// through another client, are refused on it (404).
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startWorker } from "./support/worker.mjs";
import {
  ACCEPT, assertOnlyAddTool, CLIENT_INFO, errorOf, initialize, notification, openSession, post, rawRequest, resignSessionId, rpc,
  tamperSessionId,
} from "./support/mcp_http.mjs";
import { bearer } from "./support/mcp_http.mjs";
import { signIn } from "./support/sign_in.mjs";
import { openSse, openSseSession, postMessage, retry, sleep } from "./support/sse.mjs";

const MiB = 1024 * 1024;
const KEEPALIVE_MS = 300;
const VARS = { SSE_KEEPALIVE_MS: String(KEEPALIVE_MS) };

// Both processes of the cross-process test must find each other in one dev registry, and nothing
// else may be in it.
let registry;
let worker; // A
let signedIn; // octocat through a client registered on A: { accessToken, client }
let token; // signedIn.accessToken
let otherUserToken; // hubot, another client
let otherClientToken; // octocat again, through another client
before(async () => {
  registry = await mkdtemp(join(tmpdir(), "mcp-registry-"));
  worker = await startWorker({ vars: VARS, env: { WRANGLER_REGISTRY_PATH: registry } });
  signedIn = await signIn(worker.url, { login: "octocat" });
  token = signedIn.accessToken;
  ({ accessToken: otherUserToken } = await signIn(worker.url, { login: "hubot" }));
  ({ accessToken: otherClientToken } = await signIn(worker.url, { login: "octocat" }));
});
after(async () => {
  await worker?.stop();
  if (registry) await rm(registry, { recursive: true, force: true });
});

// Session claims are length-prefixed fields "<len>:<bytes>": kind, protocol version, issue time,
// the 16-byte nonce, user, client (wasm/core/mcp/session_id.cpp). Returns [{ start, value }].
function claimFields(claims) {
  const fields = [];
  let i = 0;
  while (i < claims.length) {
    const colon = claims.indexOf(":", i, "latin1");
    assert.ok(colon > i, "a length prefix");
    const len = Number(claims.subarray(i, colon).toString("latin1"));
    fields.push({ start: colon + 1, value: claims.subarray(colon + 1, colon + 1 + len) });
    i = colon + 1 + len;
  }
  return fields;
}

// The same SSE session claims with another nonce (so another mailbox), signed with the real key.
// The claims name the signed-in user (octocat) and client it was opened by.
function withOtherNonce(id, cookieEncryptionKey) {
  const claims = Buffer.from(id.split(".")[1], "base64url");
  const fields = claimFields(claims);
  const text = (k) => fields[k].value.toString("latin1");
  assert.equal(fields.length, 6);
  assert.deepEqual([text(0), text(1), text(4), text(5)], ["sse", "", "octocat", signedIn.client.client_id]);
  const nonce = fields[3];
  assert.equal(nonce.value.length, 16);
  claims[nonce.start + nonce.value.length - 1] ^= 0xff;
  return resignSessionId(`s1.${claims.toString("base64url")}.x`, cookieEncryptionKey);
}

const add = (a, b, id) => rpc("tools/call", { name: "add", arguments: { a, b } }, id);
const initializeMessage = (protocolVersion, id) =>
  rpc("initialize", { protocolVersion, capabilities: {}, clientInfo: CLIENT_INFO }, id);

// A stream whose session is open for the duration of `fn(session)`; closed afterwards.
async function withSession(fn) {
  const session = await openSseSession(worker.url, { token });
  try {
    return await fn(session);
  } finally {
    session.stream.close();
  }
}

// After the stream was aborted, the server notices on its next write (a keepalive every 300 ms, or
// at once through request.signal). Wait ~3 keepalive periods, then a bounded retry (10 × 200 ms),
// never an open-ended poll: a session that does not end fails the test.
async function postUntilGone(base, sessionId, token) {
  await sleep(1000);
  return retry(() => postMessage(base, sessionId, rpc("ping"), { token }), (r) => r.status === 404, { tries: 10, intervalMs: 200 });
}

describe("GET /sse", () => {
  test("200 text/event-stream, no-cache; the first event is the endpoint with a relative URL and an s1. id", async () => {
    const stream = await openSse(worker.url, { token });
    try {
      assert.equal(stream.status, 200);
      assert.match(stream.headers.get("content-type"), /^text\/event-stream\b/);
      assert.equal(stream.headers.get("cache-control"), "no-cache");
      const endpoint = await stream.next((e) => e.event === "endpoint");
      assert.equal(stream.events[0], endpoint, "the endpoint event comes first");
      assert.ok(stream.raw.startsWith("event: endpoint\n"), JSON.stringify(stream.raw.slice(0, 80)));
      assert.match(endpoint.data, /^\/sse\/message\?sessionId=s1\.[A-Za-z0-9_.-]+$/);
      const id = new URL(endpoint.data, worker.url).searchParams.get("sessionId");
      assert.match(id, /^s1\./);
    } finally {
      stream.close();
    }
  });

  test("the stream stays open and carries `: keepalive` comments every SSE_KEEPALIVE_MS", async () => {
    const stream = await openSse(worker.url, { token });
    try {
      await stream.next((e) => e.event === "endpoint");
      const started = Date.now();
      await stream.next((e, i, all) => all.filter((x) => x.event === "comment").length >= 3, 5 * KEEPALIVE_MS + 2000);
      const keepalives = stream.events.filter((e) => e.event === "comment");
      assert.ok(keepalives.every((e) => e.data === "keepalive"), JSON.stringify(keepalives));
      assert.ok(stream.raw.includes("\n: keepalive\n\n"), JSON.stringify(stream.raw));
      assert.ok(Date.now() - started >= 2 * KEEPALIVE_MS - 100, "three keepalives took at least ~two periods");
      assert.equal(stream.ended, false);
      assert.deepEqual(stream.events.filter((e) => e.event === "message"), []);
    } finally {
      stream.close();
    }
  });

  test("two streams get two different session ids", async () => {
    const [one, two] = await Promise.all([openSseSession(worker.url, { token }), openSseSession(worker.url, { token })]);
    one.stream.close();
    two.stream.close();
    assert.notEqual(one.sessionId, two.sessionId);
  });

  for (const method of ["POST", "PUT", "DELETE"]) {
    test(`${method} /sse is 405 with Allow: GET`, async () => {
      const r = await fetch(`${worker.url}/sse`, { method, headers: { accept: "text/event-stream", ...bearer(token) } });
      assert.equal(r.status, 405);
      assert.equal(r.headers.get("allow"), "GET");
      await r.body?.cancel();
    });
  }

  test("Accept: text/html is 406", async () => {
    const stream = await openSse(worker.url, { token, accept: "text/html" });
    assert.equal(stream.status, 406);
    assert.equal(JSON.parse(stream.text).error.code, -32600);
  });
});

describe("POST /sse/message", () => {
  test("initialize is 202 Accepted; the reply is one `event: message` with one data line, 2024-11-05 echoed", async () => {
    await withSession(async ({ stream, sessionId }) => {
      const r = await postMessage(worker.url, sessionId, initializeMessage("2024-11-05", 1), { token });
      assert.equal(r.status, 202);
      assert.equal(r.text, "Accepted");
      const event = await stream.next((e) => e.event === "message");
      assert.equal(event.dataLines, 1);
      const reply = JSON.parse(event.data);
      assert.equal(reply.jsonrpc, "2.0");
      assert.equal(reply.id, 1);
      assert.equal(reply.result.protocolVersion, "2024-11-05");
      assert.deepEqual(reply.result.capabilities, { tools: { listChanged: false }, logging: {} });
      assert.equal(reply.result.serverInfo.name, "remote-mcp-github-oauth-cpp");
    });
  });

  test("initialize negotiates like /mcp: an unsupported version is answered with the latest, 2025-11-25", async () => {
    await withSession(async ({ stream, sessionId }) => {
      assert.equal((await postMessage(worker.url, sessionId, initializeMessage("1999-01-01", "v"), { token })).status, 202);
      const reply = await stream.message((m) => m.id === "v");
      assert.equal(reply.result.protocolVersion, "2025-11-25");
      const viaMcp = await initialize(worker.url, "1999-01-01", { token });
      assert.equal(viaMcp.result.protocolVersion, reply.result.protocolVersion);
    });
  });

  test("a full session: initialize, initialized (no reply), tools/list, tools/call add", async () => {
    await withSession(async ({ stream, sessionId }) => {
      assert.equal((await postMessage(worker.url, sessionId, initializeMessage("2024-11-05", 1), { token })).status, 202);
      await stream.message((m) => m.id === 1);
      const ack = await postMessage(worker.url, sessionId, notification("notifications/initialized"), { token });
      assert.equal(ack.status, 202);
      assert.equal((await postMessage(worker.url, sessionId, rpc("tools/list", undefined, 2), { token })).status, 202);
      const list = await stream.message((m) => m.id === 2);
      assertOnlyAddTool(list.result.tools);
      assert.equal((await postMessage(worker.url, sessionId, add(1, 2, 3), { token })).status, 202);
      const call = await stream.message((m) => m.id === 3);
      assert.deepEqual(call.result.content, [{ type: "text", text: "3" }]);
      assert.notEqual(call.result.isError, true);
      // The notification produced nothing on the stream: exactly the three replies, in order.
      assert.deepEqual(stream.messages().map((m) => m.id), [1, 2, 3]);
    });
  });

  test("a batch is answered as ONE `event: message` whose data is the JSON array", async () => {
    await withSession(async ({ stream, sessionId }) => {
      const r = await postMessage(worker.url, sessionId, [rpc("ping", undefined, "p"), add(2, 3, "a"), rpc("nope/nope", undefined, "n")], { token });
      assert.equal(r.status, 202, r.text);
      const event = await stream.next((e) => e.event === "message");
      assert.equal(event.dataLines, 1);
      const replies = JSON.parse(event.data);
      assert.ok(Array.isArray(replies), event.data);
      assert.equal(replies.length, 3);
      const byId = new Map(replies.map((m) => [m.id, m]));
      assert.deepEqual(byId.get("p").result, {});
      assert.equal(byId.get("a").result.content[0].text, "5");
      assert.equal(byId.get("n").error.code, -32601);
      await sleep(KEEPALIVE_MS);
      assert.equal(stream.events.filter((e) => e.event === "message").length, 1);
    });
  });

  test("a missing or empty sessionId is 400", async () => {
    for (const query of ["", "?sessionId=", "?other=1"]) {
      const r = await postMessage(worker.url, undefined, rpc("ping"), { token, query });
      assert.equal(r.status, 400, `query ${JSON.stringify(query)}: ${r.text}`);
      assert.equal(errorOf(r).code, -32600);
    }
  });

  test("a malformed, a tampered and an /mcp session id are 404; an SSE id is 404 on /mcp", async () => {
    await withSession(async ({ stream, sessionId }) => {
      for (const bad of ["nonsense", tamperSessionId(sessionId)]) {
        assert.notEqual(bad, sessionId);
        const r = await postMessage(worker.url, bad, rpc("ping"), { token });
        assert.equal(r.status, 404, `${bad}: ${r.text}`);
        errorOf(r);
      }
      const mcp = await openSession(worker.url, "2024-11-05", { token });
      const crossed = await postMessage(worker.url, mcp.session, rpc("ping"), { token });
      assert.equal(crossed.status, 404, crossed.text);
      const back = await post(worker.url, rpc("ping"), { session: sessionId, token });
      assert.equal(back.status, 404, back.text);
      // None of them reached the stream, and the real id still works.
      assert.equal((await postMessage(worker.url, sessionId, rpc("ping", undefined, "ok"), { token })).status, 202);
      await stream.message((m) => m.id === "ok");
      assert.deepEqual(stream.messages().map((m) => m.id), ["ok"]);
    });
  });

  test("bad JSON is 400 -32700; text/plain is 415; GET is 405 with Allow: POST", async () => {
    await withSession(async ({ sessionId }) => {
      const bad = await postMessage(worker.url, sessionId, '{"jsonrpc":"2.0",', { token });
      assert.equal(bad.status, 400);
      assert.equal(errorOf(bad).code, -32700);
      const plain = await postMessage(worker.url, sessionId, JSON.stringify(rpc("ping")), { token, headers: { "content-type": "text/plain" } });
      assert.equal(plain.status, 415);
      const get = await fetch(`${worker.url}/sse/message?sessionId=${encodeURIComponent(sessionId)}`, { headers: bearer(token) });
      assert.equal(get.status, 405);
      assert.equal(get.headers.get("allow"), "POST");
      await get.body?.cancel();
    });
  });

  test("a body over 1 MiB is 413, and the session still works", async () => {
    await withSession(async ({ stream, sessionId }) => {
      const core = JSON.stringify(rpc("ping", undefined, "big"));
      const body = core.slice(0, -1) + " ".repeat(MiB + 1 - core.length) + "}";
      assert.equal(Buffer.byteLength(body), MiB + 1);
      const r = await postMessage(worker.url, sessionId, body, { token });
      assert.equal(r.status, 413);
      errorOf(r);
      assert.equal((await postMessage(worker.url, sessionId, add(20, 22, "after"), { token })).status, 202);
      const reply = await stream.message((m) => m.id === "after");
      assert.equal(reply.result.content[0].text, "42");
      assert.deepEqual(stream.messages().map((m) => m.id), ["after"]);
    });
  });
});

describe("a session belongs to the user and the client that opened the stream", () => {
  test("POST /sse/message with another user's token and a valid session id is 404, and nothing reaches the stream", async () => {
    await withSession(async ({ stream, sessionId }) => {
      const r = await postMessage(worker.url, sessionId, add(1, 2, "hubot"), { token: otherUserToken });
      assert.equal(r.status, 404, r.text);
      errorOf(r);
      assert.equal((await postMessage(worker.url, sessionId, rpc("ping", undefined, "mine"), { token })).status, 202);
      await stream.message((m) => m.id === "mine");
      assert.deepEqual(stream.messages().map((m) => m.id), ["mine"]);
    });
  });

  test("POST /sse/message by the same user through another client is 404", async () => {
    await withSession(async ({ stream, sessionId }) => {
      const r = await postMessage(worker.url, sessionId, add(1, 2, "other-client"), { token: otherClientToken });
      assert.equal(r.status, 404, r.text);
      errorOf(r);
      assert.equal((await postMessage(worker.url, sessionId, rpc("ping", undefined, "mine"), { token })).status, 202);
      await stream.message((m) => m.id === "mine");
      assert.deepEqual(stream.messages().map((m) => m.id), ["mine"]);
    });
  });
});

describe("Host and Origin guard (as /mcp)", () => {
  test("Host: evil.example is 403 on GET /sse and POST /sse/message", async () => {
    await withSession(async ({ sessionId }) => {
      const get = await rawRequest(worker.port, { method: "GET", path: "/sse", token, headers: { host: "evil.example", accept: "text/event-stream" } });
      assert.equal(get.status, 403);
      assert.doesNotMatch(get.headers["content-type"] ?? "", /event-stream/);
      const postR = await rawRequest(worker.port, {
        path: `/sse/message?sessionId=${encodeURIComponent(sessionId)}`, token,
        headers: { host: "evil.example", "content-type": "application/json", accept: ACCEPT },
        body: rpc("ping"),
      });
      assert.equal(postR.status, 403);
    });
  });

  test("Origin: https://evil.example is 403 on GET /sse and POST /sse/message", async () => {
    await withSession(async ({ stream, sessionId }) => {
      const get = await openSse(worker.url, { token, headers: { origin: "https://evil.example" } });
      assert.equal(get.status, 403);
      const r = await postMessage(worker.url, sessionId, rpc("ping", undefined, "evil"), { token, headers: { origin: "https://evil.example" } });
      assert.equal(r.status, 403);
      // The server's own origin is fine.
      const own = await postMessage(worker.url, sessionId, rpc("ping", undefined, "own"), { token, headers: { origin: worker.url } });
      assert.equal(own.status, 202);
      await stream.message((m) => m.id === "own");
      assert.deepEqual(stream.messages().map((m) => m.id), ["own"]);
    });
  });
});

describe("closing the stream ends the session", () => {
  test("after the client aborts GET /sse, posts to its session are 404", async () => {
    const { stream, sessionId } = await openSseSession(worker.url, { token });
    assert.equal((await postMessage(worker.url, sessionId, rpc("ping", undefined, 1), { token })).status, 202);
    await stream.message((m) => m.id === 1);
    stream.close();
    const r = await postUntilGone(worker.url, sessionId, token);
    assert.equal(r.status, 404, `still ${r.status} ${r.text} well after the stream closed`);
    assert.equal(errorOf(r).code, -32600);
    // Other sessions are unaffected.
    await withSession(async (other) => {
      assert.equal((await postMessage(worker.url, other.sessionId, rpc("ping", undefined, 2), { token })).status, 202);
      await other.stream.message((m) => m.id === 2);
    });
  });
});

describe("across two wrangler dev processes (the MCP_MAILBOX Durable Object)", () => {
  // Worker B is a second `wrangler dev` process of the same deployment: its own workerd, isolate and
  // memory. Its MCP_MAILBOX binding names A's script, so wrangler's dev registry connects it to the
  // Durable Object class running in A (as production routes every worker to the one object of a
  // session); it shares A's secret (session ids verify in both) and A's --persist-to directory.
  //
  // Why this proves the mailbox: B runs the POST (MCP dispatch included) and must hand the reply to
  // the process holding the stream. Were sessions an in-memory map in the worker that answered
  // GET /sse, B's map would not know the session (404), or B would have no stream to write to: the
  // reply would never reach A's client. Only state outside both isolates (the Durable Object, whose
  // WebSocket leads to A's stream) passes.
  //
  // A token's audience is the origin it was issued for, and B listens on another port: B's token is
  // octocat signed in on B through the same client (its record is in the shared KV), so the session
  // opened on A with A's token belongs to B's principal as well, as it would in one deployment.
  let b;
  let bToken;
  before(async () => {
    b = await startWorker({
      vars: VARS,
      secrets: { COOKIE_ENCRYPTION_KEY: worker.cookieEncryptionKey },
      persistTo: worker.persistTo,
      env: { WRANGLER_REGISTRY_PATH: registry },
      configure(config) {
        assert.equal(worker.name, "remote-mcp-github-oauth-cpp-test");
        config.name = `${config.name}-b`;
        for (const binding of config.durable_objects.bindings) binding.script_name = worker.name;
        delete config.migrations;
      },
    });
    ({ accessToken: bToken } = await signIn(b.url, { login: "octocat", client: signedIn.client }));
  });
  after(async () => { await b?.stop(); });

  test("a POST run by B is delivered on A's stream; after the stream closes, B answers 404", async () => {
    assert.notEqual(b.port, worker.port);
    assert.equal(b.name, "remote-mcp-github-oauth-cpp-test-b");
    const { stream, sessionId } = await openSseSession(worker.url, { token });
    try {
      const r = await postMessage(b.url, sessionId, add(20, 22, "cross"), { token: bToken });
      assert.equal(r.status, 202, `${r.status} ${r.text}\n--- B ---\n${b.output().slice(-2000)}`);
      assert.equal(r.text, "Accepted");
      const reply = await stream.message((m) => m.id === "cross");
      assert.deepEqual(reply.result.content, [{ type: "text", text: "42" }]);
      // A initialize run by B also lands on A's stream.
      assert.equal((await postMessage(b.url, sessionId, initializeMessage("2024-11-05", "init-b"), { token: bToken })).status, 202);
      assert.equal((await stream.message((m) => m.id === "init-b")).result.protocolVersion, "2024-11-05");
    } finally {
      stream.close();
    }
    const gone = await postUntilGone(b.url, sessionId, bToken);
    assert.equal(gone.status, 404, `B still answers ${gone.status} ${gone.text} well after A's stream closed`);
    errorOf(gone);
  });

  test("a validly signed id whose stream never existed is 404 on B (no mailbox to deliver to)", async () => {
    const { stream, sessionId } = await openSseSession(worker.url, { token });
    stream.close();
    // The re-signing is right (the real id re-signs to itself), so the forged id carries a valid MAC.
    assert.equal(resignSessionId(sessionId, worker.cookieEncryptionKey), sessionId);
    const forged = withOtherNonce(sessionId, worker.cookieEncryptionKey);
    assert.notEqual(forged, sessionId);
    const r = await postMessage(b.url, forged, add(1, 2), { token: bToken });
    assert.equal(r.status, 404, r.text);
    errorOf(r);
  });
});

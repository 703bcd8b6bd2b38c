// Limits (wasm/core/app/limits.hpp, docs/security.md "Limits") that only real workerd can show:
// the per-user cap on legacy SSE streams, enforced by the user's McpMailbox Durable Object; inputs
// that would exceed Workers KV's 512-byte keys if the core read them (those used to answer 503
// instead of the 401 or error page they deserve). The cap on outbound answers is shown in
// tools.test.mjs ("an answer far over the 1 MiB cap …"). The other limits are shown where their
// routes are tested (mcp_http_status, oauth_security, sse_transport) and natively.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startWorker } from "./support/worker.mjs";
import { errorOf, initialize, rawRequest, rpc } from "./support/mcp_http.mjs";
import { openSseSession, postMessage } from "./support/sse.mjs";
import { pkce, registerClient, signIn, tokenRequest } from "./support/sign_in.mjs";

const MAX_STREAMS = 2;
let w;
before(async () => {
  w = await startWorker({ vars: { SSE_MAX_STREAMS_PER_USER: String(MAX_STREAMS), AUTH_CACHE_SECONDS: "0" } });
});
after(async () => { await w?.stop(); });

// Resolves true once `stream` has ended, false after `ms`.
const endsWithin = (stream, ms) => new Promise((ok) => {
  const timer = setTimeout(() => ok(stream.ended), ms);
  stream.done?.finally(() => { clearTimeout(timer); ok(true); });
});

describe("SSE streams per user", () => {
  test("opening one stream past SSE_MAX_STREAMS_PER_USER closes the user's oldest; its session is then 404; other users keep theirs", async () => {
    const octocat = (await signIn(w.url)).accessToken;
    const hubot = (await signIn(w.url, { login: "hubot" })).accessToken;
    const theirs = await openSseSession(w.url, { token: hubot });
    const mine = [];
    try {
      for (let i = 0; i < MAX_STREAMS; i++) mine.push(await openSseSession(w.url, { token: octocat }));
      assert.equal(await endsWithin(mine[0].stream, 300), false, "within the cap nothing closes");
      mine.push(await openSseSession(w.url, { token: octocat }));
      assert.equal(await endsWithin(mine[0].stream, 10_000), true, "the oldest stream was closed");
      const gone = await postMessage(w.url, mine[0].sessionId, rpc("ping"), { token: octocat });
      assert.equal(gone.status, 404, gone.text);
      assert.match(errorOf(gone).message, /open a new stream/);
      for (const [i, s] of [[1, mine[1]], [2, mine[2]], ["hubot", theirs]]) {
        const token = i === "hubot" ? hubot : octocat;
        const r = await postMessage(w.url, s.sessionId, rpc("ping", undefined, `p-${i}`), { token });
        assert.equal(r.status, 202, `stream ${i}: ${r.text}`);
        assert.deepEqual((await s.stream.message((m) => m.id === `p-${i}`, 10_000)).result, {});
      }
    } finally {
      for (const s of [...mine, theirs]) s.stream.close();
    }
  });
});

describe("request headers", () => {
  test("more than 256 headers is 431, before anything else runs", async () => {
    const headers = Object.fromEntries(Array.from({ length: 260 }, (_, i) => [`x-filler-${i}`, "1"]));
    const r = await rawRequest(w.port, { method: "GET", path: "/", headers });
    assert.equal(r.status, 431, r.text);
    const fewer = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`x-filler-${i}`, "1"]));
    assert.equal((await rawRequest(w.port, { method: "GET", path: "/", headers: fewer })).status, 200);
  });
});

describe("inputs longer than Workers KV's keys", () => {
  test("a bearer token with a 600-character user part is 401 invalid_token, not 503", async () => {
    const { accessToken } = await signIn(w.url);
    const forged = "u".repeat(600) + accessToken.slice(accessToken.indexOf(":"));
    const r = await initialize(w.url, "2025-06-18", { token: forged });
    assert.equal(r.status, 401, r.response.text);
    assert.match(r.response.headers.get("www-authenticate"), /error="invalid_token"/);
  });

  test("a 600-character client_id is an unknown client at /authorize (a page) and invalid_client at /token", async () => {
    const client_id = "c".repeat(600);
    const q = new URLSearchParams({ response_type: "code", client_id, redirect_uri: "http://127.0.0.1:9/callback",
      code_challenge: pkce().challenge, code_challenge_method: "S256" });
    const page = await fetch(`${w.url}/authorize?${q}`, { redirect: "manual" });
    assert.equal(page.status, 400);
    assert.match(await page.text(), /Unknown client/);
    const token = await tokenRequest(w.url, { grant_type: "authorization_code", code: "x", client_id });
    assert.equal(token.status, 401, token.text);
    assert.equal(token.json.error, "invalid_client");
    assert.equal((await registerClient(w.url)).client_id.length, 16, "ours are 16 characters");
  });
});


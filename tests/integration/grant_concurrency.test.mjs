// Exactly once across requests in flight (wrangler.jsonc OAUTH_GRANTS, worker-shim/grant_state.js,
// wasm/core/oauth/grant_state.hpp), and the rate limits through the real Workers binding.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startWorker } from "./support/worker.mjs";
import { initialize } from "./support/mcp_http.mjs";
import { authorizeInBrowser, pkce, registerClient, tokenRequest, signIn } from "./support/sign_in.mjs";

let worker;
before(async () => {
  worker = await startWorker({
    // The test configuration lifts the limits; this worker puts a low one back on /register.
    configure(config) {
      for (const limiter of config.ratelimits) if (limiter.name === "REGISTER_RATE_LIMITER") limiter.simple.limit = 4;
    },
  });
});
after(async () => { await worker?.stop(); });

describe("grant state objects", () => {
  test("five concurrent redemptions of one code: exactly one succeeds, and the code's grant ends", async () => {
    const client = await registerClient(worker.url);
    const { verifier, challenge } = pkce();
    const { location } = await authorizeInBrowser(worker.url, { client, challenge });
    const code = location.searchParams.get("code");
    const fields = { grant_type: "authorization_code", code, code_verifier: verifier, client_id: client.client_id,
      redirect_uri: client.redirect_uris[0] };
    const replies = await Promise.all(Array.from({ length: 5 }, () => tokenRequest(worker.url, fields)));
    const statuses = replies.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 400, 400, 400, 400], JSON.stringify(replies.map((r) => r.json)));
    for (const r of replies.filter((x) => x.status === 400)) assert.equal(r.json.error, "invalid_grant");
    // A code presented more than once revokes what it issued (RFC 6749 §4.1.2): the winner's token too.
    const winner = replies.find((r) => r.status === 200).json;
    assert.equal((await initialize(worker.url, "2025-06-18", { token: winner.access_token })).status, 401);
  });

  test("concurrent refreshes never fork the grant: the successes form one line, and the newest works", async () => {
    const { tokens, client } = await signIn(worker.url, { login: "hubot" });
    const refresh = (token) => tokenRequest(worker.url, { grant_type: "refresh_token", refresh_token: token, client_id: client.client_id });
    const replies = await Promise.all(Array.from({ length: 4 }, () => refresh(tokens.refresh_token)));
    const ok = replies.filter((r) => r.status === 200);
    assert.ok(ok.length >= 1, replies.map((r) => `${r.status} ${r.text}`).join("\n"));
    for (const r of replies.filter((x) => x.status !== 200)) assert.equal(r.json.error, "invalid_grant", r.text);
    // Whichever rotation committed last holds the grant: its refresh token refreshes again, and
    // every access token handed out works (none was issued from a forked copy of the grant).
    let newest;
    for (const r of ok) {
      const again = await refresh(r.json.refresh_token);
      if (again.status === 200) { newest = again.json; break; }
    }
    assert.ok(newest, "no successful refresh token continued the grant");
    assert.equal((await initialize(worker.url, "2025-06-18", { token: newest.access_token })).status, 200);
  });
});

describe("rate limits through the Workers binding", () => {
  test("/register answers 429 temporarily_unavailable past the limit, with Retry-After", async () => {
    const statuses = [];
    let limited;
    for (let i = 0; i < 8 && !limited; i++) {
      const r = await fetch(`${worker.url}/register`, { method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ redirect_uris: ["http://127.0.0.1:9/cb"], token_endpoint_auth_method: "none" }) });
      statuses.push(r.status);
      if (r.status === 429) limited = r;
    }
    assert.ok(limited, `never limited: ${statuses}`);
    assert.equal(limited.headers.get("retry-after"), "60");
    assert.equal((await limited.json()).error, "temporarily_unavailable");
  });
});

describe("GrantState: one object per user, each grant forgotten at its own expiry", () => {
  const swap = async (key, body) => (await (await fetch(`${worker.url}/_test/grant-swap?key=${encodeURIComponent(key)}`, {
    method: "POST", body: JSON.stringify(body) })).json()).swapped;
  const read = async (key) => (await (await fetch(`${worker.url}/_test/grant?key=${encodeURIComponent(key)}`)).json()).state;

  test("a user's grants share the object but not their state; compare-and-set per grant", async () => {
    const later = Math.floor(Date.now() / 1000) + 3600;
    assert.equal(await swap("grant:alice:g1", { expected: null, next: "one", expiresAt: later }), true);
    assert.equal(await swap("grant:alice:g2", { expected: null, next: "two", expiresAt: later }), true);
    assert.equal(await swap("grant:bob:g1", { expected: null, next: "bob's", expiresAt: later }), true);
    assert.deepEqual([await read("grant:alice:g1"), await read("grant:alice:g2"), await read("grant:bob:g1")], ["one", "two", "bob's"]);
    assert.equal(await swap("grant:alice:g1", { expected: "two", next: "x", expiresAt: later }), false); // g2's state is not g1's
    assert.equal(await swap("grant:alice:g1", { expected: "one", next: "one'", expiresAt: later }), true);
    assert.equal(await read("grant:alice:g1"), "one'");
    assert.equal(await read("grant:alice:g3"), null);
  });

  test("the alarm forgets an expired grant and keeps the others (and wakes again for them)", async () => {
    const now = Math.floor(Date.now() / 1000);
    assert.equal(await swap("grant:carol:old", { expected: null, next: "old", expiresAt: now + 2 }), true);
    assert.equal(await swap("grant:carol:soon", { expected: null, next: "soon", expiresAt: now + 4 }), true);
    assert.equal(await swap("grant:carol:kept", { expected: null, next: "kept", expiresAt: now + 3600 }), true);
    const until = async (predicate, what) => {
      for (const deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((ok) => setTimeout(ok, 250)))
        if (await predicate()) return;
      assert.fail(`timed out waiting until ${what}`);
    };
    await until(async () => (await read("grant:carol:old")) === null, "the first grant expired");
    await until(async () => (await read("grant:carol:soon")) === null, "the second grant expired (a second alarm)");
    assert.equal(await read("grant:carol:kept"), "kept");
  });
});

// Host faults in real workerd: KV, the grant's Durable Object and the SSE mailbox failing or
// stalling, GitHub answering garbage, the AI binding failing, a trap between two operations. Each
// must be a clear error (503 / temporarily_unavailable with Retry-After for storage), a retry must
// succeed, and storage must stay whole. The faults come from the test entry's binding wrappers
// (tests/fakes/test_entry.js, driven by x-test-* headers the product never reads); KV and the
// grant objects are read back through its /_test/* routes. Every step of every flow failing once
// in turn is the native sweep's job (tests/native/app/fault_sweep_test.cpp); this file shows the
// shim turns each binding's failure into that failure.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startWorker } from "./support/worker.mjs";
import { initialize, openSession, post, rpc } from "./support/mcp_http.mjs";
import { openSseSession, postMessage } from "./support/sse.mjs";
import { authorizeInBrowser, browse, CookieJar, pkce, registerClient, signIn, tokenRequest, authorizeToGitHub, authorizeUrl, pickLoginAtGitHub } from "./support/sign_in.mjs";

const STORAGE_TIMEOUT_MS = 1000;
let w;
before(async () => {
  w = await startWorker({
    vars: { AUTH_CACHE_SECONDS: "0", STORAGE_TIMEOUT_MS: String(STORAGE_TIMEOUT_MS), ALLOWED_USERNAMES: "monalisa" },
  });
});
after(async () => { await w?.stop(); });

const kv = async (prefix) => (await fetch(`${w.url}/_test/kv?prefix=${encodeURIComponent(prefix)}`)).json();
const readGrantObject = async (key) => (await (await fetch(`${w.url}/_test/grant?key=${encodeURIComponent(key)}`)).json()).state;
const grantObject = readGrantObject;
const grantKeyOf = (token) => { const [user, grant] = token.split(":"); return `grant:${user}:${grant}`; };

// The storage invariant (as tests/native/support/fault_sweep.hpp check_store): whole client
// records, no token without its grant, every redeemed grant backed by its object. `settled`: no
// revocation may be half done.
async function checkStore({ settled = true } = {}) {
  const records = await kv("");
  const byName = new Map(records.map((r) => [r.name, r]));
  const objects = new Map();
  const grantObject = async (key) => {
    if (!objects.has(key)) objects.set(key, await readGrantObject(key));
    return objects.get(key);
  };
  for (const r of records) {
    if (r.name.startsWith("client:")) {
      const c = JSON.parse(r.value);
      assert.equal(c.clientId, r.name.slice(7), r.value);
      assert.ok(Array.isArray(c.redirectUris) && c.redirectUris.length > 0, r.value);
      assert.equal(typeof c.registrationExpiresAt, "number", r.value);
    } else if (r.name.startsWith("token:")) {
      const [, user, grant] = r.name.split(":");
      const state = await grantObject(`grant:${user}:${grant}`);
      if (state === "revoked") assert.ok(!settled, `${r.name}: a token of a revoked grant`);
      else assert.ok(byName.has(`grant:${user}:${grant}`), `${r.name}: a token without its grant`);
    } else if (r.name.startsWith("grant:")) {
      const g = JSON.parse(r.value);
      const state = await grantObject(r.name);
      if (state === "revoked") assert.ok(!settled, `${r.name}: a revoked grant still in KV`);
      else if (state === null) assert.ok(g.authCodeWrappedKey, `${r.name}: a redeemed grant without its object`);
      else assert.equal(JSON.parse(state).id, g.id);
    }
  }
}

async function assertUnavailable(r, what) {
  assert.equal(r.status, 503, `${what}: ${r.status} ${r.text ?? ""}`);
  assert.equal(r.headers.get("retry-after"), "5", what);
}

// A code, the browser part done (register, consent, GitHub, callback).
async function freshCode(login = "octocat") {
  const client = await registerClient(w.url);
  const { verifier, challenge } = pkce();
  const { location } = await authorizeInBrowser(w.url, { client, challenge, login });
  const code = location.searchParams.get("code");
  const fields = { grant_type: "authorization_code", code, code_verifier: verifier, client_id: client.client_id,
    redirect_uri: client.redirect_uris[0] };
  return { client, code, fields };
}

const register = (headers = {}) => fetch(`${w.url}/register`, {
  method: "POST", headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify({ redirect_uris: ["http://127.0.0.1:9/callback"], token_endpoint_auth_method: "none", client_name: "faults" }),
});

describe("KV failing", () => {
  test("/register: a failing put is 503 temporarily_unavailable and stores nothing; the retry registers", async () => {
    const before = (await kv("client:")).length;
    const r = await register({ "x-test-kv-fail": "put" });
    await assertUnavailable(r, "register");
    assert.equal((await r.json()).error, "temporarily_unavailable");
    assert.equal((await kv("client:")).length, before);
    assert.equal((await register()).status, 201);
    assert.equal((await kv("client:")).length, before + 1);
    await checkStore();
  });

  test("the bearer gate: a failing read is 503, never a 401 or a pass; the next request is served", async () => {
    const { accessToken } = await signIn(w.url);
    const r = await initialize(w.url, "2025-06-18", { token: accessToken, headers: { "x-test-kv-fail": "get" } });
    await assertUnavailable(r.response, "initialize");
    assert.equal(r.response.headers.get("www-authenticate"), null);
    assert.equal((await initialize(w.url, "2025-06-18", { token: accessToken })).status, 200);
  });

  test("the code exchange: the access token's write failing is 503, and the code is still redeemable", async () => {
    const { code, fields } = await freshCode();
    const failed = await tokenRequest(w.url, fields, { headers: { "x-test-kv-fail": "put", "x-test-kv-prefix": "token:" } });
    await assertUnavailable(failed, "token");
    assert.equal(failed.json.error, "temporarily_unavailable");
    assert.equal(failed.headers.get("cache-control"), "no-store");
    assert.deepEqual(await kv(`token:${grantKeyOf(code).slice(6)}:`), []);
    assert.equal(await grantObject(grantKeyOf(code)), null, "nothing committed");
    await checkStore();
    const retry = await tokenRequest(w.url, fields);
    assert.equal(retry.status, 200, retry.text);
    assert.equal((await initialize(w.url, "2025-06-18", { token: retry.json.access_token })).status, 200);
    await checkStore();
  });

  test("a revocation whose last delete fails: 503, the grant is already dead, and the retry finishes the cleanup", async () => {
    const { tokens, client } = await signIn(w.url, { login: "hubot" });
    const key = grantKeyOf(tokens.refresh_token);
    const revoke = (headers) => tokenRequest(w.url, { token: tokens.refresh_token, client_id: client.client_id }, { headers });
    await assertUnavailable(await revoke({ "x-test-kv-fail": "delete", "x-test-kv-prefix": "grant:" }), "revoke");
    assert.equal(await grantObject(key), "revoked");
    assert.equal((await kv(key)).length, 1, "the KV grant marks the cleanup still to do");
    await checkStore({ settled: false });
    const refused = await tokenRequest(w.url, { grant_type: "refresh_token", refresh_token: tokens.refresh_token, client_id: client.client_id });
    assert.equal(refused.status, 400, "no refresh from a revoked grant");
    assert.equal((await revoke({})).status, 200);
    assert.deepEqual(await kv(key), []);
    assert.equal((await initialize(w.url, "2025-06-18", { token: tokens.access_token })).status, 401);
    await checkStore();
  });
});

describe("KV stalling", () => {
  test("a put answering later than STORAGE_TIMEOUT_MS is 503; the record is whole; the retry registers", async () => {
    const before = (await kv("client:")).length;
    const started = Date.now();
    const r = await register({ "x-test-kv-stall-ms": String(STORAGE_TIMEOUT_MS * 3), "x-test-kv-stall": "put" });
    await assertUnavailable(r, "register");
    assert.ok(Date.now() - started < STORAGE_TIMEOUT_MS * 3, "answered at the deadline, not when the put finished");
    // The put landed; only its answer came too late: a whole record nobody holds (its id never left
    // the server), which expires with the registration's TTL.
    assert.equal((await kv("client:")).length, before + 1);
    await checkStore();
    assert.equal((await register()).status, 201);
  });

  test("a grant object stalled past the deadline is 503, and the code is still redeemable", async () => {
    const { code, fields } = await freshCode();
    const failed = await tokenRequest(w.url, fields, { headers: { "x-test-grants-fail": "swap" } });
    await assertUnavailable(failed, "token (swap failing)");
    const stalled = await tokenRequest(w.url, fields, { headers: { "x-test-grants-stall-ms": String(STORAGE_TIMEOUT_MS * 2) } });
    await assertUnavailable(stalled, "token (object stalling)");
    // The read answered late, so the swap never ran: nothing committed.
    assert.equal(await grantObject(grantKeyOf(code)), null);
    const retry = await tokenRequest(w.url, fields);
    assert.equal(retry.status, 200, retry.text);
    await checkStore();
  });
});

describe("the grant's Durable Object unavailable", () => {
  test("refresh and revocation are 503; the same refresh token then works, and revocation finishes", async () => {
    const { tokens, client } = await signIn(w.url, { login: "monalisa" });
    const refresh = (token, headers) => tokenRequest(w.url, { grant_type: "refresh_token", refresh_token: token, client_id: client.client_id }, { headers });
    await assertUnavailable(await refresh(tokens.refresh_token, { "x-test-grants-fail": "1" }), "refresh");
    const next = await refresh(tokens.refresh_token);
    assert.equal(next.status, 200, next.text);
    const revoke = (headers) => tokenRequest(w.url, { token: next.json.refresh_token, client_id: client.client_id }, { headers });
    await assertUnavailable(await revoke({ "x-test-grants-fail": "swap" }), "revoke");
    assert.equal((await initialize(w.url, "2025-06-18", { token: next.json.access_token })).status, 200, "nothing revoked yet");
    assert.equal((await revoke({})).status, 200);
    assert.equal((await initialize(w.url, "2025-06-18", { token: next.json.access_token })).status, 401);
    await checkStore();
  });
});

describe("the SSE mailbox unavailable", () => {
  test("GET /sse is 503 (the module lives on); POST /sse/message is 503; retries succeed", async () => {
    const { accessToken: token } = await signIn(w.url);
    const refused = await fetch(`${w.url}/sse`, { headers: { accept: "text/event-stream", authorization: `Bearer ${token}`, "x-test-mailbox-fail": "1" } });
    assert.equal(refused.status, 503, await refused.text());
    assert.equal(refused.headers.get("retry-after"), "5");
    assert.doesNotMatch(w.output(), /module_failure/, "a mailbox failure is not a failure of the module");
    const { stream, sessionId } = await openSseSession(w.url, { token });
    try {
      const body = rpc("tools/call", { name: "add", arguments: { a: 20, b: 22 } }, "sum");
      const failed = await postMessage(w.url, sessionId, body, { token, headers: { "x-test-mailbox-fail": "1" } });
      await assertUnavailable(failed, "message");
      assert.equal(failed.json.error.code, -32603);
      const ok = await postMessage(w.url, sessionId, body, { token });
      assert.equal(ok.status, 202, ok.text);
      const reply = await stream.message((m) => m.id === "sum", 10_000);
      assert.equal(reply.result.content[0].text, "42");
    } finally {
      stream.close();
    }
  });
});

describe("GitHub and Workers AI failing", () => {
  test("GitHub answering garbage or 500 at /access_token and /user: a page, no grant, and signing in again works", async () => {
    const login = "faults-gh";
    for (const [endpoint, mode] of [["access_token", "garbage"], ["access_token", "500"], ["user", "garbage"], ["user", "500"]]) {
      const jar = new CookieJar();
      const client = await registerClient(w.url);
      const toGitHub = await authorizeToGitHub(jar, authorizeUrl(w.url, { client, challenge: pkce().challenge, state: "s" }));
      const callback = await pickLoginAtGitHub(jar, toGitHub, login);
      await w.github.control.fail(endpoint, mode, { times: 1 });
      const r = await browse(jar, callback.href);
      assert.equal(r.status, 502, `${endpoint} ${mode}`);
      assert.match(r.headers.get("content-type"), /^text\/html/);
      assert.equal(r.headers.get("location"), null);
      await r.body?.cancel();
    }
    assert.deepEqual(await kv(`grant:${login}:`), [], "no grant for a sign-in GitHub did not finish");
    const { accessToken } = await signIn(w.url, { login });
    assert.equal((await kv(`grant:${login}:`)).length, 1);
    assert.equal((await initialize(w.url, "2025-06-18", { token: accessToken })).status, 200);
    await checkStore();
  });

  test("the AI binding failing is a tool error, and the next call in the same session succeeds", async () => {
    const { accessToken: token } = await signIn(w.url, { login: "monalisa" });
    const { session } = await openSession(w.url, "2025-06-18", { token });
    const call = (prompt) => post(w.url, rpc("tools/call", { name: "generateImage", arguments: { prompt } }), { session, token });
    const failed = await call("fail");
    assert.equal(failed.status, 200);
    assert.equal(failed.json.result.isError, true);
    assert.match(failed.json.result.content[0].text, /Workers AI/);
    const ok = await call("a lighthouse");
    assert.notEqual(ok.json.result.isError, true, ok.text);
    assert.equal(ok.json.result.content[0].type, "image");
  });
});

describe("a trap in the module", () => {
  test("between the access token's write and the commit: 500, nothing committed, the code still redeemable", async () => {
    const { code, fields } = await freshCode();
    // x-mcp-test-trap-before (test builds only): trap when the run parks a grant_swap (kind 15).
    const trapped = await tokenRequest(w.url, fields, { headers: { "x-mcp-test-trap-before": "15" } });
    assert.equal(trapped.status, 500, trapped.text);
    assert.equal(await grantObject(grantKeyOf(code)), null, "nothing committed");
    // The token written before the trap is unreachable (its secret never left the module) and its
    // grant is still the unredeemed one.
    assert.equal((await kv(`token:${grantKeyOf(code).slice(6)}:`)).length, 1);
    await checkStore();
    const retry = await tokenRequest(w.url, fields);
    assert.equal(retry.status, 200, retry.text);
    assert.equal((await initialize(w.url, "2025-06-18", { token: retry.json.access_token })).status, 200);
    await checkStore();
  });
});

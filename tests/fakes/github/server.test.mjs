// Tests of the GitHub stand-in itself (tests/fakes/github/server.mjs), over real HTTP on 127.0.0.1.
//   node --test tests/fakes/github/
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import http from "node:http";
import net from "node:net";
import { after, before, beforeEach, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { DEFAULT_USERS, idForLogin, startGitHubStandIn } from "./server.mjs";

const SERVER = fileURLToPath(new URL("./server.mjs", import.meta.url));
const CLIENT_ID = "test-client-id";
const CLIENT_SECRET = "test-client-secret";
const CALLBACK = "http://localhost:8788/callback";
const UA = "standin-test/1.0";

// One HTTP exchange with node:http (no default headers at all, unlike fetch), on a fresh connection.
function request(base, method, path, { headers = {}, body, timeoutMs } = {}) {
  return new Promise((resolve, reject) => {
    const h = Object.fromEntries(Object.entries({ "user-agent": UA, ...headers }).filter(([, v]) => v !== undefined));
    const req = http.request(new URL(base + path), { method, headers: h, agent: false }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    req.on("error", reject);
    if (timeoutMs) req.setTimeout(timeoutMs, () => req.destroy(new Error("client timeout")));
    req.end(body);
  });
}
const form = (obj) => new URLSearchParams(Object.entries(obj).filter(([, v]) => v !== undefined)).toString();
const FORM = { "content-type": "application/x-www-form-urlencoded" };
const JSONCT = { "content-type": "application/json" };
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

let gh;
let clockOffset = 0;
before(async () => {
  gh = await startGitHubStandIn({
    clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, now: () => Date.now() + clockOffset,
  });
});
after(async () => { await gh?.close(); });
beforeEach(() => { gh.control.reset(); clockOffset = 0; });

const get = (path, opts) => request(gh.url, "GET", path, opts);
const post = (path, opts) => request(gh.url, "POST", path, opts);
const control = (path, obj) => post(`/_standin/${path}`, { headers: JSONCT, body: JSON.stringify(obj) });

const authorizeQuery = (extra = {}) =>
  `/login/oauth/authorize?${form({ client_id: CLIENT_ID, redirect_uri: CALLBACK, scope: "read:user", state: "st-1", ...extra })}`;

// Picks a login on the sign-in form; returns the redirect.
async function pickLogin(login, extra = {}) {
  const r = await post("/login/oauth/authorize", {
    headers: FORM,
    body: form({ client_id: CLIENT_ID, redirect_uri: CALLBACK, scope: "read:user", state: "st-1", login, ...extra }),
  });
  assert.equal(r.status, 302, r.text);
  return new URL(r.headers.location);
}
async function codeFor(login, extra) {
  return (await pickLogin(login, extra)).searchParams.get("code");
}
function exchange(params, opts = {}) {
  const { json = false, headers = {} } = opts;
  const accept = "accept" in opts ? opts.accept : "application/json";
  const body = { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uri: CALLBACK, ...params };
  for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
  return post("/login/oauth/access_token", {
    headers: { ...(json ? JSONCT : FORM), ...(accept ? { accept } : {}), ...headers },
    body: json ? JSON.stringify(body) : form(body),
  });
}
async function tokenFor(login) {
  const r = await exchange({ code: await codeFor(login) });
  assert.equal(typeof r.json?.access_token, "string", r.text);
  return r.json.access_token;
}
const getUser = (token, headers = {}) => get("/user", { headers: { authorization: `Bearer ${token}`, ...headers } });

describe("GET /login/oauth/authorize", () => {
  test("an unknown or missing client_id is a 404 HTML page", async () => {
    for (const q of [authorizeQuery({ client_id: "nope" }), `/login/oauth/authorize?redirect_uri=${encodeURIComponent(CALLBACK)}`]) {
      const r = await get(q);
      assert.equal(r.status, 404);
      assert.match(r.headers["content-type"], /^text\/html/);
      assert.match(r.text, /NOT GitHub/);
    }
  });

  test("a missing, relative, non-http or fragment redirect_uri is a 400 page", async () => {
    for (const redirect of [undefined, "/callback", "javascript:alert(1)", `${CALLBACK}#frag`, `${CALLBACK}\r\nSet-Cookie: x=1`, `${CALLBACK}/é`]) {
      const r = await get(authorizeQuery({ redirect_uri: redirect }));
      assert.equal(r.status, 400, String(redirect));
      assert.match(r.headers["content-type"], /^text\/html/);
    }
  });

  test("the sign-in page: title, NOT-GitHub notice, client, scope, one button per user, other login, cancel", async () => {
    const r = await get(authorizeQuery());
    assert.equal(r.status, 200);
    assert.match(r.headers["content-type"], /^text\/html; charset=utf-8/);
    assert.match(r.text, /<title>Development sign-in \(GitHub stand-in\)<\/title>/);
    assert.match(r.text, /This is NOT GitHub\.<\/strong> It is a stand-in that exists only\s+for local development and tests/);
    assert.match(r.text, new RegExp(`<code>${CLIENT_ID}</code>`));
    assert.match(r.text, /<code>read:user<\/code>/);
    assert.match(r.text, /<form method="POST" action="\/login\/oauth\/authorize">/);
    for (const login of ["octocat", "hubot", "monalisa"]) {
      assert.ok(r.text.includes(`<button name="login" value="${login}">Sign in as ${login}</button>`), login);
    }
    for (const [name, value] of [["client_id", CLIENT_ID], ["redirect_uri", CALLBACK], ["state", "st-1"], ["scope", "read:user"]]) {
      assert.ok(r.text.includes(`<input type="hidden" name="${name}" value="${value}">`), name);
    }
    assert.match(r.text, /<input id="other-login" name="login"[^>]*>/);
    assert.match(r.text, /<button>Sign in as another login<\/button>/);
    assert.match(r.text, /<button class="cancel" name="cancel" value="1">Cancel<\/button>/);
    assert.match(r.headers["content-security-policy"], /frame-ancestors 'none'/);
  });

  test("every value is HTML-escaped", async () => {
    const evil = `"><script>alert('x')</script>&`;
    const r = await get(authorizeQuery({ state: evil, scope: evil, login: evil, redirect_uri: `${CALLBACK}?q=${encodeURIComponent(evil)}` }));
    assert.equal(r.status, 200);
    assert.ok(!r.text.includes("<script>"), "raw <script> in the page");
    assert.ok(r.text.includes("&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;"));

    const users = [{ login: "evil-user", name: "<img src=x onerror=alert(1)>", email: "<b>@x" }];
    const other = await startGitHubStandIn({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, users });
    try {
      const p = await request(other.url, "GET", authorizeQuery());
      assert.ok(!p.text.includes("<img") && !p.text.includes("<b>@"));
      assert.ok(p.text.includes("&lt;img src=x onerror=alert(1)&gt;"));
    } finally { await other.close(); }
  });

  test("login= pre-fills the other-login field; HEAD is served like GET without a body", async () => {
    const r = await get(authorizeQuery({ login: "someone" }));
    assert.match(r.text, /name="login"[^>]*value="someone"/);
    const h = await request(gh.url, "HEAD", authorizeQuery());
    assert.equal(h.status, 200);
    assert.equal(h.text, "");
  });
});

describe("POST /login/oauth/authorize", () => {
  test("a user button issues a 20-hex code and redirects with code and state", async () => {
    const r = await post("/login/oauth/authorize", {
      headers: FORM,
      body: form({ client_id: CLIENT_ID, redirect_uri: CALLBACK, scope: "read:user", state: "a b&c", login: "octocat" }),
    });
    assert.equal(r.status, 302);
    const loc = new URL(r.headers.location);
    assert.equal(`${loc.origin}${loc.pathname}`, CALLBACK);
    assert.match(loc.searchParams.get("code"), /^[0-9a-f]{20}$/);
    assert.equal(loc.searchParams.get("state"), "a b&c");
    const again = await codeFor("octocat");
    assert.notEqual(again, loc.searchParams.get("code"));
  });

  test("the redirect keeps the redirect_uri's own query; no state means no state parameter", async () => {
    const redirect = `${CALLBACK}?x=1&y=%20z`;
    const loc = await pickLogin("hubot", { redirect_uri: redirect, state: undefined });
    assert.ok(loc.href.startsWith(`${redirect}&code=`), loc.href);
    assert.equal(loc.searchParams.has("state"), false);
  });

  test("Cancel redirects with error=access_denied, a description and the state", async () => {
    const r = await post("/login/oauth/authorize", {
      headers: FORM, body: form({ client_id: CLIENT_ID, redirect_uri: CALLBACK, state: "st-9", cancel: "1" }),
    });
    assert.equal(r.status, 302);
    const loc = new URL(r.headers.location);
    assert.equal(loc.searchParams.get("error"), "access_denied");
    assert.equal(loc.searchParams.get("error_description"), "The user has denied your application access.");
    assert.match(loc.searchParams.get("error_uri"), /^https:\/\/docs\.github\.com\//);
    assert.equal(loc.searchParams.get("state"), "st-9");
    assert.equal(loc.searchParams.has("code"), false);
  });

  test("an unknown client_id is 404 and a bad redirect_uri 400, as on GET", async () => {
    const a = await post("/login/oauth/authorize", { headers: FORM, body: form({ client_id: "x", redirect_uri: CALLBACK, login: "octocat" }) });
    assert.equal(a.status, 404);
    const b = await post("/login/oauth/authorize", { headers: FORM, body: form({ client_id: CLIENT_ID, redirect_uri: "nope", login: "octocat" }) });
    assert.equal(b.status, 400);
  });

  test("any valid login signs in: created on the fly with a stable id, name = login, email null", async () => {
    const token = await tokenFor("Some-Dev42");
    const r = await getUser(token);
    assert.equal(r.status, 200);
    assert.equal(r.json.login, "Some-Dev42");
    assert.equal(r.json.id, idForLogin("some-dev42"));
    assert.equal(r.json.name, "Some-Dev42");
    assert.equal(r.json.email, null);
    // Stable across instances (and case-insensitive like GitHub logins).
    const other = await startGitHubStandIn({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    try {
      const t = other.control.issueToken({ login: "some-dev42" });
      const u = await request(other.url, "GET", "/user", { headers: { authorization: `token ${t.access_token}` } });
      assert.equal(u.json.id, r.json.id);
    } finally { await other.close(); }
    // Known logins match case-insensitively and keep their canonical spelling.
    const o = await getUser(await tokenFor("OctoCat"));
    assert.equal(o.json.login, "octocat");
  });

  test("an invalid free-text login re-shows the form with an error (400), issuing nothing", async () => {
    for (const login of ["", "-bad", "bad-", "a--b", "x".repeat(40), "sp ace", "<b>"]) {
      const r = await post("/login/oauth/authorize", {
        headers: FORM, body: form({ client_id: CLIENT_ID, redirect_uri: CALLBACK, state: "s", login }),
      });
      assert.equal(r.status, 400, login);
      assert.match(r.text, /class="error"/);
      assert.equal(r.headers.location, undefined);
      assert.ok(!r.text.includes("<b>"));
    }
  });
});

describe("POST /login/oauth/access_token", () => {
  test("success with Accept: application/json: gho_ token, bearer, granted scope", async () => {
    const r = await exchange({ code: await codeFor("octocat") });
    assert.equal(r.status, 200);
    assert.match(r.headers["content-type"], /^application\/json/);
    assert.deepEqual(Object.keys(r.json).sort(), ["access_token", "scope", "token_type"]);
    assert.match(r.json.access_token, /^gho_[A-Za-z0-9]{36}$/);
    assert.equal(r.json.token_type, "bearer");
    assert.equal(r.json.scope, "read:user");
  });

  test("without Accept: application/json the reply is form-encoded (as GitHub), errors too", async () => {
    const ok = await exchange({ code: await codeFor("octocat") }, { accept: undefined });
    assert.equal(ok.status, 200);
    assert.match(ok.headers["content-type"], /^application\/x-www-form-urlencoded/);
    assert.match(ok.text, /^access_token=gho_[A-Za-z0-9]{36}&scope=read%3Auser&token_type=bearer$/);
    const bad = await exchange({ code: "0".repeat(20) }, { accept: "*/*" });
    assert.equal(bad.status, 200);
    const p = new URLSearchParams(bad.text);
    assert.equal(p.get("error"), "bad_verification_code");
    assert.equal(p.get("error_description"), "The code passed is incorrect or expired.");
    assert.match(p.get("error_uri"), /^https:\/\/docs\.github\.com\/.*#bad-verification-code$/);
  });

  test("a JSON body is accepted; scopes come back comma-separated", async () => {
    const code = await codeFor("hubot", { scope: "read:user user:email" });
    const r = await exchange({ code }, { json: true });
    assert.equal(r.json.scope, "read:user,user:email");
    assert.equal((await getUser(r.json.access_token)).json.login, "hubot");
  });

  test("client credentials may also come as HTTP Basic", async () => {
    const code = await codeFor("octocat");
    const r = await post("/login/oauth/access_token", {
      headers: { ...FORM, accept: "application/json", authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64")}` },
      body: form({ code }),
    });
    assert.match(r.json.access_token, /^gho_/);
  });

  test("wrong client_id or client_secret: 200 with incorrect_client_credentials; the code stays usable", async () => {
    const code = await codeFor("octocat");
    for (const params of [{ client_secret: "wrong" }, { client_id: "wrong" }, { client_secret: undefined }]) {
      const r = await exchange({ code, ...params });
      assert.equal(r.status, 200);
      assert.deepEqual(r.json, {
        error: "incorrect_client_credentials",
        error_description: "The client_id and/or client_secret passed are incorrect.",
        error_uri: "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#incorrect-client-credentials",
      });
    }
    assert.match((await exchange({ code })).json.access_token, /^gho_/);
  });

  test("unknown, missing and reused codes: bad_verification_code (a code is single-use)", async () => {
    assert.equal((await exchange({ code: "f".repeat(20) })).json.error, "bad_verification_code");
    assert.equal((await exchange({ code: undefined })).json.error, "bad_verification_code");
    const code = await codeFor("octocat");
    assert.match((await exchange({ code })).json.access_token, /^gho_/);
    const again = await exchange({ code });
    assert.equal(again.status, 200);
    assert.equal(again.json.error, "bad_verification_code");
    assert.equal(again.json.access_token, undefined);
  });

  test("a code expires after 10 minutes", async () => {
    const fresh = await codeFor("octocat");
    const stale = await codeFor("octocat");
    clockOffset = 9 * 60_000;
    assert.match((await exchange({ code: fresh })).json.access_token, /^gho_/);
    clockOffset = 10 * 60_000 + 1000;
    assert.equal((await exchange({ code: stale })).json.error, "bad_verification_code");
  });

  test("a redirect_uri other than the authorize request's: redirect_uri_mismatch; omitting it is fine", async () => {
    const code = await codeFor("octocat");
    const r = await exchange({ code, redirect_uri: "http://localhost:8788/other" });
    assert.equal(r.status, 200);
    assert.equal(r.json.error, "redirect_uri_mismatch");
    assert.equal(r.json.error_description, "The redirect_uri MUST match the registered callback URL for this application.");
    assert.match((await exchange({ code, redirect_uri: undefined })).json.access_token, /^gho_/);
  });

  test("GET is not served (404 JSON)", async () => {
    const r = await get("/login/oauth/access_token");
    assert.equal(r.status, 404);
    assert.equal(r.json.message, "Not Found");
  });
});

describe("GET /user", () => {
  test("200 with the user object and GitHub's headers, for Bearer and token schemes", async () => {
    const token = await tokenFor("octocat");
    for (const scheme of ["Bearer", "token", "bearer"]) {
      const r = await get("/user", { headers: { authorization: `${scheme} ${token}`, accept: "application/vnd.github+json" } });
      assert.equal(r.status, 200, scheme);
      assert.match(r.headers["content-type"], /^application\/json; charset=utf-8/);
      assert.equal(r.headers["x-github-media-type"], "github.v3; format=json");
      assert.equal(r.headers["x-ratelimit-limit"], "5000");
      assert.match(r.headers["x-ratelimit-reset"], /^\d{10}$/);
      const u = r.json;
      assert.equal(u.login, "octocat");
      assert.equal(u.id, 583231);
      assert.equal(u.node_id, "MDQ6VXNlcjU4MzIzMQ==");
      assert.equal(u.avatar_url, "https://avatars.githubusercontent.com/u/583231?v=4");
      assert.equal(u.html_url, "https://github.com/octocat");
      assert.equal(u.type, "User");
      assert.equal(u.site_admin, false);
      assert.equal(u.name, "The Octocat");
      assert.equal(u.email, "octocat@github.com");
      for (const k of ["company", "blog", "location", "bio", "public_repos", "followers", "following", "created_at", "updated_at"]) {
        assert.ok(k in u, k);
      }
      assert.match(u.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
  });

  test("any Accept header is fine; the rate-limit counters move on each call", async () => {
    const token = await tokenFor("monalisa");
    const seen = [];
    for (const accept of [undefined, "*/*", "text/plain", "application/vnd.github.v3+json"]) {
      const r = await getUser(token, { accept });
      assert.equal(r.status, 200);
      seen.push([Number(r.headers["x-ratelimit-remaining"]), Number(r.headers["x-ratelimit-used"])]);
    }
    assert.deepEqual(seen, [[4999, 1], [4998, 2], [4997, 3], [4996, 4]]);
  });

  test("no User-Agent: 403 with GitHub's message", async () => {
    const token = await tokenFor("octocat");
    for (const ua of [undefined, ""]) {
      const r = await get("/user", { headers: { "user-agent": ua, authorization: `Bearer ${token}` } });
      assert.equal(r.status, 403);
      assert.match(r.text, /^Request forbidden by administrative rules\. Please make sure your request has a User-Agent header/);
    }
  });

  test("missing, unknown, malformed or revoked tokens: 401", async () => {
    const missing = await get("/user");
    assert.equal(missing.status, 401);
    assert.equal(missing.json.message, "Requires authentication");
    const badCredentials = { message: "Bad credentials", documentation_url: "https://docs.github.com/rest", status: "401" };
    for (const auth of ["Bearer gho_" + "x".repeat(36), "token", "Basic Zm9vOmJhcg==", "gho_abc", ""]) {
      const r = await get("/user", { headers: { authorization: auth } });
      assert.equal(r.status, 401, auth);
      assert.deepEqual(r.json, badCredentials);
    }
    const token = await tokenFor("octocat");
    gh.control.revoke({ token });
    assert.deepEqual((await getUser(token)).json, badCredentials);
  });
});

describe("controls over HTTP (/_standin/*)", () => {
  test("revoke {token} and {login}", async () => {
    const a = await tokenFor("octocat");
    const b = await tokenFor("octocat");
    const c = await tokenFor("hubot");
    let r = await control("revoke", { token: a });
    assert.deepEqual(r.json, { revoked: 1 });
    assert.equal((await getUser(a)).status, 401);
    assert.equal((await getUser(b)).status, 200);
    r = await control("revoke", { login: "OctoCat" });
    assert.deepEqual(r.json, { revoked: 1 });
    assert.equal((await getUser(b)).status, 401);
    assert.equal((await getUser(c)).status, 200);
    assert.equal((await control("revoke", {})).status, 400);
  });

  test("rate-limit on: 403, remaining 0, GitHub's message; off: 200 again", async () => {
    const token = await tokenFor("octocat");
    assert.deepEqual((await control("rate-limit", { on: true })).json, { on: true });
    const r = await getUser(token);
    assert.equal(r.status, 403);
    assert.equal(r.headers["x-ratelimit-remaining"], "0");
    assert.equal(r.headers["x-ratelimit-limit"], "5000");
    assert.match(r.headers["x-ratelimit-reset"], /^\d+$/);
    assert.match(r.json.message, /^API rate limit exceeded for user ID 583231\./);
    await control("rate-limit", { on: false });
    assert.equal((await getUser(token)).status, 200);
    assert.equal((await control("rate-limit", { on: "yes" })).status, 400);
  });

  test("fail access_token: 500, then garbage, then cleared with mode null", async () => {
    const code = await codeFor("octocat");
    await control("fail", { endpoint: "access_token", mode: "500" });
    let r = await exchange({ code });
    assert.equal(r.status, 500);
    r = await exchange({ code });
    assert.equal(r.status, 500, "stays on until cleared");
    await control("fail", { endpoint: "access_token", mode: "garbage" });
    r = await exchange({ code });
    assert.equal(r.status, 200);
    assert.equal(r.json, undefined, "body must not be JSON");
    r = await exchange({ code }, { accept: undefined });
    assert.equal(new URLSearchParams(r.text).get("access_token"), null);
    await control("fail", { endpoint: "access_token", mode: null });
    assert.match((await exchange({ code })).json.access_token, /^gho_/, "the failed attempts did not use the code");
  });

  test("fail user: 500 and garbage; times limits it to the next N requests", async () => {
    const token = await tokenFor("octocat");
    await control("fail", { endpoint: "user", mode: "500", times: 1 });
    assert.equal((await getUser(token)).status, 500);
    assert.equal((await getUser(token)).status, 200);
    await control("fail", { endpoint: "user", mode: "garbage", times: 2 });
    for (let i = 0; i < 2; i++) {
      const r = await getUser(token);
      assert.equal(r.status, 200);
      assert.match(r.headers["content-type"], /json/);
      assert.throws(() => JSON.parse(r.text));
    }
    assert.equal((await getUser(token)).json.login, "octocat");
    assert.equal((await control("fail", { endpoint: "nope", mode: "500" })).status, 400);
    assert.equal((await control("fail", { endpoint: "user", mode: "slow" })).status, 400);
  });

  test("fail timeout: the request hangs until the server closes; close() still resolves promptly", async () => {
    const other = await startGitHubStandIn({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    let closed = false;
    try {
      const r = await request(other.url, "POST", "/_standin/fail", {
        headers: JSONCT, body: JSON.stringify({ endpoint: "user", mode: "timeout" }),
      });
      assert.equal(r.status, 200);
      other.control.fail("access_token", "timeout");
      const outcomes = [
        request(other.url, "GET", "/user", { headers: { authorization: "token x" } }),
        request(other.url, "POST", "/login/oauth/access_token", { headers: FORM, body: "code=x" }),
      ].map((p) => p.then(() => "answered", (err) => err.code ?? err.message));
      const first = await Promise.race([...outcomes, sleep(300).then(() => "pending")]);
      assert.equal(first, "pending");
      assert.equal(other.control.requests().length, 2, "both hung requests were logged");
      const started = Date.now();
      await other.close();
      closed = true;
      assert.ok(Date.now() - started < 1000, "close() waited on hung sockets");
      for (const outcome of await Promise.all(outcomes)) assert.notEqual(outcome, "answered");
    } finally { if (!closed) await other.close(); }
  });

  test("requests: method, path, selected headers, Authorization reduced to its scheme, secrets redacted", async () => {
    const token = await tokenFor("octocat");
    await getUser(token, { accept: "application/vnd.github+json" });
    await get("/user", { headers: { authorization: `token ${token}` } });
    await get("/user", { headers: { authorization: token } });
    const r = await get("/_standin/requests");
    assert.equal(r.status, 200);
    const log = r.json;
    assert.deepEqual(log.map((e) => `${e.method} ${e.path}`), [
      "POST /login/oauth/authorize", "POST /login/oauth/access_token", "GET /user", "GET /user", "GET /user",
    ]);
    const tokenCall = log[1];
    assert.equal(tokenCall.headers["content-type"], "application/x-www-form-urlencoded");
    assert.equal(tokenCall.headers.accept, "application/json");
    assert.equal(tokenCall.params.client_secret, "[redacted]");
    assert.equal(tokenCall.params.client_id, CLIENT_ID);
    assert.equal(tokenCall.params.redirect_uri, CALLBACK);
    assert.deepEqual(log[2].headers, {
      "user-agent": UA, accept: "application/vnd.github+json", authorization: "Bearer", "content-type": null,
    });
    assert.equal(log[3].headers.authorization, "token");
    assert.equal(log[4].headers.authorization, "[redacted]");
    assert.ok(!JSON.stringify(log).includes(token), "the token leaked into the log");
    assert.ok(!JSON.stringify(log).includes(CLIENT_SECRET), "the secret leaked into the log");
    assert.ok(log.every((e) => !e.path.startsWith("/_standin/")), "controls are not logged");
    const filtered = await get("/_standin/requests?path=/user");
    assert.equal(filtered.json.length, 3);
    assert.equal((await request(gh.url, "DELETE", "/_standin/requests")).status, 204);
    assert.deepEqual((await get("/_standin/requests")).json, []);
  });

  test("reset forgets tokens, codes, rate limiting, failures and the log", async () => {
    const token = await tokenFor("octocat");
    const code = await codeFor("octocat");
    await control("rate-limit", { on: true });
    await control("fail", { endpoint: "access_token", mode: "500" });
    assert.deepEqual((await control("reset", {})).json, { ok: true });
    assert.deepEqual((await get("/_standin/requests")).json, []);
    assert.equal((await getUser(token)).status, 401);
    assert.equal((await exchange({ code })).json.error, "bad_verification_code");
    assert.match((await exchange({ code: await codeFor("octocat") })).json.access_token, /^gho_/);
  });

  test("token mints a token without the browser flow", async () => {
    const r = await control("token", { login: "hubot", scope: "read:user" });
    assert.equal(r.status, 200);
    assert.equal(r.json.token_type, "bearer");
    assert.equal((await getUser(r.json.access_token)).json.login, "hubot");
  });

  test("bad control input: 400 JSON; unknown control 404; wrong method 405", async () => {
    const bad = await post("/_standin/revoke", { headers: JSONCT, body: "{not json" });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.message, "Problems parsing JSON");
    assert.equal((await post("/_standin/revoke", { headers: JSONCT, body: "[1]" })).status, 400);
    assert.equal((await control("nope", {})).status, 404);
    const wrong = await get("/_standin/reset");
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.allow, "POST");
  });
});

describe("the control object", () => {
  test("revoke, setRateLimit, fail, requests, reset without HTTP", async () => {
    const { control: c } = gh;
    const token = await tokenFor("octocat");
    assert.equal(c.revoke({ login: "octocat" }), 1);
    assert.equal((await getUser(token)).status, 401);
    const t2 = await tokenFor("hubot");
    assert.equal(c.revoke(t2), 1, "a bare string is a token");

    const t3 = c.issueToken({ login: "monalisa" }).access_token;
    c.setRateLimit(true);
    assert.equal((await getUser(t3)).status, 403);
    c.setRateLimit(false);
    assert.equal((await getUser(t3)).status, 200);

    c.fail("user", "500");
    assert.equal((await getUser(t3)).status, 500);
    c.fail("user", null);
    assert.equal((await getUser(t3)).status, 200);
    assert.throws(() => c.fail("user", "sometimes"), TypeError);

    const log = c.requests();
    assert.ok(log.length >= 6);
    log[0].path = "/mutated";
    assert.notEqual(c.requests()[0].path, "/mutated", "requests() returns a copy");
    assert.equal(c.requests({ path: "/user" }).every((e) => e.path === "/user"), true);

    c.reset();
    assert.deepEqual(c.requests(), []);
    assert.equal((await getUser(t3)).status, 401);
  });
});

describe("options", () => {
  test("users replaces the default list; defaults include octocat, hubot, monalisa", async () => {
    assert.deepEqual(DEFAULT_USERS.map((u) => u.login), ["octocat", "hubot", "monalisa"]);
    const other = await startGitHubStandIn({
      clientId: "c", clientSecret: "s", users: [{ login: "alice", id: 7, name: "Alice", email: "alice@example.test" }],
    });
    try {
      assert.equal(other.oauthUrl, `${other.url}/login/oauth`);
      assert.equal(other.apiUrl, other.url);
      assert.equal(other.url, `http://127.0.0.1:${other.port}`);
      const page = await request(other.url, "GET", `/login/oauth/authorize?client_id=c&redirect_uri=${encodeURIComponent(CALLBACK)}`);
      assert.ok(page.text.includes(`<button name="login" value="alice">Sign in as alice</button>`));
      assert.ok(!page.text.includes(`value="octocat"`));
      const t = other.control.issueToken({ login: "alice" }).access_token;
      const u = await request(other.url, "GET", "/user", { headers: { authorization: `Bearer ${t}` } });
      assert.deepEqual([u.json.id, u.json.name, u.json.email], [7, "Alice", "alice@example.test"]);
    } finally { await other.close(); }
    await assert.rejects(startGitHubStandIn({ users: [{ login: "-x" }] }), TypeError);
  });

  test("close() resolves with idle keep-alive connections open, and twice", async () => {
    const other = await startGitHubStandIn({ clientId: "c", clientSecret: "s" });
    const agent = new http.Agent({ keepAlive: true });
    await new Promise((ok, fail) => http.get(`${other.url}/nothing`, { agent }, (res) => { res.resume(); res.on("end", ok); }).on("error", fail));
    const started = Date.now();
    await other.close();
    await other.close();
    assert.ok(Date.now() - started < 1000);
    agent.destroy();
  });
});

describe("robustness", () => {
  test("a body over 64 KiB is 413; the server keeps serving", async () => {
    const big = "a=" + "x".repeat(64 * 1024);
    const r = await post("/login/oauth/access_token", { headers: { ...FORM, accept: "application/json" }, body: big });
    assert.equal(r.status, 413);
    const json = await post("/_standin/revoke", { headers: JSONCT, body: JSON.stringify({ token: "x".repeat(70_000) }) });
    assert.equal(json.status, 413);
    // Expect: 100-continue with a too-large Content-Length: refused before the body is sent.
    const early = await new Promise((resolve, reject) => {
      const req = http.request(`${gh.url}/login/oauth/access_token`, {
        method: "POST", agent: false, headers: { expect: "100-continue", "content-length": 200_000, ...FORM },
      }, (res) => { res.resume(); resolve(res.statusCode); });
      req.on("continue", () => resolve("continue"));
      req.on("error", reject);
      req.flushHeaders();
    });
    assert.equal(early, 413);
    const justUnder = "code=" + "x".repeat(64 * 1024 - 5);
    assert.equal((await post("/login/oauth/access_token", { headers: FORM, body: justUnder })).status, 200);
    assert.equal((await get(authorizeQuery())).status, 200);
  });

  test("unknown paths: 404 JSON Not Found", async () => {
    for (const [method, path] of [["GET", "/"], ["GET", "/users/octocat"], ["POST", "/user"], ["GET", "//user"], ["GET", "/login/oauth"]]) {
      const r = await request(gh.url, method, path);
      assert.equal(r.status, 404, `${method} ${path}`);
      assert.match(r.headers["content-type"], /^application\/json/);
      assert.equal(r.json.message, "Not Found");
    }
  });

  test("bad input never crashes it", async () => {
    const cases = [
      ["POST", "/login/oauth/access_token", { headers: { ...JSONCT, accept: "application/json" }, body: "{oops" }],
      ["POST", "/login/oauth/access_token", { headers: { ...JSONCT, accept: "application/json" }, body: "null" }],
      ["POST", "/login/oauth/access_token", { headers: { ...JSONCT, accept: "application/json" }, body: '{"code":{"$ne":1},"client_id":[1]}' }],
      ["POST", "/login/oauth/access_token", { headers: FORM, body: "%E0%A4%A&code=%zz&=&&" }],
      ["POST", "/login/oauth/access_token", { headers: { authorization: "Basic %%%" }, body: "\u0000\uffff" }],
      ["GET", "/login/oauth/authorize?client_id=%E0%A4%A&redirect_uri=%zz&state=%", {}],
      ["POST", "/login/oauth/authorize", { headers: { "content-type": "text/plain" }, body: "garbage" }],
      ["GET", "/user", { headers: { authorization: "Bearer " + "x".repeat(8000) } }],
      ["POST", "/_standin/fail", { headers: JSONCT, body: '{"endpoint":"user","mode":{"x":1}}' }],
      ["POST", "/_standin/token", { headers: JSONCT, body: '{"login":"<x>"}' }],
    ];
    for (const [method, path, opts] of cases) {
      const r = await request(gh.url, method, path, opts);
      assert.ok(r.status >= 200 && r.status < 500, `${method} ${path}: ${r.status}`);
    }
    // Not even HTTP: the connection gets a 400 and is closed.
    const reply = await new Promise((resolve, reject) => {
      const socket = net.connect(gh.port, "127.0.0.1", () => socket.write("NOT HTTP AT ALL\r\n\r\n"));
      let data = "";
      socket.on("data", (d) => { data += d; });
      socket.on("end", () => resolve(data));
      socket.on("error", reject);
    });
    assert.match(reply, /^HTTP\/1\.1 400 /);
    // Client going away mid-body.
    await new Promise((resolve) => {
      const socket = net.connect(gh.port, "127.0.0.1", () => {
        socket.write("POST /login/oauth/access_token HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\ncode=");
        setTimeout(() => { socket.destroy(); resolve(); }, 50);
      });
    });
    assert.equal((await get(authorizeQuery())).status, 200);
  });
});

describe("command line", () => {
  function startCli(args) {
    const child = spawn(process.execPath, [SERVER, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    const firstLine = new Promise((resolve, reject) => {
      let out = "";
      let err = "";
      child.stdout.on("data", (d) => {
        out += d;
        if (out.includes("\n")) resolve(out.split("\n")[0]);
      });
      child.stderr.on("data", (d) => { err += d; });
      child.on("exit", (code) => reject(new Error(`exited ${code} before printing: ${err}`)));
    });
    firstLine.catch(() => {}); // awaited only by the tests that expect a start
    const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
    return { child, firstLine, exited };
  }
  const running = [];
  after(() => { for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL"); });

  for (const signal of ["SIGTERM", "SIGINT"]) {
    test(`prints one line, serves the flow, exits 0 on ${signal} (even with a hung request)`, async () => {
      const { child, firstLine, exited } = startCli(["--port", "0", "--client-id", "X", "--client-secret=Y"]);
      running.push(child);
      const line = await firstLine;
      const m = /^GitHub stand-in on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(line);
      assert.ok(m, line);
      const base = m[1];
      const r = await request(base, "POST", "/login/oauth/authorize", {
        headers: FORM, body: form({ client_id: "X", redirect_uri: CALLBACK, login: "octocat", state: "z" }),
      });
      assert.equal(r.status, 302);
      const code = new URL(r.headers.location).searchParams.get("code");
      const t = await request(base, "POST", "/login/oauth/access_token", {
        headers: FORM, body: form({ client_id: "X", client_secret: "Y", code }),
      });
      const token = new URLSearchParams(t.text).get("access_token");
      assert.equal((await request(base, "GET", "/user", { headers: { authorization: `token ${token}` } })).json.id, 583231);
      await request(base, "POST", "/_standin/fail", { headers: JSONCT, body: '{"endpoint":"user","mode":"timeout"}' });
      const hung = request(base, "GET", "/user").then(() => "answered", () => "cut");
      await sleep(100);
      child.kill(signal);
      assert.deepEqual(await exited, { code: 0, signal: null });
      assert.equal(await hung, "cut");
    });
  }

  test("a bad argument exits 2 with usage", async () => {
    const { child, exited } = startCli(["--bogus"]);
    running.push(child);
    assert.equal((await exited).code, 2);
  });
});

// The authorization server's security rules, one test per rule, named so that the list reads as
// the policy (contracts: wasm/core/oauth/*.hpp, wasm/core/github/sign_in.hpp). Everything goes
// through real HTTP against the module in workerd, with the GitHub stand-in (tests/fakes/github).
//
// Three workers: `w` (the default configuration) for almost everything; `short` with
// ACCESS_TOKEN_TTL=1 for expiry, whose stand-in also hangs on one code exchange (the worker's 10 s
// fetch timeout, started first so that the wait overlaps the other tests: the callback tests come
// last); `unconfigured`, missing GITHUB_CLIENT_SECRET.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startWorker } from "./support/worker.mjs";
import { ACCEPT, CLIENT_INFO, openSession, post, rawRequest, rpc } from "./support/mcp_http.mjs";
import { openSse, postMessage } from "./support/sse.mjs";
import {
  authorizeInBrowser, authorizeToGitHub, authorizeUrl, browse, completeInBrowser, CookieJar, hiddenField, pickLoginAtGitHub, pkce,
  redeemCode, registerClient, signIn, submitConsent, tokenRequest,
} from "./support/sign_in.mjs";

const TIMEOUT_SCENARIO_DEADLINE_MS = 30_000;
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

let w; // the default configuration
let short; // ACCESS_TOKEN_TTL=1
let expiring; // a sign-in at `short`: { tokens, issuedAt }
let hungExchange; // the /callback whose GitHub code exchange never answers: Promise<{ status, text, headers, elapsed }>

before(async () => {
  short = await startWorker({ vars: { ACCESS_TOKEN_TTL: "1" } });
  const issuedAt = Date.now();
  expiring = { ...(await signIn(short.url)), issuedAt };
  // GitHub hangs on the next code exchange: this /callback waits for the worker's fetch timeout
  // (10 s) while the other tests run; the callback tests, last in this file, check its answer.
  const jar = new CookieJar();
  const client = await registerClient(short.url);
  const toGitHub = await authorizeToGitHub(jar, authorizeUrl(short.url, { client, challenge: pkce().challenge, state: "hung" }));
  const callback = await pickLoginAtGitHub(jar, toGitHub, "octocat");
  await short.github.control.fail("access_token", "timeout", { times: 1 });
  const started = Date.now();
  hungExchange = browse(jar, callback.href, { signal: AbortSignal.timeout(TIMEOUT_SCENARIO_DEADLINE_MS) }).then(
    async (r) => ({ status: r.status, headers: r.headers, text: await r.text(), elapsed: Date.now() - started }),
    (e) => ({ failed: e, elapsed: Date.now() - started }),
  );
  w = await startWorker();
});
after(async () => {
  await w?.stop();
  await short?.stop();
});

// --- helpers ------------------------------------------------------------------------------------

const REGISTERED = "http://127.0.0.1:9/callback"; // registerClient's default redirect URI

async function register(url, body, { contentType = "application/json" } = {}) {
  const r = await fetch(`${url}/register`, {
    method: "POST", headers: { "content-type": contentType }, body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await r.text();
  let json;
  try { json = JSON.parse(text); } catch {}
  return { status: r.status, headers: r.headers, text, json };
}

// GET /authorize with `params` over the defaults of a valid request for `client`.
function authorize(client, params = {}, jar = new CookieJar()) {
  const q = new URLSearchParams({ response_type: "code", client_id: client.client_id, redirect_uri: client.redirect_uris[0],
    state: "st-1", code_challenge: pkce().challenge, code_challenge_method: "S256" });
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) q.delete(k); else q.set(k, v);
  }
  return browse(jar, `${w.url}/authorize?${q}`);
}

// An HTML page that does not redirect: the answer when the redirect URI cannot be trusted.
async function assertErrorPage(r, status) {
  if (status !== undefined) assert.equal(r.status, status);
  else assert.ok(r.status >= 400, `expected an error page, got ${r.status}`);
  assert.equal(r.headers.get("location"), null, "never a redirect");
  assert.match(r.headers.get("content-type") ?? "", /^text\/html/);
  return r.text();
}

// A 302 to the client's redirect URI with `error`, the request's `state` and `iss` (RFC 9207).
function assertErrorRedirect(r, { redirectUri = REGISTERED, error, state = "st-1" }) {
  assert.equal(r.status, 302, `expected an error redirect, got ${r.status}`);
  const to = new URL(r.headers.get("location"));
  assert.equal(`${to.origin}${to.pathname}`, redirectUri);
  assert.equal(to.searchParams.get("error"), error);
  assert.equal(to.searchParams.get("state"), state);
  assert.equal(to.searchParams.get("iss"), w.url);
  assert.equal(to.searchParams.get("code"), null);
  return to;
}

// An RFC 6749 §5.2 error: status, `error`, a description, no-store.
function assertOAuthError(r, status, error) {
  assert.equal(r.status, status, r.text);
  assert.equal(r.json?.error, error, r.text);
  assert.equal(typeof r.json.error_description, "string");
  assert.equal(r.headers.get("cache-control"), "no-store");
}

// A fresh authorization code for `client` (consent approved, signed in at the stand-in).
async function codeFor(client, { login = "octocat", redirectUri = client.redirect_uris[0], resource, jar } = {}) {
  const { verifier, challenge } = pkce();
  const { location } = await authorizeInBrowser(w.url, { client, login, challenge, redirectUri, resource, jar });
  const code = location.searchParams.get("code");
  assert.ok(code, String(location));
  return { code, verifier, redirectUri, location };
}

const redeem = (client, { code, verifier, redirectUri }, extra = {}) =>
  tokenRequest(w.url, { grant_type: "authorization_code", code, redirect_uri: redirectUri, code_verifier: verifier,
    client_id: client.client_id, ...extra });

const initBody = () => rpc("initialize", { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: CLIENT_INFO });

// The browser part up to GitHub's redirect back to /callback: { jar, callback (URL), client }.
async function toCallback(worker = w, { login = "octocat" } = {}) {
  const jar = new CookieJar();
  const client = await registerClient(worker.url);
  const toGitHub = await authorizeToGitHub(jar, authorizeUrl(worker.url, { client, challenge: pkce().challenge, state: "st-cb" }));
  const callback = await pickLoginAtGitHub(jar, toGitHub, login);
  return { jar, callback, client };
}

// What no page may show: the GitHub client secret, a GitHub token.
function assertNoSecrets(text, worker = w) {
  assert.ok(!text.includes(worker.github.clientSecret), "the GitHub client secret leaked into a page");
  assert.doesNotMatch(text, /gho_[A-Za-z0-9]{36}/, "a GitHub token leaked into a page");
}

// --- /authorize ---------------------------------------------------------------------------------

describe("authorize", () => {
  let client;
  before(async () => { client = await registerClient(w.url); });

  test("authorize: an unknown client gets an error page, never a redirect", async () => {
    const r = await authorize({ client_id: "no-such-client", redirect_uris: ["https://evil.example/cb"] },
      { redirect_uri: "https://evil.example/cb" });
    const html = await assertErrorPage(r, 400);
    assert.doesNotMatch(html, /evil\.example/);
    // Whatever the request held is escaped if the page shows it.
    const scripted = await authorize({ client_id: "<script>alert(1)</script>", redirect_uris: [REGISTERED] });
    assert.ok(!(await assertErrorPage(scripted, 400)).includes("<script>alert"));
  });

  test("authorize: a redirect_uri the client did not register gets an error page", async () => {
    for (const redirectUri of ["https://evil.example/callback", "http://127.0.0.1:9/other", "http://127.0.0.1:9/callback?x=1",
      "http://localhost:9/callback", "http://127.0.0.1:9/callback#f", "https://127.0.0.1:9/callback"]) {
      const r = await authorize(client, { redirect_uri: redirectUri });
      await assertErrorPage(r, 400).catch((e) => { throw new Error(`${redirectUri}: ${e.message}`); });
    }
  });

  test("authorize: a loopback redirect_uri matches on any port", async () => {
    const presented = "http://127.0.0.1:51234/callback";
    const got = await codeFor(client, { redirectUri: presented });
    assert.equal(`${got.location.origin}${got.location.pathname}`, presented);
    const r = await redeem(client, got);
    assert.equal(r.status, 200, r.text);
    // Only loopback http: an https URI must match exactly, port included.
    const web = await registerClient(w.url, { redirect_uris: ["https://client.example/cb"] });
    await assertErrorPage(await authorize(web, { redirect_uri: "https://client.example:8443/cb" }), 400);
  });

  test("authorize: PKCE plain is refused with invalid_request and state and iss", async () => {
    const { verifier } = pkce();
    assertErrorRedirect(await authorize(client, { code_challenge: verifier, code_challenge_method: "plain" }), { error: "invalid_request" });
    // RFC 7636 §4.3: a missing method means plain.
    assertErrorRedirect(await authorize(client, { code_challenge_method: undefined }), { error: "invalid_request" });
  });

  test("authorize: a request without code_challenge is refused with invalid_request and state and iss", async () => {
    assertErrorRedirect(await authorize(client, { code_challenge: undefined, code_challenge_method: undefined }), { error: "invalid_request" });
  });

  test("authorize: a resource on another origin is invalid_target", async () => {
    const other = `http://127.0.0.1:${w.port === 65535 ? 1 : w.port + 1}`;
    for (const resource of ["https://evil.example/mcp", `${other}/mcp`, `http://localhost:${w.port}/mcp`,
      `${w.url}@evil.example/mcp`, `http://evil.example/${w.url}/mcp`, `${w.url}/mcp#fragment`, "mcp", "/mcp"]) {
      assertErrorRedirect(await authorize(client, { resource }), { error: "invalid_target" });
    }
    // This origin, or a path under it, is a valid resource.
    for (const resource of [w.url, `${w.url}/mcp`, `${w.url}/sse`]) {
      const r = await authorize(client, { resource });
      assert.equal(r.status, 200, `${resource}: ${r.status}`);
      await r.body?.cancel();
    }
  });

  test("authorize: a request without state comes back without state, and with iss", async () => {
    const { challenge, verifier } = pkce();
    const back = await completeInBrowser(new CookieJar(), authorizeUrl(w.url, { client, challenge }));
    assert.equal(back.searchParams.has("state"), false, String(back));
    assert.equal(back.searchParams.get("iss"), w.url);
    const r = await redeem(client, { code: back.searchParams.get("code"), verifier, redirectUri: REGISTERED });
    assert.equal(r.status, 200, r.text);
  });

  test("authorize: redirects back keep the query of the registered redirect URI", async () => {
    const withQuery = await registerClient(w.url, { redirect_uris: ["https://client.example/cb?tenant=a&x=%2F"] });
    const to = assertErrorRedirect(await authorize(withQuery, { response_type: "token" }),
      { redirectUri: "https://client.example/cb", error: "unsupported_response_type" });
    assert.equal(to.searchParams.get("tenant"), "a");
    assert.equal(to.searchParams.get("x"), "/");
    assert.ok(to.href.startsWith("https://client.example/cb?tenant=a&x=%2F&"), to.href);
  });

  test("authorize: a response_type other than code is unsupported_response_type", async () => {
    assertErrorRedirect(await authorize(client, { response_type: "token" }), { error: "unsupported_response_type" });
  });

  test("authorize: a repeated parameter is invalid_request", async () => {
    const q = `response_type=code&client_id=${encodeURIComponent(client.client_id)}&redirect_uri=${encodeURIComponent(REGISTERED)}` +
      `&state=st-1&code_challenge=${pkce().challenge}&code_challenge=${pkce().challenge}&code_challenge_method=S256`;
    assertErrorRedirect(await fetch(`${w.url}/authorize?${q}`, { redirect: "manual" }), { error: "invalid_request" });
  });
});

// --- the consent page ---------------------------------------------------------------------------

describe("consent", () => {
  let client;
  before(async () => { client = await registerClient(w.url); });

  // The consent page for `c` in `jar`: { html, response }.
  async function consentPage(c = client, jar = new CookieJar(), params = {}) {
    const response = await authorize(c, params, jar);
    assert.equal(response.status, 200);
    return { html: await response.text(), response, jar };
  }

  test("consent: the page escapes the client name (<script> in client_name)", async () => {
    const name = `<script>alert("pwned")</script><img src=x onerror=alert(1)>'&`;
    const evil = await registerClient(w.url, { client_name: name, redirect_uris: [REGISTERED, "https://client.example/cb?a=1&b=2"] });
    const { html } = await consentPage(evil);
    assert.ok(!html.includes("<script>alert"), "the raw <script> tag is in the page");
    assert.ok(!html.includes("<img src=x"), "the raw <img> tag is in the page");
    assert.ok(html.includes("&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;"), "the name, escaped");
    assert.ok(html.includes(evil.client_id));
    assert.ok(html.includes("https://client.example/cb?a=1&amp;b=2"), "redirect URIs are escaped");
    assert.ok(!html.includes("cb?a=1&b=2"));
  });

  test("consent: a POST without the CSRF cookie is refused (403)", async () => {
    const { html, jar } = await consentPage();
    const fields = { request: hiddenField(html, "request"), csrf: hiddenField(html, "csrf"), action: "approve" };
    const post = (headers) => fetch(`${w.url}/authorize`, { method: "POST", redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, body: new URLSearchParams(fields) });
    await assertErrorPage(await post({}), 403);
    // A cookie that differs from the form's token is no better.
    await assertErrorPage(await post({ cookie: "__Host-mcp-csrf=somebody-elses-token" }), 403);
    // The same form from the browser that got the page is accepted.
    const ok = await submitConsent(w.url, jar, html);
    assert.equal(ok.status, 302);
  });

  test("consent: an altered request field is refused", async () => {
    const { html, jar } = await consentPage();
    const signed = hiddenField(html, "request");
    const [payload, mac] = signed.split(".");
    const request = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    assert.ok(JSON.stringify(request).includes(REGISTERED), JSON.stringify(request));
    const altered = JSON.parse(JSON.stringify(request).replaceAll(REGISTERED, "https://evil.example/cb"));
    const forged = `${Buffer.from(JSON.stringify(altered)).toString("base64url")}.${mac}`;
    const body = new URLSearchParams({ request: forged, csrf: hiddenField(html, "csrf"), action: "approve" });
    const r = await browse(jar, `${w.url}/authorize`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
    await assertErrorPage(r, 400);
    // A flipped MAC character too.
    const flipped = signed.slice(0, -2) + (signed.at(-2) === "A" ? "B" : "A") + signed.at(-1);
    const body2 = new URLSearchParams({ request: flipped, csrf: hiddenField(html, "csrf"), action: "approve" });
    const r2 = await browse(jar, `${w.url}/authorize`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: body2 });
    await assertErrorPage(r2, 400);
  });

  test("consent: the CSRF cookie is a __Host- cookie (Secure, Path=/, no Domain, HttpOnly) and the form carries the same token", async () => {
    const { html, response } = await consentPage();
    const [cookie] = response.headers.getSetCookie().filter((c) => c.startsWith("__Host-mcp-csrf="));
    assert.ok(cookie, response.headers.getSetCookie().join("\n"));
    const attrs = cookie.split(";").map((a) => a.trim().toLowerCase());
    assert.ok(attrs.includes("secure") && attrs.includes("path=/") && attrs.includes("httponly"), cookie);
    assert.ok(!attrs.some((a) => a.startsWith("domain=")), cookie);
    assert.ok(attrs.some((a) => a === "samesite=lax" || a === "samesite=strict"), cookie);
    const value = cookie.split(";")[0].slice("__Host-mcp-csrf=".length);
    assert.ok(value.length >= 32);
    assert.equal(hiddenField(html, "csrf"), value);
  });

  test("consent: a forged approvals cookie does not skip the page", async () => {
    const ids = Buffer.from(JSON.stringify([client.client_id])).toString("base64url");
    for (const forged of [ids, `${ids}.${Buffer.alloc(32).toString("base64url")}`, JSON.stringify([client.client_id])]) {
      const r = await fetch(authorizeUrl(w.url, { client, challenge: pkce().challenge, state: "st-1" }),
        { headers: { cookie: `__Host-mcp-approved=${forged}` }, redirect: "manual" });
      assert.equal(r.status, 200, `cookie ${forged}: ${r.status} ${r.headers.get("location")}`);
      await r.body?.cancel();
    }
  });

  test("consent: the browser remembers the 10 most recently approved clients", async () => {
    const jar = new CookieJar();
    const clients = [];
    for (let i = 0; i < 11; i++) {
      const c = await registerClient(w.url);
      clients.push(c);
      const { html } = await consentPage(c, jar);
      const approved = await submitConsent(w.url, jar, html);
      assert.equal(approved.status, 302);
    }
    const skips = async (c) => {
      const r = await authorize(c, {}, jar);
      await r.body?.cancel();
      return r.status === 302;
    };
    assert.equal(await skips(clients[0]), false, "the oldest of 11 is forgotten");
    for (const c of clients.slice(1)) assert.equal(await skips(c), true, c.client_id);
  });

  test("consent: Deny returns access_denied with state and iss", async () => {
    const { html, jar } = await consentPage();
    const r = await submitConsent(w.url, jar, html, "deny");
    assertErrorRedirect(r, { error: "access_denied" });
    assert.equal(jar.get(w.url, "__Host-mcp-approved"), undefined, "a denied client is not remembered");
  });

  test("consent: the page sets frame-ancestors 'none' and X-Frame-Options DENY and no form-action", async () => {
    const { response } = await consentPage();
    const unknownClientPage = await authorize({ client_id: "nope", redirect_uris: [REGISTERED] });
    for (const r of [response, unknownClientPage]) {
      const csp = r.headers.get("content-security-policy") ?? "";
      assert.match(csp, /frame-ancestors 'none'/);
      assert.match(csp, /default-src 'none'/);
      assert.doesNotMatch(csp, /form-action/);
      assert.equal(r.headers.get("x-frame-options"), "DENY");
      assert.equal(r.headers.get("x-content-type-options"), "nosniff");
      assert.equal(r.headers.get("referrer-policy"), "same-origin"); // no-referrer makes browsers post the form with Origin: null
      assert.equal(r.headers.get("cache-control"), "no-store");
    }
    await unknownClientPage.body?.cancel();
  });

  test("consent: an approved client skips the page next time in the same browser", async () => {
    const jar = new CookieJar();
    await codeFor(client, { jar }); // approves once
    const again = await authorize(client, {}, jar);
    assert.equal(again.status, 302);
    assert.ok(again.headers.get("location").startsWith(`${w.github.oauthUrl}/authorize?`), again.headers.get("location"));
    // Another browser, or another client in this browser, gets the page.
    const elsewhere = await authorize(client, {}, new CookieJar());
    assert.equal(elsewhere.status, 200);
    await elsewhere.body?.cancel();
    const otherClient = await authorize(await registerClient(w.url), {}, jar);
    assert.equal(otherClient.status, 200);
    await otherClient.body?.cancel();
  });
});

// --- /token -------------------------------------------------------------------------------------

describe("token", () => {
  let client;
  before(async () => { client = await registerClient(w.url); });

  test("token: a code is single use and its replay revokes the tokens of the first exchange", async () => {
    const got = await codeFor(client);
    const first = await redeem(client, got);
    assert.equal(first.status, 200, first.text);
    const token = first.json.access_token;
    assert.equal((await post(w.url, initBody(), { token })).status, 200);
    // A token refreshed from that exchange is "issued from it" as well.
    const refreshed = await tokenRequest(w.url, { grant_type: "refresh_token", refresh_token: first.json.refresh_token, client_id: client.client_id });
    assert.equal(refreshed.status, 200, refreshed.text);
    assert.equal((await post(w.url, initBody(), { token: refreshed.json.access_token })).status, 200);
    const replay = await redeem(client, got);
    assertOAuthError(replay, 400, "invalid_grant");
    for (const t of [token, refreshed.json.access_token]) {
      const after = await post(w.url, initBody(), { token: t });
      assert.equal(after.status, 401, after.text);
      assert.match(after.headers.get("www-authenticate"), /error="invalid_token"/);
    }
    const refresh = await tokenRequest(w.url, { grant_type: "refresh_token", refresh_token: refreshed.json.refresh_token, client_id: client.client_id });
    assertOAuthError(refresh, 400, "invalid_grant");
  });

  test("token: a wrong code_verifier is invalid_grant", async () => {
    const got = await codeFor(client);
    assertOAuthError(await redeem(client, { ...got, verifier: pkce().verifier }), 400, "invalid_grant");
    // RFC 7636 §4.1: 43 to 128 unreserved characters; the right verifier cut to 42 is refused too.
    assertOAuthError(await redeem(client, { ...got, verifier: got.verifier.slice(0, 42) }), 400, "invalid_grant");
  });

  test("token: a redirect_uri different from the authorization request's is invalid_grant; omitting it is allowed (PKCE)", async () => {
    // Authorized for the loopback URI on port 51234; the registered port-9 URI is another URI.
    const got = await codeFor(client, { redirectUri: "http://127.0.0.1:51234/callback" });
    assertOAuthError(await redeem(client, { ...got, redirectUri: REGISTERED }), 400, "invalid_grant");
    // As workers-oauth-provider 1.2.3: every code is PKCE-bound, so redirect_uri may be left out.
    const missing = await tokenRequest(w.url, { grant_type: "authorization_code", code: got.code, code_verifier: got.verifier, client_id: client.client_id });
    assert.equal(missing.status, 200, missing.text);
  });

  test("token: another client cannot redeem the code", async () => {
    const got = await codeFor(client);
    const thief = await registerClient(w.url);
    assertOAuthError(await redeem(thief, got), 400, "invalid_grant");
  });

  test("token: a confidential client must authenticate (basic and post; wrong secret -> 401 invalid_client with Basic challenge)", async () => {
    const basicClient = await registerClient(w.url, { token_endpoint_auth_method: "client_secret_basic" });
    assert.ok(basicClient.client_secret);
    const basic = (id, secret) => ({ authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}` });
    const fields = (got, extra = {}) => ({ grant_type: "authorization_code", code: got.code, redirect_uri: got.redirectUri,
      code_verifier: got.verifier, ...extra });

    let got = await codeFor(basicClient);
    assertOAuthError(await tokenRequest(w.url, fields(got, { client_id: basicClient.client_id })), 401, "invalid_client");
    const wrong = await tokenRequest(w.url, fields(got), { headers: basic(basicClient.client_id, "not-the-secret") });
    assertOAuthError(wrong, 401, "invalid_client");
    assert.match(wrong.headers.get("www-authenticate") ?? "", /^Basic\b/i);
    // The secret in the body is another method than the one registered.
    assertOAuthError(await tokenRequest(w.url, fields(got, { client_id: basicClient.client_id, client_secret: basicClient.client_secret })),
      401, "invalid_client");
    got = await codeFor(basicClient);
    const ok = await tokenRequest(w.url, fields(got), { headers: basic(basicClient.client_id, basicClient.client_secret) });
    assert.equal(ok.status, 200, ok.text);

    const postClient = await registerClient(w.url, { token_endpoint_auth_method: "client_secret_post" });
    got = await codeFor(postClient);
    assertOAuthError(await tokenRequest(w.url, fields(got, { client_id: postClient.client_id, client_secret: "not-the-secret" })),
      401, "invalid_client");
    assertOAuthError(await tokenRequest(w.url, fields(got, { client_id: postClient.client_id })), 401, "invalid_client");
    // A public client presenting a secret is not "none" either.
    const publicGot = await codeFor(client);
    const publicBasic = await tokenRequest(w.url, fields(publicGot), { headers: basic(client.client_id, "made-up") });
    assertOAuthError(publicBasic, 401, "invalid_client");
    assert.match(publicBasic.headers.get("www-authenticate") ?? "", /^Basic\b/i);
    got = await codeFor(postClient);
    const okPost = await tokenRequest(w.url, fields(got, { client_id: postClient.client_id, client_secret: postClient.client_secret }));
    assert.equal(okPost.status, 200, okPost.text);
  });

  test("token: a refresh token rotates: the new one and the one it replaced work; a retired one ends the grant", async () => {
    const got = await codeFor(client);
    const first = await redeem(client, got);
    const refresh = (token, c = client) => tokenRequest(w.url, { grant_type: "refresh_token", refresh_token: token, client_id: c.client_id });
    const r1 = first.json.refresh_token;
    const second = await refresh(r1);
    assert.equal(second.status, 200, second.text);
    const r2 = second.json.refresh_token;
    assert.notEqual(r2, r1);
    assert.equal((await post(w.url, initBody(), { token: second.json.access_token })).status, 200);
    const third = await refresh(r2); // r2 is current; r2 becomes "previous"
    assert.equal(third.status, 200, third.text);
    const again = await refresh(r2); // the just-replaced one still works (a client that lost the answer)
    assert.equal(again.status, 200, again.text);
    // r1 was rotated away: presenting it is a replay (RFC 9700 §4.14.2) and ends the grant.
    assertOAuthError(await refresh(r1), 400, "invalid_grant");
    assertOAuthError(await refresh(again.json.refresh_token), 400, "invalid_grant");
    assert.equal((await post(w.url, initBody(), { token: again.json.access_token })).status, 401);
  });

  test("token: a refresh token works only for its client, and scope may only narrow", async () => {
    const jar = new CookieJar();
    const { challenge, verifier } = pkce();
    const back = await completeInBrowser(jar, authorizeUrl(w.url, { client, challenge, state: "sc", extraQuery: { scope: "read write" } }));
    const tokens = await redeem(client, { code: back.searchParams.get("code"), verifier, redirectUri: REGISTERED });
    assert.equal(tokens.status, 200, tokens.text);
    const other = await registerClient(w.url);
    assertOAuthError(await tokenRequest(w.url, { grant_type: "refresh_token", refresh_token: tokens.json.refresh_token, client_id: other.client_id }),
      400, "invalid_grant");
    assertOAuthError(await tokenRequest(w.url, { grant_type: "refresh_token", refresh_token: tokens.json.refresh_token, client_id: client.client_id,
      scope: "read admin" }), 400, "invalid_scope");
    const narrowed = await tokenRequest(w.url, { grant_type: "refresh_token", refresh_token: tokens.json.refresh_token, client_id: client.client_id,
      scope: "read" });
    assert.equal(narrowed.status, 200, narrowed.text);
  });

  test("token: errors carry Cache-Control no-store", async () => {
    const cases = [
      await tokenRequest(w.url, { grant_type: "authorization_code", code: "octocat:AAAAAAAAAAAAAAAA:" + "A".repeat(32),
        redirect_uri: REGISTERED, code_verifier: pkce().verifier, client_id: client.client_id }),
      await tokenRequest(w.url, { grant_type: "authorization_code", code: "x", client_id: "no-such-client" }),
      await tokenRequest(w.url, { grant_type: "password", username: "u", password: "p", client_id: client.client_id }),
      await tokenRequest(w.url, { code: "x", client_id: client.client_id }),
    ];
    for (const r of cases) {
      assert.ok(r.status >= 400, r.text);
      assert.equal(r.headers.get("cache-control"), "no-store", r.text);
      assert.equal(r.headers.get("pragma"), "no-cache", r.text);
      assert.match(r.headers.get("content-type"), /^application\/json/);
      assert.equal(typeof r.json.error, "string");
    }
  });

  test("token: JSON bodies are refused (form only)", async () => {
    const got = await codeFor(client);
    const r = await fetch(`${w.url}/token`, { method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ grant_type: "authorization_code", code: got.code, redirect_uri: got.redirectUri, code_verifier: got.verifier,
        client_id: client.client_id }) });
    const json = await r.json();
    assert.equal(r.status, 400);
    assert.equal(json.error, "invalid_request");
    assert.equal(r.headers.get("cache-control"), "no-store");
  });

  test("token: a parameter given twice is invalid_request", async () => {
    const got = await codeFor(client);
    const body = `grant_type=authorization_code&code=${encodeURIComponent(got.code)}&code=${encodeURIComponent(got.code)}` +
      `&redirect_uri=${encodeURIComponent(got.redirectUri)}&code_verifier=${got.verifier}&client_id=${encodeURIComponent(client.client_id)}`;
    const r = await fetch(`${w.url}/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
    assert.equal(r.status, 400);
    assert.equal((await r.json()).error, "invalid_request");
  });
});

// --- revocation (RFC 7009, at the advertised revocation_endpoint) ---------------------------------

describe("revoke", () => {
  let client, revocationEndpoint;
  before(async () => {
    client = await registerClient(w.url);
    revocationEndpoint = (await (await fetch(`${w.url}/.well-known/oauth-authorization-server`)).json()).revocation_endpoint;
  });
  const revoke = (fields, headers = {}) => fetch(revocationEndpoint, { method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, body: new URLSearchParams(fields) });
  const works = async (token) => (await post(w.url, initBody(), { token })).status === 200;
  const tokensFor = async (c) => (await redeem(c, await codeFor(c))).json;

  // Each token is used first, so the isolate has it in its cache (app/auth_cache.hpp): revocation
  // must still take effect at once in the isolate that revoked.
  test("revoke: an access token ends alone, at once; its refresh token still works", async () => {
    const t = await tokensFor(client);
    assert.equal(await works(t.access_token), true);
    const r = await revoke({ token: t.access_token, token_type_hint: "access_token", client_id: client.client_id });
    assert.equal(r.status, 200, await r.text());
    assert.equal(await works(t.access_token), false);
    const refreshed = await tokenRequest(w.url, { grant_type: "refresh_token", refresh_token: t.refresh_token, client_id: client.client_id });
    assert.equal(refreshed.status, 200, refreshed.text);
    assert.equal(await works(refreshed.json.access_token), true);
  });

  test("revoke: a refresh token ends its grant and every token of it", async () => {
    const t = await tokensFor(client);
    const refreshed = await tokenRequest(w.url, { grant_type: "refresh_token", refresh_token: t.refresh_token, client_id: client.client_id });
    assert.equal(refreshed.status, 200, refreshed.text);
    assert.equal(await works(t.access_token), true);
    assert.equal(await works(refreshed.json.access_token), true);
    const r = await revoke({ token: refreshed.json.refresh_token, client_id: client.client_id });
    assert.equal(r.status, 200, await r.text());
    assert.equal(await works(t.access_token), false);
    assert.equal(await works(refreshed.json.access_token), false);
    for (const rt of [t.refresh_token, refreshed.json.refresh_token]) {
      assertOAuthError(await tokenRequest(w.url, { grant_type: "refresh_token", refresh_token: rt, client_id: client.client_id }), 400, "invalid_grant");
    }
  });

  test("revoke: any token answers 200, and another client's token stays valid", async () => {
    const t = await tokensFor(client);
    const other = await registerClient(w.url);
    for (const token of ["garbage", `octocat:AAAAAAAAAAAAAAAA:${"A".repeat(32)}`, t.access_token, t.refresh_token]) {
      const r = await revoke({ token, client_id: other.client_id });
      assert.equal(r.status, 200, `${token}: ${r.status}`);
      await r.body?.cancel();
    }
    assert.equal(await works(t.access_token), true, "another client cannot revoke it");
  });

  test("revoke: failed client authentication is 401 invalid_client; a request without token is 400", async () => {
    const confidential = await registerClient(w.url, { token_endpoint_auth_method: "client_secret_basic" });
    const t = await tokensFor(client);
    const basic = `Basic ${Buffer.from(`${confidential.client_id}:wrong`).toString("base64")}`;
    const bad = await revoke({ token: t.access_token }, { authorization: basic });
    assert.equal(bad.status, 401);
    assert.equal((await bad.json()).error, "invalid_client");
    const unknown = await revoke({ token: t.access_token, client_id: "no-such-client" });
    assert.equal(unknown.status, 401);
    await unknown.body?.cancel();
    const none = await revoke({ client_id: client.client_id });
    assert.equal(none.status, 400);
    assert.equal((await none.json()).error, "invalid_request");
    assert.equal(await works(t.access_token), true);
  });
});

// --- /register ----------------------------------------------------------------------------------

describe("register", () => {
  test("register: javascript:, data:, file:, fragments and userinfo are refused with invalid_redirect_uri", async () => {
    const long = `javascript:alert(1)//${"a".repeat(300)}`;
    for (const uri of ["javascript:alert(1)", "JAVASCRIPT:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
      "data:text/html,<script>alert(\"x\")</script>", "file:///etc/passwd", "vbscript:msgbox", "https://client.example/cb#fragment",
      "https://user@client.example/cb", "https://user:pass@client.example/cb", "http://client.example/cb", "http://evil\\.localhost/cb", long]) {
      const r = await register(w.url, { redirect_uris: [REGISTERED, uri], token_endpoint_auth_method: "none" });
      assertOAuthError(r, 400, "invalid_redirect_uri");
      // The description names the field, echoes at most 100 characters of the value, and uses only
      // the characters RFC 6749 §5.2 allows (client_metadata.hpp rule 2).
      const d = r.json.error_description;
      assert.match(d, /redirect_uris\[1\]/, d);
      assert.match(d, /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/, d);
      assert.ok(!d.includes(long.slice(0, 101)), d);
    }
  });

  test("register: malformed URIs are refused with invalid_redirect_uri (bad escapes, ports, hosts, non-ASCII, whitespace, length)", async () => {
    for (const uri of ["https://client.example/%zz", "https://client.example:70000/cb", "https://client.example:123456/cb",
      "https://exa mple.com/cb", "https://client.example/cb path", "https://clïent.example/cb", "https://client.example/cb\n",
      "https://[client.example]/cb", "https:///cb", `https://client.example/${"a".repeat(2048)}`, "not a uri", ""]) {
      const r = await register(w.url, { redirect_uris: [uri], token_endpoint_auth_method: "none" });
      assertOAuthError(r, 400, "invalid_redirect_uri");
    }
    for (const uris of [[], Array.from({ length: 21 }, (_, i) => `https://client.example/cb${i}`)]) {
      assertOAuthError(await register(w.url, { redirect_uris: uris, token_endpoint_auth_method: "none" }), 400, "invalid_redirect_uri");
    }
  });

  test("register: https, loopback http (any loopback host) and private-use schemes (cursor://, com.example.app:/) are accepted", async () => {
    const uris = ["https://client.example/cb", "http://localhost:3000/cb", "http://127.0.0.1/cb", "http://[::1]:8080/cb",
      "http://app.localhost/cb", "cursor://anysphere.cursor-retrieval/oauth/callback", "com.example.app:/oauth2redirect",
      "vscode://vscode.github-authentication/did-authenticate"];
    const r = await register(w.url, { redirect_uris: uris, token_endpoint_auth_method: "none" });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.json.redirect_uris, uris);
  });

  test("register: client_uri, logo_uri, policy_uri and tos_uri must be https (or loopback http) URLs", async () => {
    for (const field of ["client_uri", "logo_uri", "policy_uri", "tos_uri"]) {
      for (const bad of ["javascript:alert(1)", "data:image/png;base64,AAAA", "http://evil.example/x", "https://user@evil.example/x",
        "https:///nohost"]) {
        const r = await register(w.url, { redirect_uris: [REGISTERED], token_endpoint_auth_method: "none", [field]: bad });
        assertOAuthError(r, 400, "invalid_client_metadata");
        assert.match(r.json.error_description, new RegExp(field), r.json.error_description);
      }
      const ok = await register(w.url, { redirect_uris: [REGISTERED], token_endpoint_auth_method: "none", [field]: "https://client.example/page#top" });
      assert.equal(ok.status, 201, ok.text);
    }
  });

  test("register: unknown fields are ignored, and nulls and empty optional URIs count as absent", async () => {
    const r = await register(w.url, { redirect_uris: [REGISTERED], token_endpoint_auth_method: "none", software_statement: "eyJ...",
      jwks: { keys: [] }, x_vendor: { nested: [1, 2] }, client_uri: null, logo_uri: "", scope: null, client_name: null, contacts: null });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.logo_uri, undefined);
    assert.equal(r.json.software_statement, undefined);
  });

  test("register: unknown scopes like openid email profile are tolerated", async () => {
    const r = await register(w.url, { redirect_uris: [REGISTERED], token_endpoint_auth_method: "none", scope: "openid email profile" });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.scope, "openid email profile");
    const page = await authorize(r.json, { scope: "openid email profile" });
    assert.equal(page.status, 200);
    await page.body?.cancel();
  });

  test("register: a confidential client gets a secret once with client_secret_expires_at", async () => {
    const r = await register(w.url, { redirect_uris: [REGISTERED], client_name: "confidential" });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.headers.get("cache-control"), "no-store");
    assert.equal(r.json.token_endpoint_auth_method, "client_secret_basic");
    assert.match(r.json.client_secret, /^[A-Za-z0-9_-]{32}$/);
    // The registration ends after 90 days unless used (renewed at half-life), and the secret with it.
    assert.equal(r.json.client_secret_expires_at, r.json.client_id_issued_at + 90 * 24 * 3600);
    assert.equal(typeof r.json.client_secret_issued_at, "number");
    // Nothing to read it back with later.
    assert.equal(r.json.registration_access_token, undefined);
    assert.equal(r.json.registration_client_uri, undefined);
    const again = await register(w.url, { redirect_uris: [REGISTERED], client_name: "confidential" });
    assert.notEqual(again.json.client_id, r.json.client_id);
    assert.notEqual(again.json.client_secret, r.json.client_secret);
    const publicClient = await register(w.url, { redirect_uris: [REGISTERED], token_endpoint_auth_method: "none" });
    assert.equal(publicClient.status, 201);
    assert.equal(publicClient.json.client_secret, undefined);
    assert.equal(publicClient.json.client_secret_expires_at, undefined);
  });

  test("register: a body that is not a JSON object, a field of the wrong type or over its limit, an unsupported method or grant is invalid_client_metadata", async () => {
    assertOAuthError(await register(w.url, "[]"), 400, "invalid_client_metadata");
    assertOAuthError(await register(w.url, { redirect_uris: [REGISTERED], client_name: 42 }), 400, "invalid_client_metadata");
    assertOAuthError(await register(w.url, { redirect_uris: [REGISTERED], grant_types: ["implicit"] }), 400, "invalid_client_metadata");
    assertOAuthError(await register(w.url, { redirect_uris: "https://client.example/cb" }), 400, "invalid_client_metadata");
    const plain = await register(w.url, JSON.stringify({ redirect_uris: [REGISTERED] }), { contentType: "text/plain" });
    assert.equal(plain.json?.error, "invalid_client_metadata", plain.text);
    assert.ok(plain.status === 400 || plain.status === 415, plain.text);
    assertOAuthError(await register(w.url, { redirect_uris: [REGISTERED], client_name: "x".repeat(257) }), 400, "invalid_client_metadata");
    assertOAuthError(await register(w.url, { redirect_uris: [REGISTERED], client_name: "tab\there" }), 400, "invalid_client_metadata");
    assertOAuthError(await register(w.url, { redirect_uris: [REGISTERED], token_endpoint_auth_method: "private_key_jwt" }), 400,
      "invalid_client_metadata");
    assertOAuthError(await register(w.url, { redirect_uris: [REGISTERED], grant_types: ["refresh_token"] }), 400, "invalid_client_metadata");
  });

  test("register: a body over 1 MiB is 413", async () => {
    const r = await register(w.url, { redirect_uris: [REGISTERED], client_name: "big", padding: "x".repeat(1024 * 1024) });
    assert.equal(r.status, 413, r.text.slice(0, 200));
    assert.equal(r.json?.error, "invalid_client_metadata");
  });
});

// --- the bearer gate ----------------------------------------------------------------------------

describe("gate", () => {
  let token;
  before(async () => { ({ accessToken: token } = await signIn(w.url)); });
  const prm = (path) => `${w.url}/.well-known/oauth-protected-resource${path}`;

  test("gate: no token -> 401 with WWW-Authenticate naming the /mcp document and no error", async () => {
    for (const r of [await post(w.url, initBody()), await fetch(`${w.url}/mcp`, { method: "DELETE", headers: { "mcp-session-id": "s1.x.y" } })]) {
      assert.equal(r.status, 401);
      const challenge = r.headers.get("www-authenticate");
      assert.equal(challenge, `Bearer realm="OAuth", resource_metadata="${prm("/mcp")}"`);
      assert.doesNotMatch(challenge, /error=/);
      assert.equal(r.headers.get("mcp-session-id"), null);
    }
  });

  test("gate: /sse and /sse/message name the /sse document", async () => {
    const stream = await openSse(w.url);
    assert.equal(stream.status, 401);
    const message = await postMessage(w.url, "s1.x.y", rpc("ping"));
    assert.equal(message.status, 401);
    for (const r of [stream, message]) {
      const challenge = r.headers.get("www-authenticate");
      assert.equal(challenge, `Bearer realm="OAuth", resource_metadata="${prm("/sse")}"`);
      assert.doesNotMatch(challenge, /error=/);
    }
  });

  test("gate: a wrong token -> 401 error=invalid_token", async () => {
    const [user, grant, secret] = token.split(":");
    const changed = `${user}:${grant}:${secret.slice(0, -1)}${secret.at(-1) === "A" ? "B" : "A"}`;
    for (const wrong of ["garbage", `${user}:AAAAAAAAAAAAAAAA:${"A".repeat(32)}`, changed, `hubot:${grant}:${secret}`]) {
      const r = await post(w.url, initBody(), { token: wrong });
      assert.equal(r.status, 401, `${wrong}: ${r.status}`);
      const challenge = r.headers.get("www-authenticate");
      assert.match(challenge, /^Bearer realm="OAuth", resource_metadata="[^"]+\/mcp"/);
      assert.match(challenge, /error="invalid_token"/);
    }
    const sse = await openSse(w.url, { token: changed });
    assert.equal(sse.status, 401);
    assert.match(sse.headers.get("www-authenticate"), /error="invalid_token"/);
  });

  test("gate: a token in the query string is refused", async () => {
    const q = `access_token=${encodeURIComponent(token)}`;
    const inQuery = await post(w.url, initBody(), { path: `/mcp?${q}` });
    assert.equal(inQuery.status, 400, inQuery.text);
    assert.equal(inQuery.headers.get("mcp-session-id"), null);
    // Refused outright: even next to a valid header.
    const both = await post(w.url, initBody(), { path: `/mcp?${q}`, token });
    assert.equal(both.status, 400, both.text);
    const sse = await openSse(w.url, { path: `/sse?${q}` });
    assert.equal(sse.status, 400);
  });

  test("gate: an expired token is refused (worker with ACCESS_TOKEN_TTL=1, wait 2 s)", async () => {
    assert.equal(expiring.tokens.expires_in, 1);
    const wait = expiring.issuedAt + 2000 - Date.now();
    if (wait > 0) await sleep(wait);
    const r = await post(short.url, initBody(), { token: expiring.accessToken });
    assert.equal(r.status, 401, r.text);
    assert.match(r.headers.get("www-authenticate"), /error="invalid_token"/);
    assert.match(r.headers.get("www-authenticate"), /expired/);
  });

  test("gate: the Bearer scheme is case-insensitive", async () => {
    for (const scheme of ["Bearer", "bearer", "BEARER", "bEaReR"]) {
      const r = await post(w.url, initBody(), { headers: { authorization: `${scheme} ${token}` } });
      assert.equal(r.status, 200, `${scheme}: ${r.status} ${r.text}`);
    }
  });

  test("gate: a token is good only for its resource: another origin, or another path than the one it was issued for, is invalid_token", async () => {
    // Issued through http://127.0.0.1:<port>; presented to the same worker as localhost:<port>.
    const viaLocalhost = await rawRequest(w.port, { token, headers: { host: `localhost:${w.port}`, "content-type": "application/json", accept: ACCEPT },
      body: initBody() });
    assert.equal(viaLocalhost.status, 401, viaLocalhost.text);
    assert.match(viaLocalhost.headers["www-authenticate"], /error="invalid_token"/);
    // Issued for the resource <origin>/ss: not a path segment prefix of /sse.
    {
      const client = await registerClient(w.url);
      const got = await codeFor(client, { resource: `${w.url}/ss` });
      const tokens = await redeemCode(w.url, { client, code: got.code, verifier: got.verifier });
      const sse = await openSse(w.url, { token: tokens.access_token });
      assert.equal(sse.status, 401);
      assert.match(sse.headers.get("www-authenticate"), /error="invalid_token"/);
    }
    // Issued for the resource <origin>/mcp: good on /mcp, not on /sse.
    const client = await registerClient(w.url);
    const got = await codeFor(client, { resource: `${w.url}/mcp` });
    const tokens = await redeemCode(w.url, { client, code: got.code, verifier: got.verifier });
    assert.equal(tokens.resource, `${w.url}/mcp`);
    const { session } = await openSession(w.url, "2025-06-18", { token: tokens.access_token });
    assert.ok(session);
    const sse = await openSse(w.url, { token: tokens.access_token });
    assert.equal(sse.status, 401);
    assert.match(sse.headers.get("www-authenticate"), /error="invalid_token"/);
  });
});

// --- discovery documents ------------------------------------------------------------------------

describe("metadata", () => {
  const BROWSER_CLIENT = "https://browser-client.example";

  test("metadata: the authorization server document lists issuer, the four endpoints, code with S256 only, both grants, the client authentication methods and iss support", async () => {
    // Public: a browser-based client on any origin may read it (CORS).
    const r = await fetch(`${w.url}/.well-known/oauth-authorization-server`, { headers: { origin: BROWSER_CLIENT } });
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type"), /^application\/json/);
    assert.ok(["*", BROWSER_CLIENT].includes(r.headers.get("access-control-allow-origin")), r.headers.get("access-control-allow-origin"));
    assert.match(r.headers.get("cache-control") ?? "", /max-age=3600/);
    const doc = await r.json();
    assert.equal(doc.issuer, w.url);
    assert.equal(doc.authorization_endpoint, `${w.url}/authorize`);
    assert.equal(doc.token_endpoint, `${w.url}/token`);
    assert.equal(doc.registration_endpoint, `${w.url}/register`);
    assert.ok(doc.revocation_endpoint?.startsWith(`${w.url}/`), doc.revocation_endpoint);
    assert.deepEqual(doc.response_types_supported, ["code"]);
    assert.deepEqual(doc.response_modes_supported, ["query"]);
    assert.deepEqual([...doc.grant_types_supported].sort(), ["authorization_code", "refresh_token"]);
    assert.deepEqual(doc.code_challenge_methods_supported, ["S256"]);
    assert.deepEqual([...doc.token_endpoint_auth_methods_supported].sort(), ["client_secret_basic", "client_secret_post", "none"]);
    assert.equal(doc.authorization_response_iss_parameter_supported, true);
  });

  test("metadata: protected resource documents for /, /mcp and /sse", async () => {
    for (const [suffix, resource] of [["", w.url], ["/mcp", `${w.url}/mcp`], ["/sse", `${w.url}/sse`]]) {
      const r = await fetch(`${w.url}/.well-known/oauth-protected-resource${suffix}`, { headers: { origin: BROWSER_CLIENT } });
      assert.equal(r.status, 200, suffix);
      assert.ok(["*", BROWSER_CLIENT].includes(r.headers.get("access-control-allow-origin")), r.headers.get("access-control-allow-origin"));
      assert.match(r.headers.get("cache-control") ?? "", /max-age=3600/);
      const doc = await r.json();
      assert.equal(doc.resource, resource);
      assert.deepEqual(doc.authorization_servers, [w.url]);
      assert.deepEqual(doc.bearer_methods_supported, ["header"]);
    }
    const other = await fetch(`${w.url}/.well-known/oauth-protected-resource/other`);
    assert.equal(other.status, 404);
    await other.body?.cancel();
  });
});

// --- configuration ------------------------------------------------------------------------------

describe("config", () => {
  let unconfigured;
  before(async () => { unconfigured = await startWorker({ secrets: { GITHUB_CLIENT_SECRET: null } }); });
  after(async () => { await unconfigured?.stop(); });

  test("config: a worker missing GITHUB_CLIENT_SECRET shows a configuration page and signs nobody in", async () => {
    const url = unconfigured.url;
    const client = { client_id: "any-client", redirect_uris: [REGISTERED] };
    const jar = new CookieJar();
    const pages = [
      await browse(jar, authorizeUrl(url, { client, challenge: pkce().challenge, state: "st-1" })),
      await browse(jar, `${url}/authorize`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ request: "x", csrf: "y", action: "approve" }) }),
      await browse(jar, `${url}/callback?state=${"s".repeat(32)}&code=abc`),
    ];
    for (const r of pages) {
      const html = await assertErrorPage(r, 500);
      assert.match(html, /GITHUB_CLIENT_SECRET/);
      assert.ok(!html.includes(unconfigured.github.clientId), "the page shows a configured value");
      assert.deepEqual(r.headers.getSetCookie(), []);
    }
    assert.deepEqual(await unconfigured.github.control.requests(), [], "nobody was sent to GitHub");
    // The MCP routes stay closed.
    const mcp = await post(url, initBody());
    assert.equal(mcp.status, 401);
  });
});

// --- /callback ----------------------------------------------------------------------------------

describe("callback", () => {
  test("callback: a state not bound to this browser's cookie is refused", async () => {
    const victim = await toCallback();
    // The attacker's browser (no state cookie), and a browser holding another sign-in's cookie.
    await assertErrorPage(await browse(new CookieJar(), victim.callback.href), 400);
    const other = await toCallback();
    await assertErrorPage(await browse(other.jar, victim.callback.href), 400);
  });

  test("callback: a state is single-use", async () => {
    const { jar, callback } = await toCallback();
    const cookie = jar.header(w.url); // as the browser sent it the first time
    const first = await fetch(callback.href, { headers: { cookie }, redirect: "manual" });
    assert.equal(first.status, 302, await first.clone().text());
    assert.ok(new URL(first.headers.get("location")).searchParams.get("code"));
    // The answer clears the browser's state cookie (github/sign_in.hpp rule 2)...
    assert.match(first.headers.get("set-cookie") ?? "", /__Host-mcp-github-state=;[^,]*Max-Age=0/);
    // ...and a replay that still sends it meets GitHub's single-use code: no second grant.
    const replay = await fetch(callback.href, { headers: { cookie }, redirect: "manual" });
    await assertErrorPage(replay, 400);
  });

  test("callback: GitHub's bad_verification_code (HTTP 200 with error) is a clear page", async () => {
    const { jar, callback } = await toCallback();
    const bogus = new URL(callback);
    bogus.searchParams.set("code", "0123456789abcdef0123");
    await w.github.control.clearRequests();
    const r = await browse(jar, bogus.href);
    const html = await assertErrorPage(r);
    assert.match(html, /bad_verification_code/);
    assertNoSecrets(html);
    const [exchange] = await w.github.control.requests({ path: "/login/oauth/access_token" });
    assert.ok(exchange, "the worker asked GitHub");
    assert.deepEqual(await w.github.control.requests({ path: "/user" }), [], "no user lookup after a refused code");
  });

  test("callback: GitHub timing out or answering garbage is a clear page", { timeout: 40_000 }, async () => {
    for (const [endpoint, mode] of [["access_token", "garbage"], ["access_token", "500"], ["user", "garbage"], ["user", "500"]]) {
      const { jar, callback } = await toCallback();
      await w.github.control.fail(endpoint, mode, { times: 1 });
      const r = await browse(jar, callback.href);
      const html = await assertErrorPage(r).catch((e) => { throw new Error(`${endpoint} ${mode}: ${e.message}`); });
      assert.match(html, /GitHub/, `${endpoint} ${mode}: the page says GitHub failed`);
      assertNoSecrets(html);
    }
    // GitHub hanging on the code exchange (started in before(), against `short`).
    const hung = await hungExchange;
    assert.equal(hung.failed, undefined, `no answer within ${TIMEOUT_SCENARIO_DEADLINE_MS} ms: ${hung.failed}`);
    assert.ok(hung.status >= 400, `${hung.status} ${hung.text}`);
    assert.equal(hung.headers.get("location"), null);
    assert.match(hung.headers.get("content-type") ?? "", /^text\/html/);
    assert.match(hung.text, /GitHub/);
    assertNoSecrets(hung.text, short);
    // The failures were one-shot: signing in works again.
    assert.ok((await signIn(w.url)).accessToken);
  });

  test("callback: cancelling at GitHub returns access_denied to the client with state and iss", async () => {
    const jar = new CookieJar();
    const client = await registerClient(w.url);
    const toGitHub = await authorizeToGitHub(jar, authorizeUrl(w.url, { client, challenge: pkce().challenge, state: "st-1" }));
    const form = new URLSearchParams({ client_id: toGitHub.searchParams.get("client_id"), redirect_uri: toGitHub.searchParams.get("redirect_uri"),
      state: toGitHub.searchParams.get("state"), scope: toGitHub.searchParams.get("scope"), cancel: "1" });
    const back = await browse(jar, `${toGitHub.origin}${toGitHub.pathname}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form });
    assert.equal(back.status, 302);
    assertErrorRedirect(await browse(jar, back.headers.get("location")), { error: "access_denied" });
  });
});

// The whole OAuth 2.1 sign-in with a plain HTTP client, step by step, as an MCP client and its
// user's browser go through it: discovery from the 401, dynamic registration, /authorize and the
// consent page (a cookie-keeping client that submits the form), the GitHub stand-in's sign-in page,
// /callback, the code and PKCE verifier at /token, and then tools/call add over /mcp and over /sse
// with the access token. Nothing is stubbed but GitHub (tests/fakes/github).
//
// The steps are tests that run in order and hand their results on (`flow`): a failing step names
// where the flow broke.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startWorker } from "./support/worker.mjs";
import { ACCEPT, assertOnlyAddTool, CLIENT_INFO, notification, openSession, post, rpc } from "./support/mcp_http.mjs";
import { openSseSession, postMessage } from "./support/sse.mjs";
import { browse, CookieJar, hiddenField, pkce, tokenRequest } from "./support/sign_in.mjs";

let worker;
before(async () => { worker = await startWorker({ vars: { SSE_KEEPALIVE_MS: "300" } }); });
after(async () => { await worker?.stop(); });

describe("sign in with GitHub, then use the tools (plain HTTP client with a cookie jar)", () => {
  const flow = {};
  const jar = new CookieJar();
  const redirectUri = "http://127.0.0.1:33418/oauth/callback"; // the MCP client's loopback listener
  const state = "client-state-+/=&?";

  test("discovery: /mcp without a token is 401, and its resource_metadata leads to the authorization server", async () => {
    const r = await post(worker.url, rpc("initialize", { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: CLIENT_INFO }));
    assert.equal(r.status, 401);
    const challenge = r.headers.get("www-authenticate");
    const m = /resource_metadata="([^"]+)"/.exec(challenge);
    assert.ok(m, challenge);
    const prm = await fetch(m[1]);
    assert.equal(prm.status, 200);
    const resourceDoc = await prm.json();
    assert.equal(resourceDoc.resource, `${worker.url}/mcp`);
    const [issuer] = resourceDoc.authorization_servers;
    assert.equal(issuer, worker.url);
    const as = await fetch(`${issuer}/.well-known/oauth-authorization-server`);
    assert.equal(as.status, 200);
    flow.metadata = await as.json();
    assert.equal(flow.metadata.issuer, issuer);
    assert.deepEqual(flow.metadata.code_challenge_methods_supported, ["S256"]);
  });

  test("registration: a public client registers its loopback redirect URI (201)", async () => {
    const r = await fetch(flow.metadata.registration_endpoint, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ client_name: "Flow Test Client", redirect_uris: [redirectUri], token_endpoint_auth_method: "none",
        grant_types: ["authorization_code", "refresh_token"], response_types: ["code"] }),
    });
    assert.equal(r.status, 201);
    flow.client = await r.json();
    assert.equal(typeof flow.client.client_id, "string");
    assert.deepEqual(flow.client.redirect_uris, [redirectUri]);
    assert.equal(flow.client.token_endpoint_auth_method, "none");
    assert.equal(flow.client.client_secret, undefined, "a public client gets no secret");
  });

  test("authorize: the consent page names the client and sets the CSRF cookie", async () => {
    flow.pkce = pkce();
    const q = new URLSearchParams({ response_type: "code", client_id: flow.client.client_id, redirect_uri: redirectUri, state,
      code_challenge: flow.pkce.challenge, code_challenge_method: "S256", scope: "read" });
    const r = await browse(jar, `${flow.metadata.authorization_endpoint}?${q}`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type"), /^text\/html/);
    const html = await r.text();
    assert.match(html, /Flow Test Client/);
    assert.ok(html.includes(flow.client.client_id));
    assert.ok(html.includes(redirectUri));
    assert.ok(jar.get(worker.url, "__Host-mcp-csrf"), "the CSRF cookie");
    assert.equal(hiddenField(html, "csrf"), jar.get(worker.url, "__Host-mcp-csrf"), "double submit: the same value in the form");
    flow.consentHtml = html;
  });

  test("consent: Approve redirects to GitHub with our client id, /callback, read:user and a state bound to this browser", async () => {
    const body = new URLSearchParams({ request: hiddenField(flow.consentHtml, "request"), csrf: hiddenField(flow.consentHtml, "csrf"), action: "approve" });
    const r = await browse(jar, `${worker.url}/authorize`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
    assert.equal(r.status, 302);
    const toGitHub = new URL(r.headers.get("location"));
    assert.equal(`${toGitHub.origin}${toGitHub.pathname}`, `${worker.github.oauthUrl}/authorize`);
    assert.equal(toGitHub.searchParams.get("client_id"), worker.github.clientId);
    assert.equal(toGitHub.searchParams.get("redirect_uri"), `${worker.url}/callback`);
    assert.equal(toGitHub.searchParams.get("scope"), "read:user");
    const githubState = toGitHub.searchParams.get("state");
    assert.match(githubState, /^[A-Za-z0-9_-]{32}$/);
    assert.notEqual(githubState, state, "GitHub gets the worker's own state, not the client's");
    // The state is bound to this browser: its cookie carries the sign-in, signed (nothing in KV):
    // base64url({state, request, createdAt}) "." base64url(HMAC-SHA256).
    const [payload, mac] = jar.get(worker.url, "__Host-mcp-github-state").split(".");
    const record = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    assert.equal(record.state, githubState);
    assert.equal(record.request.clientId, flow.client.client_id);
    assert.equal(Buffer.from(mac, "base64url").length, 32);
    assert.deepEqual(await (await fetch(`${worker.url}/_test/kv?prefix=oauth:state:`)).json(), [], "no state record in KV");
    assert.ok(jar.get(worker.url, "__Host-mcp-approved"), "the approvals cookie");
    flow.toGitHub = toGitHub;
  });

  test("GitHub: the user signs in as octocat and is sent back to /callback with a code", async () => {
    const page = await browse(jar, flow.toGitHub.href);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /Sign in as octocat/);
    const form = new URLSearchParams({ client_id: flow.toGitHub.searchParams.get("client_id"),
      redirect_uri: flow.toGitHub.searchParams.get("redirect_uri"), state: flow.toGitHub.searchParams.get("state"),
      scope: flow.toGitHub.searchParams.get("scope"), login: "octocat" });
    const r = await browse(jar, `${worker.github.oauthUrl}/authorize`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form });
    assert.equal(r.status, 302);
    const back = new URL(r.headers.get("location"));
    assert.equal(`${back.origin}${back.pathname}`, `${worker.url}/callback`);
    assert.ok(back.searchParams.get("code"));
    assert.equal(back.searchParams.get("state"), flow.toGitHub.searchParams.get("state"));
    flow.callback = back;
  });

  test("callback: the worker redirects to the client with code, the client's state and iss", async () => {
    await worker.github.control.clearRequests();
    const r = await browse(jar, flow.callback.href);
    assert.equal(r.status, 302, await r.clone().text());
    const back = new URL(r.headers.get("location"));
    assert.equal(`${back.origin}${back.pathname}`, redirectUri);
    assert.equal(back.searchParams.get("state"), state);
    assert.equal(back.searchParams.get("iss"), worker.url); // RFC 9207
    assert.equal(back.searchParams.get("error"), null);
    flow.code = back.searchParams.get("code");
    assert.match(flow.code, /^octocat:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$/);
    assert.equal(jar.get(worker.url, "__Host-mcp-github-state"), undefined, "the state cookie is cleared");
    // How the worker spoke to GitHub: the code exchange with JSON, then GET /user with the token.
    const log = await worker.github.control.requests();
    assert.deepEqual(log.map((e) => `${e.method} ${e.path}`), ["POST /login/oauth/access_token", "GET /user"]);
    const [exchange, user] = log;
    assert.match(exchange.headers.accept, /json/);
    assert.equal(exchange.params.client_id, worker.github.clientId);
    assert.equal(exchange.params.redirect_uri, `${worker.url}/callback`);
    assert.equal(user.headers.authorization, "Bearer");
    assert.equal(user.headers["user-agent"], "remote-mcp-github-oauth-cpp");
    assert.equal(user.headers.accept, "application/vnd.github+json");
  });

  test("token: the code and the PKCE verifier give a bearer access token for this origin and a refresh token", async () => {
    const r = await tokenRequest(worker.url, { grant_type: "authorization_code", code: flow.code, redirect_uri: redirectUri,
      code_verifier: flow.pkce.verifier, client_id: flow.client.client_id });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get("cache-control"), "no-store");
    assert.equal(r.json.token_type.toLowerCase(), "bearer");
    assert.equal(r.json.expires_in, 3600);
    assert.equal(r.json.resource, worker.url);
    assert.match(r.json.access_token, /^octocat:/);
    assert.match(r.json.refresh_token, /^octocat:/);
    assert.notEqual(r.json.access_token, r.json.refresh_token);
    flow.tokens = r.json;
  });

  test("MCP over /mcp: initialize, tools/list and tools/call add with the access token", async () => {
    const token = flow.tokens.access_token;
    const { session, protocolVersion } = await openSession(worker.url, "2025-06-18", { token });
    const list = await post(worker.url, rpc("tools/list"), { session, protocolVersion, token });
    assert.equal(list.status, 200, list.text);
    assertOnlyAddTool(list.json.result.tools);
    const call = await post(worker.url, rpc("tools/call", { name: "add", arguments: { a: 19, b: 23 } }), { session, protocolVersion, token });
    assert.equal(call.status, 200, call.text);
    assert.deepEqual(call.json.result.content, [{ type: "text", text: "42" }]);
  });

  test("MCP over /sse: the stream opens with the access token and the reply to tools/call add arrives on it", async () => {
    const token = flow.tokens.access_token;
    const { stream, sessionId } = await openSseSession(worker.url, { token });
    try {
      const init = rpc("initialize", { protocolVersion: "2024-11-05", capabilities: {}, clientInfo: CLIENT_INFO }, "init");
      assert.equal((await postMessage(worker.url, sessionId, init, { token })).status, 202);
      assert.equal((await stream.message((m) => m.id === "init")).result.protocolVersion, "2024-11-05");
      assert.equal((await postMessage(worker.url, sessionId, notification("notifications/initialized"), { token })).status, 202);
      const call = rpc("tools/call", { name: "add", arguments: { a: 2, b: 40 } }, "add");
      assert.equal((await postMessage(worker.url, sessionId, call, { token })).status, 202);
      const reply = await stream.message((m) => m.id === "add");
      assert.deepEqual(reply.result.content, [{ type: "text", text: "42" }]);
    } finally {
      stream.close();
    }
  });

  test("refresh: the refresh token gives a new access token that works, and a new refresh token", async () => {
    const r = await tokenRequest(worker.url, { grant_type: "refresh_token", refresh_token: flow.tokens.refresh_token,
      client_id: flow.client.client_id });
    assert.equal(r.status, 200, r.text);
    assert.notEqual(r.json.access_token, flow.tokens.access_token);
    assert.ok(r.json.refresh_token);
    assert.notEqual(r.json.refresh_token, flow.tokens.refresh_token, "rotated");
    const token = r.json.access_token;
    const init = await post(worker.url, rpc("initialize", { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: CLIENT_INFO }),
      { token, headers: { accept: ACCEPT } });
    assert.equal(init.status, 200, init.text);
  });
});

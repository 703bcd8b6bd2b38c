// One KV namespace, two servers: ours and @cloudflare/workers-oauth-provider 1.2.3 itself (the
// reference worker, tests/compat/reference_worker), both in real workerd with the same
// `--persist-to` directory and the same OAUTH_KV namespace id, so each reads what the other wrote.
// This is the switch docs/storage-schema.md promises: a deployment of Cloudflare's TypeScript
// template moves to this server (or back) on the same namespace and hostname, and nobody
// registers a client or signs in again.
//
// Both answer as one origin, as they would on one hostname: the reference is started with
// PUBLIC_ORIGIN = our worker's origin (requests are rewritten to it, and it is the reference's
// configured resource), so the tokens either issues are bound to the same audience.
//
//   a. what the reference wrote works on ours: its clients, codes' tokens, refresh tokens;
//   b. what ours wrote works on the reference: its apiRoute accepts our access tokens and decrypts
//      our props, its /token refreshes our refresh tokens.
//
// A deliberate difference is asserted as it is, with how a deployment bridges it. Cases that were
// incompatible in earlier commits stay as regression tests naming the commit that fixed them.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startWorker } from "./support/worker.mjs";
import { startReferenceWorker } from "./support/reference_worker.mjs";
import { CLIENT_INFO, openSession, post, rpc } from "./support/mcp_http.mjs";
import {
  authorizeInBrowser, browse, CookieJar, pkce, redeemCode, registerClient, signIn, tokenRequest,
} from "./support/sign_in.mjs";

let persistTo, ours, ref;
before(async () => {
  persistTo = await mkdtemp(join(tmpdir(), "mcp-kv-compat-"));
  // The reference changes KV behind ours' back: ours sees it within AUTH_CACHE_SECONDS (1 s here).
  ours = await startWorker({ persistTo, vars: { AUTH_CACHE_SECONDS: "1" } });
  ref = await startReferenceWorker({ persistTo, publicOrigin: ours.url });
});
after(async () => {
  await ref?.stop();
  await ours?.stop();
  if (persistTo) await rm(persistTo, { recursive: true, force: true });
});

const REDIRECT_URI = "http://127.0.0.1:9/callback";
// The props the reference's /authorize stores (tests/compat/reference_worker/reference.js).
const REFERENCE_PROPS = { login: "octocat", id: 583231, name: "The Octocat", email: null, accessToken: "gho_reference" };

// The reference's /authorize completes at once for octocat: returns the code from its redirect.
async function codeFromReference(client, { challenge, scope = "read write" } = {}) {
  const q = new URLSearchParams({ response_type: "code", client_id: client.client_id, redirect_uri: REDIRECT_URI,
    state: "ref-state", code_challenge: challenge, code_challenge_method: "S256", scope });
  const r = await fetch(`${ref.url}/authorize?${q}`, { redirect: "manual" });
  assert.equal(r.status, 302, await r.text());
  const back = new URL(r.headers.get("location"));
  assert.equal(`${back.origin}${back.pathname}`, REDIRECT_URI);
  assert.equal(back.searchParams.get("state"), "ref-state");
  const code = back.searchParams.get("code");
  assert.match(code ?? "", /^octocat:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{32}$/);
  return code;
}

// A client registered at the reference and tokens from its code flow.
async function referenceSignIn(metadata = {}) {
  const client = await registerClient(ref.url, { redirect_uris: [REDIRECT_URI], client_name: "Registered at the reference", ...metadata });
  const { verifier, challenge } = pkce();
  const code = await codeFromReference(client, { challenge });
  const tokens = await redeemCode(ref.url, { client, code, verifier, redirectUri: REDIRECT_URI });
  return { client, tokens };
}

const refresh = (url, client, refreshToken) =>
  tokenRequest(url, { grant_type: "refresh_token", refresh_token: refreshToken, client_id: client.client_id });

const addCall = (a, b) => rpc("tools/call", { name: "add", arguments: { a, b } });

// The reference's apiRoute with `token`: { status, text, json, headers }.
async function referenceMcp(token) {
  const r = await fetch(`${ref.url}/mcp`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(rpc("ping")) });
  const text = await r.text();
  let json;
  try { json = JSON.parse(text); } catch {}
  return { status: r.status, text, json, headers: r.headers };
}

const works = async (token) => {
  const r = await post(ours.url, rpc("initialize", { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: CLIENT_INFO }), { token });
  return r.status === 200;
};
// A token the reference revoked, which ours may have verified less than AUTH_CACHE_SECONDS ago.
async function stopsWorkingWithinCacheTime(token) {
  const deadline = Date.now() + 1000 + 3000;
  while (Date.now() < deadline) {
    if (!(await works(token))) return;
    await new Promise((ok) => setTimeout(ok, 200));
  }
  assert.fail("ours still accepts the token 1 s after the reference revoked it");
}

describe("a. the reference's records on our server", () => {
  const flow = {};

  test("the reference registers a client and issues tokens from its code (its /authorize, its /token with PKCE)", async () => {
    Object.assign(flow, await referenceSignIn({ grant_types: ["authorization_code", "refresh_token"] }));
    assert.match(flow.tokens.access_token, /^octocat:/);
    assert.match(flow.tokens.refresh_token, /^octocat:/);
    assert.equal(flow.tokens.resource, ours.url, "the reference binds its tokens to its configured resource, our origin");
    // Its records are in the namespace both servers see, in 1.2.3's layout.
    const [grantEntry] = await ref.kv(`grant:octocat:${flow.tokens.access_token.split(":")[1]}`);
    const grant = JSON.parse(grantEntry.value);
    assert.equal(grant.clientId, flow.client.client_id);
    assert.equal(grant.resource, ours.url);
    assert.deepEqual(grant.scope, ["read", "write"]);
    assert.deepEqual(grantEntry.metadata, { clientId: flow.client.client_id, resource: ours.url, redirectUri: REDIRECT_URI });
    const [client] = await ref.kv(`client:${flow.client.client_id}`);
    assert.ok(client.expiration, "1.2.3 registrations expire (clientRegistrationTTL, 90 days)");
  });

  test("our /authorize knows the reference's client: our consent page for it", async () => {
    const { challenge } = pkce();
    const q = new URLSearchParams({ response_type: "code", client_id: flow.client.client_id, redirect_uri: REDIRECT_URI,
      state: "s", code_challenge: challenge, code_challenge_method: "S256" });
    const r = await browse(new CookieJar(), `${ours.url}/authorize?${q}`);
    assert.equal(r.status, 200);
    const html = await r.text();
    assert.match(html, /Allow Registered at the reference to use this MCP server\?/);
    assert.ok(html.includes(flow.client.client_id));
    assert.ok(html.includes(REDIRECT_URI));
  });

  test("our /mcp accepts the reference's access token: initialize, then tools/call add is 3", async () => {
    const token = flow.tokens.access_token;
    flow.session = await openSession(ours.url, "2025-06-18", { token });
    const call = await post(ours.url, addCall(1, 2), { ...flow.session, token });
    assert.equal(call.status, 200, call.text);
    assert.deepEqual(call.json.result.content, [{ type: "text", text: "3" }]);
  });

  test("that session is octocat's through the reference's client: hubot's token (from ours) cannot use it", async () => {
    const { accessToken: hubot } = await signIn(ours.url, { login: "hubot" });
    const r = await post(ours.url, addCall(1, 2), { ...flow.session, token: hubot });
    assert.equal(r.status, 404, r.text);
    const mine = await post(ours.url, rpc("ping"), { ...flow.session, token: flow.tokens.access_token });
    assert.equal(mine.status, 200, mine.text);
  });

  test("our /token refreshes the reference's refresh token; the new token continues the same session", async () => {
    const r = await refresh(ours.url, flow.client, flow.tokens.refresh_token);
    assert.equal(r.status, 200, r.text);
    assert.notEqual(r.json.refresh_token, flow.tokens.refresh_token, "rotated");
    assert.equal(r.json.scope, "read write");
    assert.equal(r.json.resource, ours.url);
    flow.refreshed = r.json;
    const call = await post(ours.url, addCall(40, 2), { ...flow.session, token: r.json.access_token });
    assert.equal(call.status, 200, call.text);
    assert.equal(call.json.result.content[0].text, "42");
    // What ours wrote for it, the reference reads: its apiRoute takes the access token ours issued.
    const there = await referenceMcp(r.json.access_token);
    assert.equal(there.status, 200, there.text);
    assert.deepEqual(there.json.props, REFERENCE_PROPS);
  });

  test("our /token revokes the refresh token (RFC 7009): the grant and its tokens end, on both servers", async () => {
    const r = await tokenRequest(ours.url, { token: flow.refreshed.refresh_token, token_type_hint: "refresh_token", client_id: flow.client.client_id });
    assert.equal(r.status, 200, r.text);
    assert.equal(await works(flow.refreshed.access_token), false, "ours refuses the grant's access token");
    assert.equal(await works(flow.tokens.access_token), false);
    assert.equal((await referenceMcp(flow.refreshed.access_token)).status, 401, "so does the reference");
    for (const url of [ours.url, ref.url]) {
      const again = await refresh(url, flow.client, flow.refreshed.refresh_token);
      assert.equal(again.status, 400, `${url}: ${again.text}`);
      assert.equal(again.json.error, "invalid_grant");
    }
    assert.deepEqual(await ref.kv(`token:octocat:${flow.tokens.access_token.split(":")[1]}:`), []);
  });

  // 1.2.3 registers `grant_types` as sent, defaulting to ["authorization_code"] (RFC 7591), and
  // lets any client registered for authorization_code refresh (handleTokenRequest). (Ours refused
  // with 400 unauthorized_client until e0c8453.)
  test("a client the reference registered without grant_types refreshes at ours, as at the reference", async () => {
    const { client, tokens } = await referenceSignIn();
    const [record] = await ref.kv(`client:${client.client_id}`);
    assert.deepEqual(JSON.parse(record.value).grantTypes, ["authorization_code"]);
    const r = await refresh(ours.url, client, tokens.refresh_token);
    assert.equal(r.status, 200, r.text);
    assert.equal(await works(r.json.access_token), true);
  });

  // 1.2.3's completeAuthorization replaces the user's earlier grants of the same client and
  // resource, found from grant key metadata ({clientId, resource, redirectUri}); ours does the same
  // (since e0c8453), so it must read the metadata 1.2.3 wrote.
  test("a sign-in at ours for the reference's client works, and replaces the grant the reference made for it", async () => {
    const { client, tokens } = await referenceSignIn({ grant_types: ["authorization_code", "refresh_token"] });
    const mine = await signIn(ours.url, { client });
    assert.equal(await works(mine.accessToken), true);
    const there = await referenceMcp(mine.accessToken);
    assert.equal(there.status, 200, there.text);
    assert.equal(there.json.auth.clientId, client.client_id);
    assert.equal(await works(tokens.access_token), false, "the reference's grant for that client is gone");
    assert.deepEqual(await ref.kv(`grant:octocat:${tokens.access_token.split(":")[1]}`), []);
    assert.equal((await refresh(ours.url, client, tokens.refresh_token)).status, 400);
  });
});

describe("b. our records on the reference", () => {
  const flow = {};

  test("ours registers a client and signs octocat in (through the GitHub stand-in)", async () => {
    Object.assign(flow, await signIn(ours.url));
    const [client] = await ref.kv(`client:${flow.client.client_id}`);
    const record = JSON.parse(client.value);
    assert.equal(record.clientId, flow.client.client_id);
    assert.deepEqual(record.redirectUris, flow.client.redirect_uris);
    assert.equal(record.tokenEndpointAuthMethod, "none");
  });

  test("the reference's apiRoute accepts our access token and decrypts exactly our props", async () => {
    const r = await referenceMcp(flow.accessToken);
    assert.equal(r.status, 200, r.text);
    const { props, auth } = r.json;
    // (Ours writes JSON keys sorted; key order means nothing in JSON.)
    assert.deepEqual(Object.keys(props).sort(), ["accessToken", "email", "id", "login", "name"]);
    assert.deepEqual({ ...props, accessToken: undefined },
      { login: "octocat", id: 583231, name: "The Octocat", email: "octocat@github.com", accessToken: undefined });
    // The GitHub token in the props is the one the stand-in issued to our /callback: it works there.
    assert.match(props.accessToken, /^gho_[A-Za-z0-9]{36}$/);
    const user = await fetch(`${ours.github.apiUrl}/user`, { headers: { authorization: `Bearer ${props.accessToken}`, "user-agent": "kv-compat" } });
    assert.equal(user.status, 200);
    assert.equal((await user.json()).login, "octocat");
    assert.equal(auth.userId, "octocat");
    assert.equal(auth.clientId, flow.client.client_id);
    assert.equal(auth.audience, ours.url);
  });

  test("the reference's /token refreshes our refresh token, and its token works on our /mcp", async () => {
    const r = await refresh(ref.url, flow.client, flow.refreshToken);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.resource, ours.url);
    flow.fromReference = r.json;
    const { session, protocolVersion } = await openSession(ours.url, "2025-06-18", { token: r.json.access_token });
    const call = await post(ours.url, addCall(2, 3), { session, protocolVersion, token: r.json.access_token });
    assert.equal(call.status, 200, call.text);
    assert.equal(call.json.result.content[0].text, "5");
  });

  // Back and forth on one grant (a rollback and a second switch, or both deployed during a
  // rollout): ours keeps each grant's state in a Durable Object (c97b20c) and must still see what
  // 1.2.3 did to the grant in KV: its rotation, its revocation. (Until e0c8453 ours read the object
  // alone: it refused the rotated token, and refreshed a grant 1.2.3 had revoked, writing it back
  // to KV.)
  test("ours then refreshes the refresh token the reference rotated, and so on, back and forth", async () => {
    let refreshToken = flow.fromReference.refresh_token;
    for (const url of [ours.url, ref.url, ours.url]) {
      const r = await refresh(url, flow.client, refreshToken);
      assert.equal(r.status, 200, `${url}: ${r.text}`);
      assert.equal(await works(r.json.access_token), true);
      refreshToken = r.json.refresh_token;
      flow.latest = r.json;
    }
  });

  test("a grant ours issued and the reference revoked (RFC 7009) stays revoked at ours, and on the reference", async () => {
    const { client, accessToken, refreshToken } = await signIn(ours.url);
    const revoked = await tokenRequest(ref.url, { token: refreshToken, client_id: client.client_id });
    assert.equal(revoked.status, 200, revoked.text);
    const grantKey = `grant:octocat:${refreshToken.split(":")[1]}`;
    assert.deepEqual(await ref.kv(grantKey), [], "the reference deleted the grant");
    const r = await refresh(ours.url, client, refreshToken);
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error, "invalid_grant");
    assert.equal(await works(accessToken), false);
    assert.deepEqual(await ref.kv(grantKey), [], "ours did not write it back");
    assert.equal((await refresh(ref.url, client, refreshToken)).status, 400);
  });

  // The other way round: 1.2.3 finds our grant of that client from the key metadata ours wrote
  // and revokes it (KV only); ours must see it gone.
  test("a sign-in at the reference for our client replaces the grant ours made for it", async () => {
    const { challenge } = pkce();
    await codeFromReference(flow.client, { challenge });
    const grantKey = `grant:octocat:${flow.latest.refresh_token.split(":")[1]}`;
    assert.deepEqual(await ref.kv(grantKey), [], "1.2.3 matched our grant by its key metadata and revoked it");
    await stopsWorkingWithinCacheTime(flow.latest.access_token);
    const r = await refresh(ours.url, flow.client, flow.latest.refresh_token);
    assert.equal(r.status, 400, r.text);
    assert.deepEqual(await ref.kv(grantKey), []);
  });

  // Deliberate difference: ours serves /mcp and /sse and accepts RFC 8707 resource=<origin>/mcp
  // (what its /mcp resource metadata names, so what MCP SDK clients send); 1.2.3's OAuthProvider
  // has one exact resource (resourceMetadata.resource, which must cover every apiRoute: the origin,
  // for a deployment serving /sse and /mcp) and refuses tokens and grants bound to anything else.
  // The switch to ours is unaffected (ours takes an audience of <origin> on both routes). Back to
  // 1.2.3: grants made without `resource` or with resource=<origin> keep working; grants made for
  // <origin>/mcp answer 401 / invalid_grant, and their clients sign in once more.
  test("deliberate difference: a token ours bound to <origin>/mcp is refused by the reference configured for <origin>", async () => {
    const client = await registerClient(ours.url);
    const { verifier, challenge } = pkce();
    const { location } = await authorizeInBrowser(ours.url, { client, challenge, resource: `${ours.url}/mcp` });
    const tokens = await redeemCode(ours.url, { client, code: location.searchParams.get("code"), verifier });
    assert.equal(tokens.resource, `${ours.url}/mcp`);
    assert.equal(await works(tokens.access_token), true, "ours accepts it on /mcp");
    const there = await referenceMcp(tokens.access_token);
    assert.equal(there.status, 401, there.text);
    const r = await refresh(ref.url, client, tokens.refresh_token);
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error, "invalid_grant"); // "The authorization grant is not bound to a configured resource"
  });
});

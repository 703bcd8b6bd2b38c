// The official MCP SDK client with its full OAuth flow, the browser step done by real headless
// Chromium (support/browser.mjs): a BrowserOAuthProvider (support/browser_oauth.mjs) given to
// StreamableHTTPClientTransport at /mcp and SSEClientTransport at /sse. For each transport, as
// one user's session:
//   1. connect meets the 401; the SDK discovers, registers, and calls redirectToAuthorization;
//      Chromium opens /authorize, clicks Approve on the consent page, picks a login on the
//      GitHub stand-in's page and lands on the client's redirect URI (a local server) with the
//      code; transport.finishAuth(code) redeems it (PKCE, resource);
//   2. tools/list, tools/call add and userInfoOctokit work;
//   3. mid-session the access token expires (ACCESS_TOKEN_TTL is a few seconds here): the next
//      call meets a 401, the SDK refreshes (grant_type=refresh_token) and retries, with no browser;
//   4. the grant is revoked (/mcp: the user revoked the app at GitHub, which userInfoOctokit
//      notices; /sse: the refresh token is revoked at /token, RFC 7009): the next call meets a
//      401, the refresh is refused, and the SDK sends the user to the browser again
//      (UnauthorizedError); that sign-in skips the consent page (this browser approved the client);
//   5. after finishAuth with the new code, a new connection calls the tools again.
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, test } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { launchBrowser } from "./support/browser.mjs";
import { BrowserOAuthProvider, startRedirectCatcher } from "./support/browser_oauth.mjs";
import { post, rpc } from "./support/mcp_http.mjs";
import { recordingFetch, tokenGrants } from "./support/recording_fetch.mjs";
import { tokenRequest } from "./support/sign_in.mjs";
import { startWorker } from "./support/worker.mjs";

const ACCESS_TOKEN_TTL_S = 3;
// Every test ends within this, whatever hangs (each browser wait is bounded more tightly).
const BOUNDED = { timeout: 90_000 };
const EXPIRY_POLL_MS = 8000; // after the TTL, how long the old token may take to be refused

let worker;
let chromium;
let catcher;

before(async () => {
  catcher = await startRedirectCatcher();
  [worker, chromium] = await Promise.all([
    startWorker({ vars: { ACCESS_TOKEN_TTL: String(ACCESS_TOKEN_TTL_S), SSE_KEEPALIVE_MS: "300" } }),
    launchBrowser(),
  ]);
});
after(async () => {
  await chromium?.close();
  await worker?.stop();
  await catcher?.close();
});

const pathOf = (e) => new URL(e.url).pathname;
const textOf = (result) => result.content?.map((c) => c.text).join("\n") ?? "";

// Whether the gate still takes `token` for `path` (it answers 401 once the token has expired or
// was revoked). A request the gate lets through fails later (no session), which is fine here.
async function gateRefuses(path, token) {
  if (path === "/mcp") return (await post(worker.url, rpc("ping"), { token })).status === 401;
  const r = await fetch(`${worker.url}/sse/message?sessionId=none`, {
    method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify(rpc("ping")),
  });
  await r.body?.cancel();
  return r.status === 401;
}

async function waitUntilRefused(path, token, sinceMs) {
  await sleep(Math.max(0, sinceMs + ACCESS_TOKEN_TTL_S * 1000 - Date.now()));
  const deadline = Date.now() + EXPIRY_POLL_MS;
  while (!(await gateRefuses(path, token))) {
    if (Date.now() > deadline) assert.fail(`the access token was still accepted ${EXPIRY_POLL_MS / 1000} s after its ${ACCESS_TOKEN_TTL_S} s lifetime`);
    await sleep(250);
  }
}

function assertUserInfo(result, login) {
  assert.equal(result.isError, undefined, textOf(result));
  const octokit = JSON.parse(textOf(result));
  assert.equal(octokit.status, 200);
  assert.equal(octokit.data.login, login);
}

for (const { name, path, makeTransport, login, revocation } of [
  {
    name: "Streamable HTTP (/mcp)",
    path: "/mcp",
    makeTransport: (url, opts) => new StreamableHTTPClientTransport(url, opts),
    login: "octocat",
    revocation: "the user revokes the app at GitHub",
  },
  {
    name: "legacy HTTP+SSE (/sse)",
    path: "/sse",
    makeTransport: (url, opts) => new SSEClientTransport(url, opts),
    login: "monalisa",
    revocation: "the refresh token is revoked at /token (RFC 7009)",
  },
]) {
  describe(`the SDK client signs in through Chromium over ${name}`, () => {
    let context;
    let provider;
    const exchanges = [];
    const fetchImpl = recordingFetch(exchanges);
    let session; // the connected Client of steps 2-4
    const newTransport = () => makeTransport(new URL(`${worker.url}${path}`), { authProvider: provider, fetch: fetchImpl });
    const clientErrors = [];
    const newClient = () => {
      const client = new Client({ name: "browser-sdk-oauth-test", version: "1.0.0" });
      client.onerror = (e) => clientErrors.push(e);
      return client;
    };

    before(async () => {
      context = await chromium.newContext();
      provider = new BrowserOAuthProvider({ context, catcher, clientName: `Browser SDK test (${path})`, login });
    });
    after(async () => {
      await session?.close().catch(() => {});
      await context?.close().catch(() => {});
    });

    test("connect sends the user to Chromium: consent page, GitHub stand-in, back to the redirect URI; finishAuth redeems the code", BOUNDED, async () => {
      const first = newTransport();
      await assert.rejects(newClient().connect(first), (e) => {
        assert.ok(e instanceof UnauthorizedError, `expected UnauthorizedError, got ${e?.stack ?? e}`);
        return true;
      });
      await first.close().catch(() => {});

      assert.equal(provider.signIns.length, 1);
      const [signIn] = provider.signIns;
      assert.ok(signIn.sawConsent, "the consent page was shown and approved");
      const origins = signIn.visited.map((u) => new URL(u).origin);
      assert.deepEqual(origins, [worker.url, worker.github.url, new URL(catcher.redirectUri).origin], signIn.visited.join("\n"));

      assert.equal(find("POST", "/register")?.status, 201);
      const [url] = provider.authorizationUrls;
      assert.equal(`${url.origin}${url.pathname}`, `${worker.url}/authorize`);
      assert.equal(url.searchParams.get("client_id"), provider.clientInformation().client_id);
      assert.equal(url.searchParams.get("code_challenge_method"), "S256");
      assert.equal(url.searchParams.get("resource"), `${worker.url}${path}`);
      assert.equal(url.searchParams.get("redirect_uri"), catcher.redirectUri);
      assert.equal(signIn.back.searchParams.get("state"), provider.states.at(-1));
      assert.equal(signIn.back.searchParams.get("iss"), worker.url);
      assert.ok(provider.code, `no code in ${signIn.back}`);

      await first.finishAuth(provider.code);
      const [redeem] = tokenGrants(exchanges, "authorization_code");
      assert.equal(redeem?.status, 200);
      const form = new URLSearchParams(redeem.body);
      assert.equal(form.get("resource"), `${worker.url}${path}`);
      assert.ok(form.get("code_verifier"));
      const tokens = provider.tokens();
      assert.ok(tokens?.access_token && tokens.refresh_token, JSON.stringify(tokens));
      assert.equal(tokens.expires_in, ACCESS_TOKEN_TTL_S);
    });

    test("with the token: tools/list, tools/call add and userInfoOctokit", BOUNDED, async () => {
      session = newClient();
      await session.connect(newTransport());
      const { tools } = await session.listTools();
      assert.deepEqual(tools.map((t) => t.name), ["add", "userInfoOctokit"]);
      assert.deepEqual((await session.callTool({ name: "add", arguments: { a: 20, b: 22 } })).content, [{ type: "text", text: "42" }]);
      assertUserInfo(await session.callTool({ name: "userInfoOctokit", arguments: {} }), login);
    });

    test("mid-session the access token expires: the SDK refreshes it and retries, without the browser", BOUNDED, async () => {
      const expired = provider.tokens().access_token;
      await waitUntilRefused(path, expired, provider.savedTokens.at(-1).at);
      const from = exchanges.length;
      const signIns = provider.signIns.length;

      assert.deepEqual((await session.callTool({ name: "add", arguments: { a: 1, b: 2 } })).content, [{ type: "text", text: "3" }]);
      const during = exchanges.slice(from);
      const call = during.find((e) => e.method === "POST" && pathOf(e).startsWith(path) && e.status === 401);
      assert.ok(call, `the call met a 401 first: ${JSON.stringify(during, null, 1)}`);
      assert.equal(call.authorization, `Bearer ${expired}`);
      const refreshes = tokenGrants(during, "refresh_token");
      assert.equal(refreshes.length, 1, JSON.stringify(during, null, 1));
      assert.equal(refreshes[0].status, 200);
      assert.equal(new URLSearchParams(refreshes[0].body).get("resource"), `${worker.url}${path}`);
      const retried = during.filter((e) => e.method === "POST" && pathOf(e).startsWith(path)).at(-1);
      assert.equal(retried.authorization, `Bearer ${provider.tokens().access_token}`);
      assert.notEqual(provider.tokens().access_token, expired);
      assert.equal(provider.signIns.length, signIns, "no browser step");
      assert.equal(provider.authorizationUrls.length, signIns);
      // The refreshed grant still holds the user's GitHub token.
      assertUserInfo(await session.callTool({ name: "userInfoOctokit", arguments: {} }), login);
    });

    test(`when the grant is revoked (${revocation}), the next call sends the user back to sign in`, BOUNDED, async () => {
      if (path === "/mcp") {
        assert.ok(worker.github.control.revoke({ login }) >= 1, "the stand-in revoked the user's GitHub tokens");
        const result = await session.callTool({ name: "userInfoOctokit", arguments: {} });
        assert.equal(result.isError, true);
        assert.match(textOf(result), /Sign in again/);
      } else {
        const r = await tokenRequest(worker.url, { token: provider.tokens().refresh_token, client_id: provider.clientInformation().client_id });
        assert.equal(r.status, 200, r.text);
      }
      const from = exchanges.length;
      await assert.rejects(session.callTool({ name: "add", arguments: { a: 1, b: 1 } }), (e) => {
        assert.ok(e instanceof UnauthorizedError, `expected UnauthorizedError, got ${e?.stack ?? e}`);
        return true;
      });
      const during = exchanges.slice(from);
      assert.ok(during.some((e) => e.method === "POST" && pathOf(e).startsWith(path) && e.status === 401), JSON.stringify(during, null, 1));
      const refreshes = tokenGrants(during, "refresh_token");
      assert.ok(refreshes.length >= 1 && refreshes.every((e) => e.status === 400), `the refresh was refused: ${JSON.stringify(refreshes)}`);
      assert.ok(provider.invalidated.includes("tokens"), `the SDK dropped the tokens: ${provider.invalidated}`);
      assert.equal(provider.authorizationUrls.length, 2, "redirectToAuthorization was called again");
      assert.equal(provider.signIns.length, 2);
      const again = provider.signIns[1];
      assert.equal(again.sawConsent, false, "this browser approved the client before: no consent page");
      assert.equal(again.back.searchParams.get("state"), provider.states.at(-1));
      assert.ok(provider.code);
      assert.equal(during.filter((e) => pathOf(e) === "/register").length, 0, "the same client, not a new registration");
      await session.close().catch(() => {});
      session = undefined;
    });

    test("after finishAuth with the new code, a new connection calls the tools", BOUNDED, async () => {
      const transport = newTransport();
      await transport.finishAuth(provider.code);
      assert.equal(tokenGrants(exchanges, "authorization_code").at(-1)?.status, 200);
      session = newClient();
      await session.connect(transport);
      assert.deepEqual((await session.callTool({ name: "add", arguments: { a: 2, b: 2 } })).content, [{ type: "text", text: "4" }]);
      assertUserInfo(await session.callTool({ name: "userInfoOctokit", arguments: {} }), login);
    });

    function find(method, p) { return exchanges.find((e) => e.method === method && pathOf(e) === p); }
  });
}

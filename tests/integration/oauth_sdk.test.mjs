// The official MCP SDK's own OAuth support against the real module: an in-memory
// OAuthClientProvider ("@modelcontextprotocol/sdk/client/auth.js") given to
// StreamableHTTPClientTransport({ authProvider }) at /mcp and SSEClientTransport({ authProvider })
// at /sse. The SDK meets the 401, discovers the protected resource metadata the challenge names,
// then the authorization server's, registers a client, and sends the user to /authorize; the
// provider's redirectToAuthorization plays the browser (consent page, GitHub stand-in, /callback,
// with a cookie jar) and keeps the code. connect() rejects with UnauthorizedError,
// transport.finishAuth(code) redeems the code, and a new connection lists and calls the tools.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { startWorker } from "./support/worker.mjs";
import { assertOnlyAddTool, post, rpc } from "./support/mcp_http.mjs";
import { recordingFetch } from "./support/recording_fetch.mjs";
import { completeInBrowser, CookieJar } from "./support/sign_in.mjs";

let worker;
before(async () => { worker = await startWorker({ vars: { SSE_KEEPALIVE_MS: "300" } }); });
after(async () => { await worker?.stop(); });

// An OAuthClientProvider kept in memory. redirectToAuthorization does what the user's browser
// would: it follows the authorization URL through the consent page and the stand-in's sign-in
// page back to the redirect URI, whose code and state it keeps.
class InMemoryOAuthProvider {
  constructor({ clientMetadata, login = "octocat" }) {
    this._clientMetadata = clientMetadata;
    this.login = login;
    this.jar = new CookieJar();
    this.authorizationUrls = [];
    this.returned = []; // the redirects back to the client (URL)
  }
  get redirectUrl() { return this._clientMetadata.redirect_uris[0]; }
  get clientMetadata() { return this._clientMetadata; }
  state() { this.lastState = `sdk-${randomBytes(8).toString("hex")}`; return this.lastState; }
  clientInformation() { return this._clientInformation; }
  saveClientInformation(info) { this._clientInformation = info; }
  tokens() { return this._tokens; }
  saveTokens(tokens) { this._tokens = tokens; }
  saveCodeVerifier(verifier) { this._codeVerifier = verifier; }
  codeVerifier() { return this._codeVerifier; }
  async redirectToAuthorization(url) {
    this.authorizationUrls.push(new URL(url));
    const back = await completeInBrowser(this.jar, url, { login: this.login });
    this.returned.push(back);
  }
  get code() { return this.returned.at(-1)?.searchParams.get("code") ?? undefined; }
}

// The SDK-driven sign-in for `path` ("/mcp" or "/sse"): connect -> UnauthorizedError -> finishAuth.
// Returns what the checks below look at.
async function authorizeWithSdk(path, makeTransport, provider) {
  const exchanges = [];
  const fetchImpl = recordingFetch(exchanges);
  const first = makeTransport(new URL(`${worker.url}${path}`), { authProvider: provider, fetch: fetchImpl });
  const client = new Client({ name: "sdk-oauth-test", version: "1.0.0" });
  await assert.rejects(client.connect(first), (e) => {
    assert.ok(e instanceof UnauthorizedError, `expected UnauthorizedError, got ${e?.stack ?? e}`);
    return true;
  });
  await first.close().catch(() => {});
  assert.ok(provider.code, `the browser part returned no code: ${provider.returned.map(String)}`);
  const beforeFinish = exchanges.length;
  await first.finishAuth(provider.code);
  return { exchanges, fetchImpl, tokenExchanges: exchanges.slice(beforeFinish) };
}

const find = (exchanges, method, path) => exchanges.find((e) => e.method === method && new URL(e.url).pathname === path);

for (const { name, path, makeTransport, clientMetadata } of [
  {
    name: "Streamable HTTP (/mcp), a public client",
    path: "/mcp",
    makeTransport: (url, opts) => new StreamableHTTPClientTransport(url, opts),
    clientMetadata: { client_name: "SDK OAuth test (mcp)", redirect_uris: ["http://127.0.0.1:47001/callback"],
      grant_types: ["authorization_code", "refresh_token"], response_types: ["code"], token_endpoint_auth_method: "none" },
  },
  {
    name: "legacy HTTP+SSE (/sse), a confidential client (client_secret_basic)",
    path: "/sse",
    makeTransport: (url, opts) => new SSEClientTransport(url, opts),
    clientMetadata: { client_name: "SDK OAuth test (sse)", redirect_uris: ["http://127.0.0.1:47002/callback"],
      grant_types: ["authorization_code", "refresh_token"], response_types: ["code"], token_endpoint_auth_method: "client_secret_basic" },
  },
]) {
  describe(`SDK OAuth over ${name}`, () => {
    const provider = new InMemoryOAuthProvider({ clientMetadata });
    let result;
    before(async () => { result = await authorizeWithSdk(path, makeTransport, provider); });

    test("the SDK read resource_metadata from the 401 and discovered both metadata documents", () => {
      const { exchanges } = result;
      const unauthorized = exchanges.find((e) => e.status === 401);
      assert.ok(unauthorized, JSON.stringify(exchanges, null, 1));
      assert.equal(new URL(unauthorized.url).pathname, path);
      const prm = find(exchanges, "GET", `/.well-known/oauth-protected-resource${path}`);
      assert.ok(prm, `no GET of the ${path} protected resource document: ${exchanges.map((e) => `${e.method} ${e.url}`).join("\n")}`);
      assert.equal(prm.status, 200);
      const as = find(exchanges, "GET", "/.well-known/oauth-authorization-server");
      assert.ok(as, "the authorization server document");
      assert.equal(as.status, 200);
      assert.ok(exchanges.indexOf(unauthorized) < exchanges.indexOf(prm) && exchanges.indexOf(prm) < exchanges.indexOf(as));
    });

    test("the SDK registered the client dynamically", () => {
      const reg = find(result.exchanges, "POST", "/register");
      assert.ok(reg);
      assert.equal(reg.status, 201);
      const info = provider.clientInformation();
      assert.ok(info?.client_id);
      assert.deepEqual(info.redirect_uris, clientMetadata.redirect_uris);
      if (clientMetadata.token_endpoint_auth_method === "none") assert.equal(info.client_secret, undefined);
      else assert.equal(typeof info.client_secret, "string");
    });

    test("the authorization request carried S256, the SDK's state and resource (RFC 8707), and the browser came back with code, state and iss", () => {
      const [url] = provider.authorizationUrls;
      assert.equal(`${url.origin}${url.pathname}`, `${worker.url}/authorize`);
      assert.equal(url.searchParams.get("client_id"), provider.clientInformation().client_id);
      assert.equal(url.searchParams.get("code_challenge_method"), "S256");
      assert.equal(url.searchParams.get("resource"), `${worker.url}${path}`);
      assert.equal(url.searchParams.get("redirect_uri"), clientMetadata.redirect_uris[0]);
      const [back] = provider.returned;
      assert.equal(`${back.origin}${back.pathname}`, clientMetadata.redirect_uris[0]);
      assert.equal(back.searchParams.get("state"), provider.lastState);
      assert.equal(back.searchParams.get("iss"), worker.url);
    });

    test("finishAuth sent the code with resource and the verifier, and saved a token for that resource", () => {
      const tokenCall = find(result.tokenExchanges, "POST", "/token");
      assert.ok(tokenCall, JSON.stringify(result.tokenExchanges));
      assert.equal(tokenCall.status, 200);
      const form = new URLSearchParams(tokenCall.body);
      assert.equal(form.get("grant_type"), "authorization_code");
      assert.equal(form.get("resource"), `${worker.url}${path}`);
      assert.ok(form.get("code_verifier"));
      if (clientMetadata.token_endpoint_auth_method === "client_secret_basic") {
        assert.match(tokenCall.authorization ?? "", /^Basic /);
        assert.equal(form.get("client_secret"), null);
      }
      const tokens = provider.tokens();
      assert.ok(tokens?.access_token);
      assert.equal(tokens.token_type.toLowerCase(), "bearer");
    });

    test("a new connection with the saved token lists the tools and calls add", async () => {
      const exchanges = [];
      const transport = makeTransport(new URL(`${worker.url}${path}`), { authProvider: provider, fetch: recordingFetch(exchanges) });
      const client = new Client({ name: "sdk-oauth-test", version: "1.0.0" });
      const errors = [];
      client.onerror = (e) => errors.push(e);
      try {
        await client.connect(transport);
        assertOnlyAddTool((await client.listTools()).tools);
        const result = await client.callTool({ name: "add", arguments: { a: 20, b: 22 } });
        assert.deepEqual(result.content, [{ type: "text", text: "42" }]);
        const mcpCalls = exchanges.filter((e) => e.method === "POST");
        assert.ok(mcpCalls.length >= 3);
        for (const e of mcpCalls) assert.equal(e.authorization, `Bearer ${provider.tokens().access_token}`);
        assert.equal(exchanges.filter((e) => e.status === 401).length, 0);
        assert.deepEqual(errors.map(String), []);
      } finally {
        await client.close();
      }
    });

    test(`the token is for ${path} only: the other transport's route refuses it`, async () => {
      const token = provider.tokens().access_token;
      if (path === "/mcp") {
        const r = await fetch(`${worker.url}/sse`, { headers: { accept: "text/event-stream", authorization: `Bearer ${token}` } });
        assert.equal(r.status, 401);
        assert.match(r.headers.get("www-authenticate") ?? "", /error="invalid_token"/);
        await r.body?.cancel();
      } else {
        const r = await post(worker.url, rpc("ping"), { token });
        assert.equal(r.status, 401);
        assert.match(r.headers.get("www-authenticate") ?? "", /error="invalid_token"/);
      }
    });
  });
}

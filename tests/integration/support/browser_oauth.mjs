// The browser half of an MCP client's OAuth sign-in, done by real Chromium (support/browser.mjs):
//
//   startRedirectCatcher()     the client's redirect URI: an http server on 127.0.0.1 (a free
//                              port) that answers a small "signed in" page and hands the test
//                              every URL the browser brought back (code, state, iss or error)
//   signInInBrowser(page, url) opens an authorization URL, clicks Approve on our consent page
//                              (skipped when this browser approved the client before), picks a
//                              login on the GitHub stand-in's page, and waits for the catcher
//   BrowserOAuthProvider       the SDK's OAuthClientProvider kept in memory, whose
//                              redirectToAuthorization does signInInBrowser in a Chromium page
import http from "node:http";
import { randomBytes } from "node:crypto";
import { ACTION_TIMEOUT_MS, describePage, within } from "./browser.mjs";

// The client's redirect URI. `catcher.redirectUri` is http://127.0.0.1:<port>/callback;
// `catcher.next()` resolves with the next URL (a URL) that reaches it, within `ms`.
export async function startRedirectCatcher() {
  const arrived = []; // URLs not yet taken by next()
  const waiting = []; // resolvers of next()
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, `http://${req.headers.host}`);
    if (url.pathname !== "/callback") { res.writeHead(404).end(); return; }
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    res.end("<!doctype html><title>Signed in</title><p>You are signed in. You can close this tab.</p>");
    const back = new URL(url.href);
    const resolve = waiting.shift();
    if (resolve) resolve(back); else arrived.push(back);
  });
  server.on("connection", (s) => { sockets.add(s); s.once("close", () => sockets.delete(s)); });
  await new Promise((ok, fail) => { server.once("error", fail); server.listen(0, "127.0.0.1", ok); });
  const { port } = server.address();
  return {
    redirectUri: `http://127.0.0.1:${port}/callback`,
    next(ms = ACTION_TIMEOUT_MS) {
      if (arrived.length) return Promise.resolve(arrived.shift());
      return within(ms, new Promise((ok) => waiting.push(ok)), "waiting for the browser to reach the client's redirect URI");
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((ok) => server.close(ok));
    },
  };
}

// From an authorization URL to the client's redirect URI, in `page` (a Playwright Page).
// Returns { back: URL, sawConsent: boolean, visited: [URL strings of the pages shown] }.
// A failure names the page the browser was on and what it showed.
export async function signInInBrowser(page, authorizationUrl, { catcher, login = "octocat" }) {
  const visited = [];
  const onNavigated = (frame) => { if (frame === page.mainFrame()) visited.push(frame.url()); };
  page.on("framenavigated", onNavigated);
  const arrival = catcher.next(4 * ACTION_TIMEOUT_MS);
  arrival.catch(() => {}); // awaited below; a failure before that is reported instead
  const authorizeOrigin = new URL(authorizationUrl).origin;
  try {
    await page.goto(authorizationUrl);
    let sawConsent = false;
    if (new URL(page.url()).origin === authorizeOrigin) {
      // Our consent page (the browser has not approved this client before).
      const approve = page.getByRole("button", { name: "Approve" });
      await approve.waitFor({ state: "visible" });
      sawConsent = true;
      await Promise.all([page.waitForURL((u) => u.origin !== authorizeOrigin), approve.click()]);
    }
    // The GitHub stand-in's login picker; its button takes the browser through /callback to the client.
    await page.getByRole("button", { name: `Sign in as ${login}`, exact: true }).click();
    const back = await arrival;
    return { back, sawConsent, visited };
  } catch (e) {
    throw new Error(`the browser sign-in did not reach the client's redirect URI: ${e.message}\n` +
      `pages: ${visited.join(" -> ")}\nnow on: ${await describePage(page)}`);
  } finally {
    page.off("framenavigated", onNavigated);
  }
}

// An OAuthClientProvider ("@modelcontextprotocol/sdk/client/auth.js") kept in memory, whose
// browser step is real: redirectToAuthorization opens the URL in a Chromium page of `context`.
// Everything the SDK hands it is kept as given (tokens and client information carry `issuer`).
export class BrowserOAuthProvider {
  constructor({ context, catcher, clientName, login = "octocat", tokenEndpointAuthMethod = "none" }) {
    this.context = context;
    this.catcher = catcher;
    this.login = login;
    this._clientMetadata = {
      client_name: clientName, redirect_uris: [catcher.redirectUri], grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"], token_endpoint_auth_method: tokenEndpointAuthMethod,
    };
    this.authorizationUrls = []; // every URL redirectToAuthorization received
    this.signIns = []; // what each browser step saw: { back, sawConsent, visited }
    this.savedTokens = []; // every saveTokens call: { tokens, at } (ms since epoch)
    this.invalidated = []; // every invalidateCredentials scope
    this.states = [];
  }
  get redirectUrl() { return this._clientMetadata.redirect_uris[0]; }
  get clientMetadata() { return this._clientMetadata; }
  state() { const s = `sdk-${randomBytes(8).toString("hex")}`; this.states.push(s); return s; }
  clientInformation() { return this._clientInformation; }
  saveClientInformation(info) { this._clientInformation = info; }
  tokens() { return this._tokens; }
  saveTokens(tokens) { this._tokens = tokens; this.savedTokens.push({ tokens, at: Date.now() }); }
  saveCodeVerifier(verifier) { this._codeVerifier = verifier; }
  codeVerifier() { return this._codeVerifier; }
  invalidateCredentials(scope) {
    this.invalidated.push(scope);
    if (scope === "all" || scope === "tokens") this._tokens = undefined;
    if (scope === "all" || scope === "client") this._clientInformation = undefined;
    if (scope === "all" || scope === "verifier") this._codeVerifier = undefined;
  }
  async redirectToAuthorization(url) {
    this.authorizationUrls.push(new URL(url));
    const page = await this.context.newPage();
    try {
      this.signIns.push(await signInInBrowser(page, String(url), { catcher: this.catcher, login: this.login }));
    } finally {
      await page.close().catch(() => {});
    }
  }
  // The code of the last sign-in (the SDK's caller passes it to transport.finishAuth).
  get code() { return this.signIns.at(-1)?.back.searchParams.get("code") ?? undefined; }
}

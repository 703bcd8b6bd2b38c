// The real sign-in, as a browser and an MCP client do it, with nothing stubbed but GitHub (the
// stand-in in tests/fakes/github): register a client, open /authorize, approve the consent page,
// pick a login on the stand-in's page, follow the redirects back through /callback, and redeem the
// code at /token with PKCE. Every integration test gets its token this way: there is no back door.
import { createHash, randomBytes } from "node:crypto";

const b64url = (buf) => Buffer.from(buf).toString("base64url");

// A minimal cookie jar: name=value per origin, from Set-Cookie headers.
export class CookieJar {
  constructor() { this.byOrigin = new Map(); }
  store(url, response) {
    const origin = new URL(url).origin;
    const jar = this.byOrigin.get(origin) ?? new Map();
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const deleted = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (deleted) jar.delete(name); else jar.set(name, value);
    }
    this.byOrigin.set(origin, jar);
  }
  header(url) {
    const jar = this.byOrigin.get(new URL(url).origin);
    return jar && jar.size ? [...jar].map(([k, v]) => `${k}=${v}`).join("; ") : undefined;
  }
  get(url, name) { return this.byOrigin.get(new URL(url).origin)?.get(name); }
}

export function hiddenField(html, name) {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  return m ? m[1].replaceAll("&amp;", "&").replaceAll("&quot;", '"').replaceAll("&#39;", "'").replaceAll("&lt;", "<").replaceAll("&gt;", ">") : undefined;
}

// One request with the jar; no redirects followed.
export async function browse(jar, url, init = {}) {
  const headers = { ...(init.headers ?? {}) };
  const cookie = jar.header(url);
  if (cookie) headers.cookie = cookie;
  const response = await fetch(url, { ...init, headers, redirect: "manual" });
  jar.store(url, response);
  return response;
}

export async function registerClient(workerUrl, metadata = {}) {
  const r = await fetch(`${workerUrl}/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ redirect_uris: ["http://127.0.0.1:9/callback"], token_endpoint_auth_method: "none",
      client_name: "integration tests", ...metadata }),
  });
  if (r.status !== 201) throw new Error(`register: ${r.status} ${await r.text()}`);
  return r.json();
}

export function pkce() {
  const verifier = b64url(randomBytes(32));
  return { verifier, challenge: b64url(createHash("sha256").update(verifier).digest()) };
}

// The /authorize URL of an authorization request (PKCE S256, `state`, optional RFC 8707 resource).
export function authorizeUrl(workerUrl, { client, challenge, state, redirectUri = client.redirect_uris[0], resource, extraQuery = {} }) {
  const q = new URLSearchParams({ response_type: "code", client_id: client.client_id, redirect_uri: redirectUri,
    ...(state === undefined ? {} : { state }), code_challenge: challenge, code_challenge_method: "S256",
    ...(resource ? { resource } : {}), ...extraQuery });
  return `${workerUrl}/authorize?${q}`;
}

// Submits the consent page `html` (Approve or Deny) from the browser `jar`; returns the response.
export async function submitConsent(workerUrl, jar, html, action = "approve") {
  const body = new URLSearchParams({ request: hiddenField(html, "request"), csrf: hiddenField(html, "csrf"), action });
  return browse(jar, `${workerUrl}/authorize`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
}

// On the stand-in: opens its sign-in page at `toGitHub` (the worker's redirect), picks `login`, and
// returns the URL GitHub sends the browser back to (the worker's /callback with code and state).
export async function pickLoginAtGitHub(jar, toGitHub, login = "octocat") {
  const page = await browse(jar, toGitHub.href);
  if (page.status !== 200) throw new Error(`stand-in page: ${page.status}`);
  await page.body?.cancel();
  const form = new URLSearchParams({ client_id: toGitHub.searchParams.get("client_id"), redirect_uri: toGitHub.searchParams.get("redirect_uri"),
    state: toGitHub.searchParams.get("state"), scope: toGitHub.searchParams.get("scope") ?? "", login });
  const r = await browse(jar, `${toGitHub.origin}${toGitHub.pathname}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form });
  if (r.status !== 302) throw new Error(`stand-in sign-in: ${r.status}`);
  return new URL(r.headers.get("location"));
}

// From an authorization URL to the worker's redirect to GitHub: approves the consent page when the
// browser gets one (it is skipped when this browser approved the client before). Returns a URL.
export async function authorizeToGitHub(jar, authorizationUrl) {
  const url = new URL(authorizationUrl);
  let r = await browse(jar, url.href);
  if (r.status === 200) r = await submitConsent(url.origin, jar, await r.text());
  if (r.status !== 302) throw new Error(`authorize: expected a redirect to GitHub, got ${r.status} ${await r.text()}`);
  return new URL(r.headers.get("location"));
}

// The whole browser part for an authorization URL, as an MCP client's browser does it:
// /authorize -> consent -> stand-in -> /callback. Returns the redirect back to the client (a URL).
export async function completeInBrowser(jar, authorizationUrl, { login = "octocat" } = {}) {
  const toGitHub = await authorizeToGitHub(jar, authorizationUrl);
  const callback = await pickLoginAtGitHub(jar, toGitHub, login);
  const r = await browse(jar, callback.href); // the worker's /callback
  if (r.status !== 302) throw new Error(`callback: ${r.status} ${await r.text()}`);
  return new URL(r.headers.get("location"));
}

// Walks the browser part: /authorize -> consent -> stand-in -> /callback. Returns the redirect
// back to the client (a URL) and the jar.
export async function authorizeInBrowser(workerUrl, { client, login = "octocat", challenge, state = "s-" + b64url(randomBytes(6)),
  redirectUri = client.redirect_uris[0], resource, jar = new CookieJar(), extraQuery = {} }) {
  const url = authorizeUrl(workerUrl, { client, challenge, state, redirectUri, resource, extraQuery });
  const location = await completeInBrowser(jar, url, { login });
  return { location, jar, state };
}

// POSTs a form to /token. Returns { status, headers, text, json }.
export async function tokenRequest(workerUrl, fields, { headers = {} } = {}) {
  const r = await fetch(`${workerUrl}/token`, {
    method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, body: new URLSearchParams(fields),
  });
  const text = await r.text();
  let json;
  try { json = JSON.parse(text); } catch {}
  return { status: r.status, headers: r.headers, text, json };
}

export async function redeemCode(workerUrl, { client, code, verifier, redirectUri = client.redirect_uris[0] }) {
  const r = await tokenRequest(workerUrl, { grant_type: "authorization_code", code, redirect_uri: redirectUri, code_verifier: verifier, client_id: client.client_id });
  if (r.status !== 200) throw new Error(`token: ${r.status} ${r.text}`);
  return r.json;
}

// The whole path: returns { accessToken, refreshToken, client }.
export async function signIn(workerUrl, { login = "octocat", client, jar } = {}) {
  client ??= await registerClient(workerUrl);
  const { verifier, challenge } = pkce();
  const { location } = await authorizeInBrowser(workerUrl, { client, login, challenge, jar });
  const code = location.searchParams.get("code");
  if (!code) throw new Error(`no code in ${location}`);
  const tokens = await redeemCode(workerUrl, { client, code, verifier });
  return { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, tokens, client };
}

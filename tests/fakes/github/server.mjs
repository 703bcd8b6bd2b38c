// GitHub stand-in: GitHub's OAuth web flow (github.com/login/oauth/*) and the REST `GET /user`
// (api.github.com/user) on one local origin, for `npm run dev` without a real GitHub OAuth App and
// for the integration tests. Never part of the deployed worker. Dependency-free (node:http only).
//
//   import { startGitHubStandIn } from "./tests/fakes/github/server.mjs";
//   const gh = await startGitHubStandIn({ clientId: "X", clientSecret: "Y" });
//   gh.oauthUrl   // http://127.0.0.1:<port>/login/oauth  (authorize, access_token)
//   gh.apiUrl     // http://127.0.0.1:<port>              (GET /user)
//   gh.control    // revoke, setRateLimit, fail, requests, reset, ... (also over HTTP at /_standin/*)
//   await gh.close();
//
//   node tests/fakes/github/server.mjs --port 8790 --client-id X --client-secret Y
//
// README.md next to this file lists every endpoint and control.
import http from "node:http";
import { createHash, randomBytes } from "node:crypto";
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const MAX_BODY_BYTES = 64 * 1024;
export const CODE_TTL_MS = 10 * 60 * 1000;
const DRAIN_LIMIT_BYTES = 4 * 1024 * 1024; // an oversized body is read (and dropped) up to this, then cut
const RATE_LIMIT = 5000;
const RATE_WINDOW_S = 3600;
const LOG_LIMIT = 1000;
const DEFAULT_CLIENT_ID = "standin-client-id";
const DEFAULT_CLIENT_SECRET = "standin-client-secret";
const TITLE = "Development sign-in (GitHub stand-in)";
const LOGIN_RE = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/; // GitHub's login rules
const FAIL_ENDPOINTS = ["access_token", "user"];
const FAIL_MODES = ["500", "garbage", "timeout", "huge"];
// "huge": an answer far over any sane cap, streamed without a length until the client stops
// reading (at most HUGE_BYTES). `control.hugeAnswers()` says how much each one sent.
const HUGE_BYTES = 64 * 1024 * 1024;

const DOCS_TOKEN_ERRORS = "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/";
const DOCS_AUTHORIZE_ERRORS = "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors/";
const TOKEN_ERRORS = {
  incorrect_client_credentials: ["The client_id and/or client_secret passed are incorrect.", `${DOCS_TOKEN_ERRORS}#incorrect-client-credentials`],
  redirect_uri_mismatch: ["The redirect_uri MUST match the registered callback URL for this application.", `${DOCS_AUTHORIZE_ERRORS}#redirect-uri-mismatch2`],
  bad_verification_code: ["The code passed is incorrect or expired.", `${DOCS_TOKEN_ERRORS}#bad-verification-code`],
};
const NO_USER_AGENT =
  "Request forbidden by administrative rules. Please make sure your request has a User-Agent header " +
  "(https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required). " +
  "Check https://developer.github.com for other possible causes.\n";

// The default sign-in choices. Only octocat's id/name/email are GitHub's real ones; the rest is
// plausible filler. `startGitHubStandIn({ users })` replaces the whole list.
export const DEFAULT_USERS = Object.freeze([
  {
    login: "octocat", id: 583231, name: "The Octocat", email: "octocat@github.com", company: "@github",
    blog: "https://github.blog", location: "San Francisco", bio: null, public_repos: 8, public_gists: 8,
    followers: 4000, following: 9, created_at: "2011-01-25T18:44:36Z", updated_at: "2024-01-22T12:12:34Z",
  },
  {
    login: "hubot", id: 480938, name: "Hubot", email: null, company: "@github", blog: "https://hubot.github.com",
    location: "The Cloud", bio: "I am a robot.", public_repos: 3, public_gists: 0, followers: 800, following: 0,
    created_at: "2010-11-09T19:26:09Z", updated_at: "2023-11-03T08:15:00Z",
  },
  {
    login: "monalisa", id: 2001001, name: "Mona Lisa Octocat", email: "monalisa@example.com", company: null,
    blog: "", location: "Paris", bio: "Smiling since 1503.", public_repos: 12, public_gists: 2, followers: 150,
    following: 20, created_at: "2012-03-14T09:26:53Z", updated_at: "2024-05-01T10:00:00Z",
  },
]);

// A stable id for a login that is not in the user list (same login -> same id, in every run).
export function idForLogin(login) {
  const h = createHash("sha256").update(String(login).toLowerCase()).digest();
  return 100_000_000 + (h.readUInt32BE(0) % 900_000_000);
}

function normalizeUser(input) {
  if (!input || typeof input !== "object") throw new TypeError("each user must be an object with a login");
  const login = String(input.login ?? "");
  if (!LOGIN_RE.test(login)) throw new TypeError(`invalid GitHub login: ${JSON.stringify(input.login)}`);
  const id = input.id ?? idForLogin(login);
  if (!Number.isSafeInteger(id) || id <= 0) throw new TypeError(`invalid id for ${login}`);
  return {
    company: null, blog: "", location: null, bio: null, public_repos: 0, public_gists: 0, followers: 0,
    following: 0, created_at: "2020-01-01T00:00:00Z", updated_at: "2020-01-01T00:00:00Z",
    ...input, login, id, name: input.name === undefined ? login : input.name, email: input.email ?? null,
  };
}

// The authenticated-user representation of GET /user, in GitHub's field order.
function userJson(u) {
  const api = `https://api.github.com/users/${u.login}`;
  return {
    login: u.login,
    id: u.id,
    node_id: Buffer.from(`04:User${u.id}`).toString("base64"),
    avatar_url: `https://avatars.githubusercontent.com/u/${u.id}?v=4`,
    gravatar_id: "",
    url: api,
    html_url: `https://github.com/${u.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: "User",
    user_view_type: "public",
    site_admin: false,
    name: u.name,
    company: u.company,
    blog: u.blog,
    location: u.location,
    email: u.email,
    hireable: null,
    bio: u.bio,
    twitter_username: null,
    notification_email: u.email,
    public_repos: u.public_repos,
    public_gists: u.public_gists,
    followers: u.followers,
    following: u.following,
    created_at: u.created_at,
    updated_at: u.updated_at,
    private_gists: 0,
    total_private_repos: 0,
    owned_private_repos: 0,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: true,
    plan: { name: "free", space: 976562499, collaborators: 0, private_repos: 10000 },
  };
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
function randomAlnum(n) {
  let s = "";
  while (s.length < n) {
    for (const b of randomBytes(n * 2)) {
      if (b >= 248) continue; // 248 = 4 * 62: keeps the draw uniform
      s += ALNUM[b % 62];
      if (s.length === n) break;
    }
  }
  return s;
}

const escapeHtml = (v) => String(v ?? "").replace(/[&<>"']/g, (c) =>
  ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

// GitHub reports granted scopes comma-separated; requests may separate them by spaces or commas.
const normalizeScope = (scope) => String(scope ?? "").split(/[\s,]+/).filter(Boolean).join(",");

// An absolute http(s) URL without a fragment, written in printable ASCII (it goes into a Location
// header as it is), or null.
function parseRedirectUri(value) {
  if (typeof value !== "string" || value === "" || /[^\x21-\x7e]/.test(value)) return null;
  let u;
  try { u = new URL(value); } catch { return null; }
  if ((u.protocol !== "http:" && u.protocol !== "https:") || value.includes("#")) return null;
  return u;
}

// Appends parameters to a redirect URI, keeping its own query exactly as written.
function withQuery(redirectUri, params) {
  const extra = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) extra.append(k, v);
  const sep = !redirectUri.includes("?") ? "?" : /[?&]$/.test(redirectUri) ? "" : "&";
  return redirectUri + sep + extra.toString();
}

// Request parameters from the query string and a form-encoded or JSON body (the body wins).
function readParams(url, req, body) {
  const params = Object.fromEntries(url.searchParams);
  if (!body || body.length === 0) return params;
  const type = String(req.headers["content-type"] ?? "").toLowerCase();
  const text = body.toString("utf8");
  if (type.includes("json")) {
    let parsed;
    try { parsed = JSON.parse(text); } catch { return params; }
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
      for (const [k, v] of Object.entries(parsed)) {
        if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") params[k] = String(v);
      }
    }
    return params;
  }
  const seen = new Set(); // the first occurrence of a repeated field counts, as URLSearchParams.get
  for (const [k, v] of new URLSearchParams(text)) {
    if (!seen.has(k)) { seen.add(k); params[k] = v; }
  }
  return params;
}

// The Authorization header as logged: its scheme only ("Bearer", "token", ...). A value that is
// not "<scheme> <credentials>" (e.g. a bare token) is logged as "[redacted]".
function authScheme(value) {
  if (value === undefined) return null;
  const m = /^\s*([A-Za-z][A-Za-z0-9!#$%&'*+.^`|~-]*)(\s+\S.*)?$/s.exec(value);
  if (!m) return "[redacted]";
  return m[2] || /^(bearer|token|basic)$/i.test(m[1]) ? m[1] : "[redacted]";
}

class TooLarge extends Error {
  constructor(cut) { super("body too large"); this.cut = cut; }
}
class Aborted extends Error {}

// Reads the whole body (at most MAX_BODY_BYTES). An oversized body is drained and dropped so the
// 413 reaches the client cleanly (closing a socket with unread data resets it, and the client may
// lose the reply); past DRAIN_LIMIT_BYTES the 413 goes out at once and the connection is cut.
function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    let oversized = Number(req.headers["content-length"]) > MAX_BODY_BYTES;
    let done = false;
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) oversized = true;
      if (!oversized) chunks.push(chunk);
      if (size > DRAIN_LIMIT_BYTES && !done) { done = true; reject(new TooLarge(true)); }
    });
    req.on("end", () => {
      if (done) return;
      done = true;
      if (oversized) reject(new TooLarge(false));
      else resolve(Buffer.concat(chunks));
    });
    req.on("error", () => { if (!done) { done = true; reject(new Aborted()); } });
    req.on("close", () => { if (!done) { done = true; reject(new Aborted()); } });
  });
}

function send(res, status, headers, body = "") {
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  const buf = Buffer.from(body);
  res.writeHead(status, {
    server: "GitHub.com",
    "x-github-request-id": randomBytes(8).toString("hex").toUpperCase().replace(/(.{4})(?=.)/g, "$1:"),
    ...headers,
    "content-length": buf.length,
  });
  res.end(buf);
}
const sendJson = (res, status, obj, headers = {}) =>
  send(res, status, { "content-type": "application/json; charset=utf-8", ...headers }, JSON.stringify(obj));
const sendHtml = (res, status, html, headers = {}) =>
  send(res, status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    "x-frame-options": "deny",
    "referrer-policy": "no-referrer",
    ...headers,
  }, html);
const tooLarge = (res) =>
  sendJson(res, 413, { message: `Request body too large (limit ${MAX_BODY_BYTES} bytes)` }, { connection: "close" });
const NOT_FOUND = { message: "Not Found", documentation_url: "https://docs.github.com/rest", status: "404" };

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;margin:0;background:#f6f8fa;color:#1f2328}
main{max-width:34rem;margin:2rem auto;padding:1.5rem 2rem;background:#fff;border:1px solid #d1d9e0;border-radius:8px}
h1{font-size:1.4rem;margin-top:0}.notice{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:.75rem 1rem}
.error{background:#ffebe9;border:1px solid #ff8182;border-radius:6px;padding:.5rem 1rem}
dt{font-weight:600}dd{margin:0 0 .5rem 0;word-break:break-all}ul{list-style:none;padding:0}li{margin:.5rem 0}
button{font:inherit;padding:.35rem .9rem;border-radius:6px;border:1px solid #d1d9e0;background:#1f883d;color:#fff;cursor:pointer}
button.cancel{background:#f6f8fa;color:#1f2328}input{font:inherit;padding:.3rem .5rem}small{color:#59636e}
form{margin:1rem 0}`;

function page(title, bodyHtml) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<p class="notice" role="alert"><strong>This is NOT GitHub.</strong> It is a stand-in that exists only
for local development and tests: no password is asked, no GitHub account is used, and nothing here
leaves this machine. Never enter real credentials here.</p>
${bodyHtml}
</main>
</body>
</html>
`;
}

function signInPage({ clientId, redirectUri, scope, state, suggestedLogin, users, error }) {
  const hidden = [["client_id", clientId], ["redirect_uri", redirectUri], ["state", state], ["scope", scope]]
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<input type="hidden" name="${k}" value="${escapeHtml(v)}">`)
    .join("\n");
  const buttons = users.map((u) =>
    `<li><button name="login" value="${escapeHtml(u.login)}">Sign in as ${escapeHtml(u.login)}</button> ` +
    `<small>${escapeHtml(u.name ?? u.login)}${u.email ? ` &middot; ${escapeHtml(u.email)}` : ""} &middot; id ${u.id}</small></li>`,
  ).join("\n");
  return page(TITLE, `<dl>
<dt>Application (client id)</dt><dd><code>${escapeHtml(clientId)}</code></dd>
<dt>Requested scope</dt><dd><code>${scope ? escapeHtml(scope) : "(none)"}</code></dd>
<dt>Returns to</dt><dd><code>${escapeHtml(redirectUri)}</code></dd>
</dl>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>\n` : ""}<form method="POST" action="/login/oauth/authorize">
${hidden}
<ul>
${buttons}
</ul>
<button class="cancel" name="cancel" value="1">Cancel</button>
</form>
<form method="POST" action="/login/oauth/authorize">
${hidden}
<label for="other-login">Any other login (created on the fly)</label><br>
<input id="other-login" name="login" required maxlength="39" autocomplete="off" spellcheck="false"
 pattern="[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}" value="${escapeHtml(suggestedLogin ?? "")}">
<button>Sign in as another login</button>
</form>`);
}

/**
 * Starts the stand-in. Resolves once it listens.
 * @param {object} [options]
 * @param {number} [options.port=0]            0 picks a free port
 * @param {string} [options.host="127.0.0.1"]
 * @param {string} [options.clientId]          the one OAuth App served (default "standin-client-id")
 * @param {string} [options.clientSecret]      its secret (default "standin-client-secret")
 * @param {object[]} [options.users]           replaces DEFAULT_USERS: [{ login, id?, name?, email?, ... }]
 * @param {() => number} [options.now]         clock in ms (tests of code expiry); default Date.now
 */
export async function startGitHubStandIn({
  port = 0, host = "127.0.0.1", clientId = DEFAULT_CLIENT_ID, clientSecret = DEFAULT_CLIENT_SECRET,
  users = DEFAULT_USERS, now = Date.now,
} = {}) {
  if (!Array.isArray(users)) throw new TypeError("users must be an array of { login, ... }");
  clientId = String(clientId);
  clientSecret = String(clientSecret);
  const baseUsers = new Map();
  for (const u of users.map(normalizeUser)) {
    if (baseUsers.has(u.login.toLowerCase())) throw new TypeError(`duplicate login ${u.login}`);
    baseUsers.set(u.login.toLowerCase(), u);
  }

  // Mutable state; reset() restores it.
  let extraUsers, codes, tokens, rateLimitOn, rateWindows, failures, log, seq, hugeAnswers;
  const reset = () => {
    extraUsers = new Map(); // logins signed in with but not in `users`
    codes = new Map(); // code -> { clientId, redirectUri, login, scope, expiresAt }
    tokens = new Map(); // token -> { login, scope, clientId }
    rateLimitOn = false;
    rateWindows = new Map(); // user id -> { used, reset (epoch s) }
    failures = { access_token: null, user: null }; // -> { mode, remaining }
    hugeAnswers = [];
    log = [];
    seq = 0;
  };
  reset();

  const findUser = (login) => {
    const key = String(login).toLowerCase();
    return baseUsers.get(key) ?? extraUsers.get(key) ?? null;
  };
  const findOrCreateUser = (login) => {
    let u = findUser(login);
    if (!u) {
      u = normalizeUser({ login, name: login, email: null });
      extraUsers.set(login.toLowerCase(), u);
    }
    return u;
  };

  const issueToken = ({ login, scope = "read:user" } = {}) => {
    if (typeof login !== "string" || !LOGIN_RE.test(login)) throw new TypeError("issueToken needs a valid login");
    if (typeof scope !== "string") throw new TypeError("scope must be a string");
    const user = findOrCreateUser(login);
    const token = `gho_${randomAlnum(36)}`;
    tokens.set(token, { login: user.login, scope: normalizeScope(scope), clientId });
    return { access_token: token, scope: normalizeScope(scope), token_type: "bearer" };
  };

  const revoke = ({ token, login } = {}) => {
    if (typeof token !== "string" && typeof login !== "string") throw new TypeError("revoke needs { token } or { login }");
    let revoked = 0;
    if (typeof token === "string" && tokens.delete(token)) revoked++;
    if (typeof login === "string") {
      for (const [t, rec] of tokens) {
        if (rec.login.toLowerCase() === login.toLowerCase()) { tokens.delete(t); revoked++; }
      }
    }
    return revoked;
  };

  const setRateLimit = (on) => {
    if (typeof on !== "boolean") throw new TypeError("setRateLimit needs true or false");
    rateLimitOn = on;
    return rateLimitOn;
  };

  const fail = (endpoint, mode, { times } = {}) => {
    if (!FAIL_ENDPOINTS.includes(endpoint)) throw new TypeError(`endpoint must be one of ${FAIL_ENDPOINTS.join(", ")}`);
    if (mode === null || mode === undefined) { failures[endpoint] = null; return null; }
    mode = String(mode);
    if (!FAIL_MODES.includes(mode)) throw new TypeError(`mode must be one of ${FAIL_MODES.join(", ")} or null`);
    if (times !== undefined && times !== null && !(Number.isSafeInteger(times) && times > 0)) {
      throw new TypeError("times must be a positive integer");
    }
    failures[endpoint] = { mode, remaining: times ?? Infinity };
    return { endpoint, mode, times: times ?? null };
  };

  // Consumes one injected failure for `endpoint`, if any.
  const takeFailure = (endpoint) => {
    const f = failures[endpoint];
    if (!f) return null;
    if (--f.remaining <= 0) failures[endpoint] = null;
    return f.mode;
  };

  const requests = ({ path } = {}) => structuredClone(path ? log.filter((e) => e.path === path) : log);

  const record = (req, url, params) => {
    const h = req.headers;
    const logged = { ...params };
    if ("client_secret" in logged) logged.client_secret = "[redacted]";
    log.push({
      seq: ++seq,
      time: new Date(now()).toISOString(),
      method: req.method,
      path: url.pathname,
      headers: {
        "user-agent": h["user-agent"] ?? null,
        accept: h.accept ?? null,
        authorization: authScheme(h.authorization),
        "content-type": h["content-type"] ?? null,
      },
      params: logged,
    });
    if (log.length > LOG_LIMIT) log.splice(0, log.length - LOG_LIMIT);
  };

  const hung = new Set(); // responses of "timeout" failures, never answered

  // --- GitHub endpoints -------------------------------------------------------------------------

  function authorizeRequest(res, p) {
    if (p.client_id !== clientId) {
      sendHtml(res, 404, page("Not Found (GitHub stand-in)",
        `<p class="error">No OAuth application with client id <code>${escapeHtml(p.client_id ?? "")}</code>` +
        ` is registered here. This stand-in serves client id <code>${escapeHtml(clientId)}</code> only.</p>`));
      return null;
    }
    if (!parseRedirectUri(p.redirect_uri)) {
      sendHtml(res, 400, page("Bad redirect_uri (GitHub stand-in)",
        `<p class="error">redirect_uri must be an absolute http(s) URL without a fragment; got ` +
        `<code>${escapeHtml(p.redirect_uri ?? "(none)")}</code>. The stand-in has no registered callback URL ` +
        `to fall back on.</p>`));
      return null;
    }
    return true;
  }

  function getAuthorize(res, p) {
    if (!authorizeRequest(res, p)) return;
    sendHtml(res, 200, signInPage({
      clientId: p.client_id, redirectUri: p.redirect_uri, scope: p.scope, state: p.state,
      suggestedLogin: p.login, users: [...baseUsers.values()],
    }));
  }

  function postAuthorize(res, p) {
    if (!authorizeRequest(res, p)) return;
    if (p.cancel !== undefined) {
      send(res, 302, {
        location: withQuery(p.redirect_uri, {
          error: "access_denied",
          error_description: "The user has denied your application access.",
          error_uri: `${DOCS_AUTHORIZE_ERRORS}#access-denied`,
          state: p.state,
        }),
        "cache-control": "no-store",
      });
      return;
    }
    const login = String(p.login ?? "").trim();
    if (!LOGIN_RE.test(login)) {
      sendHtml(res, 400, signInPage({
        clientId: p.client_id, redirectUri: p.redirect_uri, scope: p.scope, state: p.state,
        suggestedLogin: login, users: [...baseUsers.values()],
        error: `"${login}" is not a valid GitHub login (letters, digits and single hyphens, at most 39 characters, ` +
          `not starting or ending with a hyphen).`,
      }));
      return;
    }
    const user = findOrCreateUser(login);
    const code = randomBytes(10).toString("hex");
    codes.set(code, {
      clientId, redirectUri: p.redirect_uri, login: user.login, scope: normalizeScope(p.scope),
      expiresAt: now() + CODE_TTL_MS,
    });
    send(res, 302, { location: withQuery(p.redirect_uri, { code, state: p.state }), "cache-control": "no-store" });
  }

  function postAccessToken(req, res, p) {
    const wantsJson = /json/i.test(req.headers.accept ?? "");
    const reply = (obj) => {
      if (wantsJson) sendJson(res, 200, obj, { "cache-control": "no-store" });
      else send(res, 200, { "content-type": "application/x-www-form-urlencoded; charset=utf-8", "cache-control": "no-store" },
        new URLSearchParams(obj).toString());
    };
    const error = (name) => {
      const [description, uri] = TOKEN_ERRORS[name];
      reply({ error: name, error_description: description, error_uri: uri });
    };
    let { client_id: id, client_secret: secret } = p;
    const basic = /^\s*basic\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
    if (basic && id === undefined && secret === undefined) {
      const decoded = Buffer.from(basic[1], "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon >= 0) { id = decodeURIComponentSafe(decoded.slice(0, colon)); secret = decodeURIComponentSafe(decoded.slice(colon + 1)); }
    }
    if (id !== clientId || secret !== clientSecret) return error("incorrect_client_credentials");
    const rec = typeof p.code === "string" ? codes.get(p.code) : undefined;
    if (!rec || rec.clientId !== id) return error("bad_verification_code");
    if (now() > rec.expiresAt) { codes.delete(p.code); return error("bad_verification_code"); }
    if (p.redirect_uri !== undefined && p.redirect_uri !== "" && p.redirect_uri !== rec.redirectUri) {
      return error("redirect_uri_mismatch");
    }
    codes.delete(p.code);
    const token = `gho_${randomAlnum(36)}`;
    tokens.set(token, { login: rec.login, scope: rec.scope, clientId: rec.clientId });
    reply({ access_token: token, scope: rec.scope, token_type: "bearer" }); // GitHub's order
  }

  function getUser(req, res) {
    const ua = req.headers["user-agent"];
    if (ua === undefined || ua.trim() === "") {
      send(res, 403, { "content-type": "text/html", connection: "close" }, NO_USER_AGENT);
      return;
    }
    const auth = req.headers.authorization;
    if (auth === undefined) {
      sendJson(res, 401, {
        message: "Requires authentication",
        documentation_url: "https://docs.github.com/rest/users/users#get-the-authenticated-user",
        status: "401",
      });
      return;
    }
    const m = /^\s*(?:bearer|token)\s+(\S+)\s*$/i.exec(auth);
    const rec = m ? tokens.get(m[1]) : undefined;
    const user = rec ? findUser(rec.login) : null;
    if (!user) {
      sendJson(res, 401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest", status: "401" });
      return;
    }
    const nowS = Math.floor(now() / 1000);
    let w = rateWindows.get(user.id);
    if (!w || nowS >= w.reset) rateWindows.set(user.id, (w = { used: 0, reset: nowS + RATE_WINDOW_S }));
    const common = {
      "x-oauth-scopes": rec.scope.split(",").join(", "),
      "x-accepted-oauth-scopes": "",
      "x-github-media-type": "github.v3; format=json",
      "x-github-api-version-selected": "2022-11-28",
      "x-ratelimit-limit": String(RATE_LIMIT),
      "x-ratelimit-reset": String(w.reset),
      "x-ratelimit-resource": "core",
    };
    if (rateLimitOn || w.used >= RATE_LIMIT) {
      sendJson(res, 403, {
        message: `API rate limit exceeded for user ID ${user.id}. If you reach out to GitHub Support for help, ` +
          "please include the request ID and timestamp.",
        documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
        status: "403",
      }, { ...common, "x-ratelimit-remaining": "0", "x-ratelimit-used": String(RATE_LIMIT) });
      return;
    }
    w.used++;
    sendJson(res, 200, userJson(user), {
      ...common,
      "x-ratelimit-remaining": String(RATE_LIMIT - w.used),
      "x-ratelimit-used": String(w.used),
      "cache-control": "private, max-age=60, s-maxage=60",
      vary: "Accept, Authorization, Cookie, X-GitHub-OTP, Accept-Encoding",
    });
  }

  // Answers a request hit by an injected failure.
  function injectFailure(req, res, endpoint, mode) {
    if (mode === "timeout") {
      hung.add(res);
      res.on("close", () => hung.delete(res));
      return;
    }
    if (mode === "500") {
      if (endpoint === "user") sendJson(res, 500, { message: "Server Error" });
      else sendHtml(res, 500, "<!DOCTYPE html>\n<title>Unicorn! · GitHub</title>\n<p>500: something went wrong (GitHub stand-in failure mode)</p>\n");
      return;
    }
    if (mode === "huge") {
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const record = { sent: 0, complete: false };
      hugeAnswers.push(record);
      const more = () => {
        while (record.sent < HUGE_BYTES && !res.destroyed) {
          record.sent += chunk.length;
          if (!res.write(chunk)) { res.once("drain", more); return; }
        }
        record.complete = record.sent >= HUGE_BYTES;
        res.end();
      };
      res.on("error", () => {});
      more();
      return;
    }
    // garbage: the usual status and content type, a body that is neither JSON nor a form.
    const type = endpoint === "user" || /json/i.test(req.headers.accept ?? "")
      ? "application/json; charset=utf-8" : "application/x-www-form-urlencoded; charset=utf-8";
    send(res, 200, { "content-type": type }, "<html>\u0000garbage{\"from the GitHub stand-in\n");
  }

  // --- test controls (/_standin/*) --------------------------------------------------------------

  function controls(req, res, url, body) {
    const route = `${req.method} ${url.pathname}`;
    let input = {};
    if (req.method === "POST" && body.length > 0) {
      try { input = JSON.parse(body.toString("utf8")); } catch {
        return sendJson(res, 400, { message: "Problems parsing JSON" });
      }
      if (!input || typeof input !== "object" || Array.isArray(input)) {
        return sendJson(res, 400, { message: "Body must be a JSON object" });
      }
    }
    try {
      switch (route) {
        case "POST /_standin/revoke": return sendJson(res, 200, { revoked: revoke(input) });
        case "POST /_standin/rate-limit": return sendJson(res, 200, { on: setRateLimit(input.on) });
        case "POST /_standin/fail": {
          const r = fail(input.endpoint, input.mode, { times: input.times });
          return sendJson(res, 200, r ?? { endpoint: input.endpoint, mode: null, times: null });
        }
        case "POST /_standin/token": return sendJson(res, 200, issueToken(input));
        case "GET /_standin/requests":
          return sendJson(res, 200, requests({ path: url.searchParams.get("path") ?? undefined }));
        case "DELETE /_standin/requests": log = []; return send(res, 204, {});
        case "POST /_standin/reset": reset(); return sendJson(res, 200, { ok: true });
      }
    } catch (err) {
      if (err instanceof TypeError) return sendJson(res, 400, { message: err.message });
      throw err;
    }
    const known = { "/_standin/revoke": "POST", "/_standin/rate-limit": "POST", "/_standin/fail": "POST",
      "/_standin/token": "POST", "/_standin/requests": "GET, DELETE", "/_standin/reset": "POST" };
    if (known[url.pathname]) return sendJson(res, 405, { message: "Method Not Allowed" }, { allow: known[url.pathname] });
    return sendJson(res, 404, NOT_FOUND);
  }

  // --- dispatch ---------------------------------------------------------------------------------

  async function handle(req, res) {
    res.on("error", () => {});
    const target = req.url ?? "/";
    const url = /^https?:\/\//i.test(target) ? new URL(target) : new URL(`http://standin.invalid${target.startsWith("/") ? "" : "/"}${target}`);
    let body;
    try {
      body = await readBody(req);
    } catch (err) {
      if (err instanceof TooLarge) {
        if (err.cut) res.on("finish", () => req.socket.destroy());
        tooLarge(res);
      }
      return; // Aborted: the client went away
    }
    if (url.pathname.startsWith("/_standin/")) return controls(req, res, url, body);

    const params = readParams(url, req, body);
    record(req, url, params);
    const method = req.method === "HEAD" ? "GET" : req.method;
    const route = `${method} ${url.pathname}`;
    let endpoint = null;
    if (route === "POST /login/oauth/access_token") endpoint = "access_token";
    else if (route === "GET /user") endpoint = "user";
    if (endpoint) {
      const mode = takeFailure(endpoint);
      if (mode) return injectFailure(req, res, endpoint, mode);
    }
    switch (route) {
      case "GET /login/oauth/authorize": return getAuthorize(res, params);
      case "POST /login/oauth/authorize": return postAuthorize(res, params);
      case "POST /login/oauth/access_token": return postAccessToken(req, res, params);
      case "GET /user": return getUser(req, res);
    }
    return sendJson(res, 404, NOT_FOUND);
  }

  const sockets = new Set();
  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      console.error("GitHub stand-in: internal error:", err);
      try {
        if (!res.headersSent) sendJson(res, 500, { message: "Server Error" });
        else res.destroy();
      } catch { /* the socket is gone */ }
    });
  });
  // `Expect: 100-continue` (curl, for bodies over 1 KiB): refuse an oversized body before it is sent.
  server.on("checkContinue", (req, res) => {
    if (Number(req.headers["content-length"]) > MAX_BODY_BYTES) return tooLarge(res);
    res.writeContinue();
    server.emit("request", req, res);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("clientError", (err, socket) => {
    if (!socket.writable || err.code === "ECONNRESET") { socket.destroy(); return; }
    const status = err.code === "HPE_HEADER_OVERFLOW" ? "431 Request Header Fields Too Large" : "400 Bad Request";
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(Number(port), host, () => { server.off("error", reject); resolve(); });
  });
  server.on("error", (err) => console.error("GitHub stand-in: server error:", err));

  const actualPort = server.address().port;
  const urlHost = host === "0.0.0.0" || host === "" ? "127.0.0.1" : host === "::" ? "[::1]" : host.includes(":") ? `[${host}]` : host;
  const url = `http://${urlHost}:${actualPort}`;

  let closing = null;
  const close = () => {
    closing ??= new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections?.();
      for (const socket of sockets) socket.destroy();
      hung.clear();
    });
    return closing;
  };

  return {
    url,
    oauthUrl: `${url}/login/oauth`,
    apiUrl: url,
    port: actualPort,
    clientId,
    clientSecret,
    close,
    control: {
      revoke: (what) => revoke(typeof what === "string" ? { token: what } : what),
      setRateLimit,
      fail,
      requests,
      clearRequests: () => { log = []; },
      hugeAnswers: () => hugeAnswers.map((r) => ({ ...r })),
      reset,
      issueToken,
    },
  };
}

function decodeURIComponentSafe(s) {
  try { return decodeURIComponent(s.replace(/\+/g, " ")); } catch { return s; }
}

// --- command line -------------------------------------------------------------------------------

const USAGE = `usage: node tests/fakes/github/server.mjs [--port 8790] [--host 127.0.0.1] [--client-id ID] [--client-secret SECRET]
  --client-id / --client-secret default to $GITHUB_CLIENT_ID / $GITHUB_CLIENT_SECRET, else
  "${DEFAULT_CLIENT_ID}" / "${DEFAULT_CLIENT_SECRET}".`;

function parseArgs(argv) {
  const options = {
    port: 8790, host: "127.0.0.1",
    clientId: process.env.GITHUB_CLIENT_ID || DEFAULT_CLIENT_ID,
    clientSecret: process.env.GITHUB_CLIENT_SECRET || DEFAULT_CLIENT_SECRET,
  };
  const names = { "--port": "port", "--host": "host", "--client-id": "clientId", "--client-secret": "clientSecret" };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    if (arg === "--help" || arg === "-h") { console.log(USAGE); process.exit(0); }
    let value;
    const eq = arg.indexOf("=");
    if (arg.startsWith("--") && eq > 0) { value = arg.slice(eq + 1); arg = arg.slice(0, eq); }
    const key = names[arg];
    if (!key) { console.error(`unknown argument ${arg}\n${USAGE}`); process.exit(2); }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) { console.error(`${arg} needs a value\n${USAGE}`); process.exit(2); }
    }
    options[key] = value;
  }
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) { console.error(`bad --port ${options.port}`); process.exit(2); }
  options.port = port;
  return options;
}

function isMain() {
  if (!process.argv[1]) return false;
  try { return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url)); } catch { return false; }
}

if (isMain()) {
  const options = parseArgs(process.argv.slice(2));
  let standIn;
  try {
    standIn = await startGitHubStandIn(options);
  } catch (err) {
    console.error(`GitHub stand-in: cannot listen on ${options.host}:${options.port}: ${err.message}`);
    process.exit(1);
  }
  process.stdout.write(`GitHub stand-in on ${standIn.url}\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(1); // a second signal: give up on a clean close
    stopping = true;
    standIn.close().then(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

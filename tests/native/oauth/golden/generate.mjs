// Captures KV records written by the real @cloudflare/workers-oauth-provider, for the native golden
// tests (tests/native/oauth/golden_vectors_test.cpp). See README.md next to this file.
//
//   node tests/native/oauth/golden/generate.mjs            # rewrites records.json
//
// 1.2.3 runs as the reference worker does (tests/compat/reference_worker/reference.js, the version
// package.json pins); 0.8.1 and 0.10.0 are fetched with `npm pack` into a temp directory and set up
// the same way. Each library runs in node against an in-memory KV with KV's semantics (TTLs,
// metadata, sorted list pages); `cloudflare:workers` is stubbed (the library only imports
// WorkerEntrypoint, for instanceof). Every scenario records the KV namespace as the library left
// it, the secrets a client holds (codes, tokens, verifiers), and what 1.2.3 itself does when handed
// that namespace (run on a copy), so the C++ test can hold ours to the same answer.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { register } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, "../../../..");

// `cloudflare:workers` for node: the library needs only the WorkerEntrypoint class.
register("data:text/javascript," + encodeURIComponent(`
  export async function resolve(specifier, context, next) {
    if (specifier === "cloudflare:workers")
      return { url: "data:text/javascript,export class WorkerEntrypoint {}", shortCircuit: true };
    return next(specifier, context);
  }`));

export const ORIGIN = "http://localhost:8788"; // the origin of the native tests (support/requests.hpp)
export const REDIRECT_URI = "http://127.0.0.1:9999/callback"; // fake::test_redirect_uri
const DAY = 24 * 3600;

// --- a clock the scenarios can move (the libraries read Date.now) ----------------------------------
const realNow = Date.now.bind(Date);
let clockOffsetMs = 0;
Date.now = () => realNow() + clockOffsetMs;
const nowMs = () => Date.now();

// --- KV in memory, as Workers KV behaves ------------------------------------------------------------
class MemoryKV {
  constructor(entries = new Map()) { this.entries = entries; }
  clone() { return new MemoryKV(new Map([...this.entries].map(([k, v]) => [k, { ...v }]))); }
  live(name) {
    const e = this.entries.get(name);
    if (e && e.expiration !== null && e.expiration * 1000 <= nowMs()) { this.entries.delete(name); return undefined; }
    return e;
  }
  async get(name, options) {
    const e = this.live(name);
    if (!e) return null;
    const type = typeof options === "string" ? options : options?.type ?? "text";
    return type === "json" ? JSON.parse(e.value) : e.value;
  }
  async put(name, value, options = {}) {
    let expiration = null;
    if (options.expiration !== undefined) expiration = options.expiration;
    else if (options.expirationTtl !== undefined) expiration = Math.floor(nowMs() / 1000) + options.expirationTtl;
    if (expiration !== null && expiration * 1000 < nowMs() + 60_000) throw new Error(`KV put ${name}: expiration must be at least 60 s ahead`);
    this.entries.set(name, { value: String(value), expiration, metadata: options.metadata ?? null });
  }
  async delete(name) { this.entries.delete(name); }
  async list({ prefix = "", limit = 1000, cursor } = {}) {
    const names = [...this.entries.keys()].filter((n) => n.startsWith(prefix) && this.live(n)).sort();
    const start = cursor ? Number(cursor) : 0;
    const page = names.slice(start, start + limit);
    const complete = start + limit >= names.length;
    return {
      keys: page.map((name) => {
        const e = this.entries.get(name);
        return { name, ...(e.expiration !== null ? { expiration: e.expiration } : {}), ...(e.metadata !== null ? { metadata: e.metadata } : {}) };
      }),
      list_complete: complete,
      ...(complete ? {} : { cursor: String(start + limit) }),
    };
  }
  // The namespace as JSON: [{name, value, expiration, metadata}], sorted by name.
  dump() {
    return [...this.entries.keys()].sort().filter((n) => this.live(n))
      .map((name) => ({ name, ...this.entries.get(name) }));
  }
}

const { referenceWorker, PROPS } = await import(pathToFileURL(join(repoRoot, "tests/compat/reference_worker/reference.js")).href);

// --- the libraries --------------------------------------------------------------------------------

// A worker like the reference worker (same user, same props) around another version's OAuthProvider.
function workerWith(OAuthProvider, extraOptions = {}) {
  const apiHandler = { async fetch(_request, _env, ctx) { const { token: _t, ...auth } = ctx.auth ?? {}; return Response.json({ props: ctx.props, auth }); } };
  const defaultHandler = {
    async fetch(request, env) {
      const authRequest = await env.OAUTH_PROVIDER.parseAuthRequest(request);
      const { redirectTo } = await env.OAUTH_PROVIDER.completeAuthorization({
        request: authRequest, userId: "octocat", metadata: { label: "golden" }, scope: authRequest.scope, props: { ...PROPS },
      });
      return Response.redirect(redirectTo, 302);
    },
  };
  return new OAuthProvider({ apiRoute: "/mcp", apiHandler, defaultHandler, authorizeEndpoint: "/authorize",
    tokenEndpoint: "/token", clientRegistrationEndpoint: "/register", ...extraOptions });
}

async function loadOldLibrary(version, dir) {
  execFileSync("npm", ["pack", `@cloudflare/workers-oauth-provider@${version}`, "--pack-destination", dir, "--silent"], { stdio: ["ignore", "pipe", "inherit"] });
  const unpacked = join(dir, version);
  execFileSync("mkdir", ["-p", unpacked]);
  execFileSync("tar", ["xzf", join(dir, `cloudflare-workers-oauth-provider-${version}.tgz`), "-C", unpacked]);
  return import(pathToFileURL(join(unpacked, "package/dist/oauth-provider.js")).href);
}

// A client of one library on one KV: register, authorize, token, refresh, revoke, call /mcp.
function client(worker, kv) {
  const env = { OAUTH_KV: kv, PUBLIC_ORIGIN: ORIGIN };
  const ctx = { waitUntil() {}, passThroughOnException() {} };
  const call = async (path, init = {}) => {
    const r = await worker.fetch(new Request(ORIGIN + path, { redirect: "manual", ...init }), env, { ...ctx });
    const text = await r.text();
    let json;
    try { json = JSON.parse(text); } catch {}
    return { status: r.status, location: r.headers.get("location"), text, json };
  };
  const form = (fields, headers = {}) => call("/token", { method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(Object.entries(fields).filter(([, value]) => value !== undefined)) });
  return {
    kv,
    async register(metadata) {
      const r = await call("/register", { method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ redirect_uris: [REDIRECT_URI], ...metadata }) });
      if (r.status !== 201) throw new Error(`register: ${r.status} ${r.text}`);
      return r.json;
    },
    async authorize(clientId, verifier, { scope = "read write", resources = [] } = {}) {
      const q = new URLSearchParams({ response_type: "code", client_id: clientId, redirect_uri: REDIRECT_URI, state: "golden-state",
        code_challenge: await s256(verifier), code_challenge_method: "S256", scope });
      for (const r of resources) q.append("resource", r);
      const r = await call(`/authorize?${q}`);
      if (r.status !== 302) throw new Error(`authorize: ${r.status} ${r.text}`);
      return new URL(r.location).searchParams.get("code");
    },
    // With Basic credentials in `headers`, client_id stays out of the body (one method at a time).
    redeem: (clientId, code, verifier, extra = {}, headers = {}) =>
      form({ grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI, code_verifier: verifier,
        ...(headers.authorization ? {} : { client_id: clientId }), ...extra }, headers),
    refresh: (fields, headers = {}) => form({ grant_type: "refresh_token", ...fields }, headers),
    revoke: (fields) => form(fields),
    mcp: (token) => call("/mcp", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: "{}" }),
  };
}

async function s256(verifier) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return Buffer.from(digest).toString("base64url");
}

const verifier = (tag) => `golden-verifier-${tag}-`.padEnd(64, "0123456789");
const basic = (id, secret) => ({ authorization: "Basic " + btoa(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`) });
// What 1.2.3 answered, and when it issued tokens, the grant and token records it left (on its copy).
const outcome = (r, kv) => ({ status: r.status, body: r.json ?? r.text,
  ...(kv && r.json?.access_token ? { kv_after: kv.dump().filter((e) => !e.name.startsWith("client:")) } : {}) });
// Runs `step` with 1.2.3 on a copy of `kv`; returns its outcome with the records it wrote.
async function on123(kv, step) {
  const copy = v123(kv.clone());
  return outcome(await step(copy), copy.kv);
}

// --- scenarios ------------------------------------------------------------------------------------
const scenarios = [];
function snapshot(name, library, kv, inputs, reference = {}, notes = undefined) {
  scenarios.push({ name, library, now_ms: nowMs(), ...(notes ? { notes } : {}), inputs, kv: kv.dump(), reference_1_2_3: reference });
}

const v123 = (kv) => client(referenceWorker, kv);

// 1.2.3: a public client, a code, the tokens of that code, a refresh.
{
  const c = v123(new MemoryKV());
  const registered = await c.register({ client_name: "Golden client", token_endpoint_auth_method: "none",
    grant_types: ["authorization_code", "refresh_token"] });
  const v = verifier("a");
  const code = await c.authorize(registered.client_id, v);
  snapshot("1.2.3 code", "1.2.3", c.kv, { client_id: registered.client_id, code, code_verifier: v, redirect_uri: REDIRECT_URI },
    { redeem: await on123(c.kv, (r) => r.redeem(registered.client_id, code, v)),
      // OAuth 2.1 with PKCE: 1.2.3 lets the client leave redirect_uri out of the code exchange.
      redeem_without_redirect_uri: await on123(c.kv, (r) => r.redeem(registered.client_id, code, v, { redirect_uri: undefined })) });

  const tokens = (await c.redeem(registered.client_id, code, v)).json;
  snapshot("1.2.3 tokens", "1.2.3", c.kv, { client_id: registered.client_id, access_token: tokens.access_token, refresh_token: tokens.refresh_token, token_response: tokens },
    { mcp: await on123(c.kv, (r) => r.mcp(tokens.access_token)),
      refresh: await on123(c.kv, (r) => r.refresh({ refresh_token: tokens.refresh_token, client_id: registered.client_id })),
      refresh_narrowed: await on123(c.kv, (r) => r.refresh({ refresh_token: tokens.refresh_token, client_id: registered.client_id, scope: "read" })) });

  const refreshed = (await c.refresh({ refresh_token: tokens.refresh_token, client_id: registered.client_id })).json;
  snapshot("1.2.3 refreshed", "1.2.3", c.kv, { client_id: registered.client_id, access_token: refreshed.access_token,
    refresh_token: refreshed.refresh_token, previous_refresh_token: tokens.refresh_token, first_access_token: tokens.access_token },
  { mcp: await on123(c.kv, (r) => r.mcp(refreshed.access_token)),
    refresh_previous: await on123(c.kv, (r) => r.refresh({ refresh_token: tokens.refresh_token, client_id: registered.client_id })),
    refresh_current: await on123(c.kv, (r) => r.refresh({ refresh_token: refreshed.refresh_token, client_id: registered.client_id })) });
}

// 1.2.3: a confidential client that did not name its token_endpoint_auth_method (so
// client_secret_basic, authMethodExplicit absent) and a client registered without grant_types.
{
  const c = v123(new MemoryKV());
  const confidential = await c.register({ client_name: "Golden confidential client", grant_types: ["authorization_code", "refresh_token"] });
  const v = verifier("b");
  const code = await c.authorize(confidential.client_id, v);
  const tokens = (await c.redeem(confidential.client_id, code, v, {}, basic(confidential.client_id, confidential.client_secret))).json;
  snapshot("1.2.3 confidential client, method not named", "1.2.3", c.kv,
    { client_id: confidential.client_id, client_secret: confidential.client_secret, refresh_token: tokens.refresh_token },
    { refresh_basic: await on123(c.kv, (r) => r.refresh({ refresh_token: tokens.refresh_token }, basic(confidential.client_id, confidential.client_secret))),
      refresh_post: await on123(c.kv, (r) => r.refresh({ refresh_token: tokens.refresh_token, client_id: confidential.client_id, client_secret: confidential.client_secret })) });
}
{
  const c = v123(new MemoryKV());
  const registered = await c.register({ client_name: "Golden client without grant_types", token_endpoint_auth_method: "none" });
  const v = verifier("c");
  const tokens = (await c.redeem(registered.client_id, await c.authorize(registered.client_id, v), v)).json;
  snapshot("1.2.3 client registered without grant_types", "1.2.3", c.kv, { client_id: registered.client_id, refresh_token: tokens.refresh_token },
    { refresh: await on123(c.kv, (r) => r.refresh({ refresh_token: tokens.refresh_token, client_id: registered.client_id })) });
}

// 1.2.3: registrations expire after clientRegistrationTTL (90 days) unless a successful token
// request renews them past half of it. A client registered 50 days ago, and a code issued now.
{
  const c = v123(new MemoryKV());
  const registered = await c.register({ client_name: "Golden client registered 50 days ago", token_endpoint_auth_method: "none",
    grant_types: ["authorization_code", "refresh_token"] });
  clockOffsetMs += 50 * DAY * 1000;
  const v = verifier("d");
  const code = await c.authorize(registered.client_id, v);
  const after = v123(c.kv.clone());
  const redeemed = await after.redeem(registered.client_id, code, v);
  const clientAfter = after.kv.dump().find((e) => e.name === `client:${registered.client_id}`);
  snapshot("1.2.3 registration past half its TTL", "1.2.3", c.kv, { client_id: registered.client_id, code, code_verifier: v, redirect_uri: REDIRECT_URI },
    { redeem: outcome(redeemed), client_after_redeem: clientAfter });
  clockOffsetMs = 0;
}

// 0.8.1 and 0.10.0 (no resourceMetadata, as deployments of that time ran).
const dir = mkdtempSync(join(tmpdir(), "golden-wop-"));
try {
  for (const version of ["0.8.1", "0.10.0"]) {
    const { OAuthProvider } = await loadOldLibrary(version, dir);
    const old = (kv) => client(workerWith(OAuthProvider), kv);
    const cases = [
      { tag: "no resource", resources: [] },
      { tag: "resource as an array", resources: [ORIGIN, "https://other.example/mcp"] },
    ];
    for (const { tag, resources } of cases) {
      const c = old(new MemoryKV());
      // As 0.x's own clients registered: no grant_types (0.8.1 defaulted to both, 0.10.0 to
      // authorization_code only), public.
      const registered = await c.register({ client_name: `Golden ${version} client`, token_endpoint_auth_method: "none" });
      const v = verifier(`${version}-${tag.replaceAll(" ", "-")}`);
      const code = await c.authorize(registered.client_id, v, { resources });
      snapshot(`${version} code, ${tag}`, version, c.kv, { client_id: registered.client_id, code, code_verifier: v, redirect_uri: REDIRECT_URI },
        { redeem: await on123(c.kv, (r) => r.redeem(registered.client_id, code, v)) });
      const tokens = (await c.redeem(registered.client_id, code, v)).json;
      if (!tokens?.access_token) throw new Error(`${version} ${tag}: no tokens`);
      snapshot(`${version} tokens, ${tag}`, version, c.kv, { client_id: registered.client_id, access_token: tokens.access_token,
        refresh_token: tokens.refresh_token, token_response: tokens },
      { mcp: await on123(c.kv, (r) => r.mcp(tokens.access_token)),
        refresh: await on123(c.kv, (r) => r.refresh({ refresh_token: tokens.refresh_token, client_id: registered.client_id })) });
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const out = {
  generated_by: "tests/native/oauth/golden/generate.mjs",
  libraries: { reference: "@cloudflare/workers-oauth-provider 1.2.3 (tests/compat/reference_worker, resourceMetadata.resource = origin)",
    old: "@cloudflare/workers-oauth-provider 0.8.1 and 0.10.0 (no resourceMetadata)" },
  origin: ORIGIN,
  redirect_uri: REDIRECT_URI,
  props: PROPS,
  scenarios,
};
writeFileSync(join(here, "records.json"), JSON.stringify(out, null, 2) + "\n");
console.log(`wrote ${scenarios.length} scenarios to ${join(here, "records.json")}`);
for (const s of scenarios) console.log(`  ${s.name}: 1.2.3 ${JSON.stringify(Object.fromEntries(Object.entries(s.reference_1_2_3).map(([k, v]) => [k, v.status ?? v])))}`);

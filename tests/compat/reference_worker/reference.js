// The reference: @cloudflare/workers-oauth-provider 1.2.3 itself (the exact version package.json
// pins) as one combined OAuthProvider (apiRoute /mcp, /authorize, /token, /register), on the
// same KV namespace as our worker. Test-only, nothing here is part of the product. index.js is the workerd entry
// (tests/integration/kv_compat.test.mjs runs it next to ours); tests/native/oauth/golden/generate.mjs
// imports this module in node to capture the library's records for the native golden tests.
//
//   /register            the library's dynamic client registration
//   /token               the library's token endpoint (codes, refresh, RFC 7009 revocation)
//   /authorize           parseAuthRequest() + completeAuthorization() for a fixed user (octocat)
//                        with the requested scope, at once: no browser, no consent, no GitHub
//   /mcp                 the library's apiRoute: answers JSON {props, auth} of the token it accepted
//   /_test/kv?prefix=    every key under prefix with its value, expiration and metadata (tests)
//
// Vars:
//   PUBLIC_ORIGIN   the origin this deployment answers as, e.g. our worker's http://127.0.0.1:PORT.
//                   Requests are rewritten to it before the library sees them, as if this worker
//                   were deployed on our hostname: that is the switch being tested (one hostname,
//                   one KV namespace, first one server, then the other). It is also the
//                   configured resource (resourceMetadata.resource), so tokens are bound to it.
import { AuthorizationError, OAuthProvider } from "@cloudflare/workers-oauth-provider";

export const USER_ID = "octocat";
export const PROPS = Object.freeze({ login: "octocat", id: 583231, name: "The Octocat", email: null, accessToken: "gho_reference" });

const json = (value, status = 200) =>
  new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json", "cache-control": "no-store" } });

const apiHandler = {
  async fetch(request, env, ctx) {
    const { token: _token, ...auth } = ctx.auth ?? {};
    return json({ props: ctx.props, auth, userId: ctx.auth?.userId, clientId: ctx.auth?.clientId });
  },
};

async function authorize(request, env) {
  let authRequest;
  try {
    authRequest = await env.OAUTH_PROVIDER.parseAuthRequest(request);
  } catch (e) {
    if (!(e instanceof AuthorizationError)) throw e;
    if (e.redirectTo) return Response.redirect(e.redirectTo, 302);
    return json({ error: e.code, error_description: e.description }, 400);
  }
  const { redirectTo } = await env.OAUTH_PROVIDER.completeAuthorization({
    request: authRequest,
    userId: USER_ID,
    metadata: { label: "reference worker" },
    scope: authRequest.scope,
    props: { ...PROPS },
  });
  return Response.redirect(redirectTo, 302);
}

async function dumpKv(url, env) {
  const prefix = url.searchParams.get("prefix") ?? "";
  const entries = [];
  let cursor;
  do {
    const page = await env.OAUTH_KV.list({ prefix, cursor });
    for (const key of page.keys) {
      const value = await env.OAUTH_KV.get(key.name);
      entries.push({ name: key.name, value, expiration: key.expiration ?? null, metadata: key.metadata ?? null });
    }
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return json(entries);
}

const defaultHandler = {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/authorize") return authorize(request, env);
    if (url.pathname === "/_test/kv") return dumpKv(url, env);
    if (url.pathname === "/") return new Response("workers-oauth-provider 1.2.3 reference worker\n");
    return new Response("Not found\n", { status: 404 });
  },
};

// One provider per configured origin (module scope is shared by every request of an isolate).
const providers = new Map();
export function providerFor(origin) {
  let provider = providers.get(origin);
  if (!provider) {
    provider = new OAuthProvider({
      apiRoute: "/mcp",
      apiHandler,
      defaultHandler,
      authorizeEndpoint: "/authorize",
      tokenEndpoint: "/token",
      clientRegistrationEndpoint: "/register",
      resourceMetadata: { resource: origin },
    });
    providers.set(origin, provider);
  }
  return provider;
}

export const referenceWorker = {
  fetch(request, env, ctx) {
    const url = new URL(request.url);
    const origin = env.PUBLIC_ORIGIN ? new URL(env.PUBLIC_ORIGIN).origin : url.origin;
    if (url.origin !== origin) request = new Request(origin + url.pathname + url.search, request);
    return providerFor(origin).fetch(request, env, ctx);
  },
};

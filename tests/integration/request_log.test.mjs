// The request log in workerd: one JSON line per request outcome with a stable reason, and no
// secret in any line of a whole run (issue: operators' structured logs).
//
// The run: register, consent, the stand-in GitHub, callback, token, refresh, every tool over /mcp,
// a tool over /sse, a forged token, revocation, a replayed code, a 404 with a secret-looking query.
// Then every line of wrangler dev's output is checked: the worker's lines, and wrangler's own.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startWorker } from "./support/worker.mjs";
import { openSession, post, rpc } from "./support/mcp_http.mjs";
import { openSseSession, postMessage, retry } from "./support/sse.mjs";
import { authorizeInBrowser, pkce, redeemCode, registerClient, tokenRequest } from "./support/sign_in.mjs";

let worker;
const secrets = new Map(); // name -> value that must never be printed
let requestLines = [];

// wrangler dev prefixes what a worker prints with "[<worker name>] ".
const printed = () => worker.output().split("\n").map((l) => l.replace(/^\[[\w-]+\] /, ""));
const requestLog = () => printed().filter((l) => l.startsWith('{"event":"request"')).map((l) => JSON.parse(l));

before(async () => {
  worker = await startWorker({ keepOutput: true, logLevel: "log", vars: { ALLOWED_USERNAMES: "octocat" } });
  secrets.set("COOKIE_ENCRYPTION_KEY", worker.cookieEncryptionKey);
  secrets.set("GITHUB_CLIENT_SECRET", worker.github.clientSecret);

  // A confidential client, so a client secret exists to leak.
  const client = await registerClient(worker.url, { token_endpoint_auth_method: "client_secret_post" });
  secrets.set("client_secret", client.client_secret);
  const { verifier, challenge } = pkce();
  secrets.set("code_verifier", verifier);
  const { location, state } = await authorizeInBrowser(worker.url, { client, challenge });
  const code = location.searchParams.get("code");
  secrets.set("authorization code", code);
  secrets.set("client state", state);
  const tokens = await tokenRequest(worker.url, {
    grant_type: "authorization_code", code, redirect_uri: client.redirect_uris[0], code_verifier: verifier,
    client_id: client.client_id, client_secret: client.client_secret,
  });
  assert.equal(tokens.status, 200, tokens.text);
  secrets.set("first access token", tokens.json.access_token);
  secrets.set("first refresh token", tokens.json.refresh_token);

  const refreshed = await tokenRequest(worker.url, {
    grant_type: "refresh_token", refresh_token: tokens.json.refresh_token, client_id: client.client_id, client_secret: client.client_secret,
  });
  assert.equal(refreshed.status, 200, refreshed.text);
  const token = refreshed.json.access_token;
  secrets.set("access token", token);
  secrets.set("refresh token", refreshed.json.refresh_token);

  const { session } = await openSession(worker.url, "2025-06-18", { token });
  for (const [name, args] of [["add", { a: 1, b: 2 }], ["userInfoOctokit", {}], ["generateImage", { prompt: "a cat" }], ["generateImage", { prompt: "" }]]) {
    const r = await post(worker.url, rpc("tools/call", { name, arguments: args }), { session, token });
    assert.equal(r.status, 200, r.text);
  }
  const unknown = await post(worker.url, rpc("tools/call", { name: "nope", arguments: {} }), { session, token });
  assert.equal(unknown.json.error.code, -32602);

  const sse = await openSseSession(worker.url, { token });
  const posted = await postMessage(worker.url, sse.sessionId, rpc("tools/call", { name: "add", arguments: { a: 2, b: 3 } }), { token });
  assert.equal(posted.status, 202);
  await sse.stream.message((m) => m.result !== undefined);
  sse.stream.close();

  const forged = await post(worker.url, rpc("ping"), { token: token.slice(0, -4) + "AAAA" });
  assert.equal(forged.status, 401);
  const revoked = await tokenRequest(worker.url, { token, client_id: client.client_id, client_secret: client.client_secret });
  assert.equal(revoked.status, 200, revoked.text);
  const replay = await tokenRequest(worker.url, {
    grant_type: "authorization_code", code, redirect_uri: client.redirect_uris[0], code_verifier: verifier,
    client_id: client.client_id, client_secret: client.client_secret,
  });
  assert.equal(replay.status, 400);
  const lost = await fetch(`${worker.url}/nowhere?code=${encodeURIComponent(code)}`);
  assert.equal(lost.status, 404);

  // Lines arrive through wrangler's stdout: wait until the 404 (the last request) is logged.
  requestLines = await retry(async () => requestLog(), (l) => l.some((x) => x.route === "other" && x.status === 404), { tries: 25 });
});
after(async () => { await worker?.stop(); });

test("every request outcome is one JSON line with method, route, status and a stable reason", () => {
  for (const line of requestLines) {
    assert.deepEqual(Object.keys(line).slice(0, 5), ["event", "method", "route", "status", "reason"], JSON.stringify(line));
    assert.match(line.reason, /^[a-z_]+$/, JSON.stringify(line));
  }
  const seen = (pred) => requestLines.filter(pred);
  for (const route of ["/register", "/authorize", "/callback", "/token", "/mcp", "/sse", "/sse/message"])
    assert.ok(seen((l) => l.route === route).length > 0, `no line for ${route}`);
  assert.equal(seen((l) => l.route === "/register" && l.status === 201).length, 1);
  assert.equal(seen((l) => l.route === "/token" && l.reason === "invalid_grant").length, 1, "the replayed code");
  assert.equal(seen((l) => l.route === "/mcp" && l.status === 401 && l.reason === "invalid_token").length, 1, "the forged token");
});

test("tool calls name the tool, the user and the client; failures say why", () => {
  const calls = requestLines.filter((l) => l.rpc === "tools/call");
  const byTool = (tool) => calls.filter((l) => l.tool === tool).map((l) => `${l.route} ${l.reason}`);
  assert.deepEqual(byTool("add").sort(), ["/mcp ok", "/sse/message ok"]);
  assert.deepEqual(byTool("userInfoOctokit"), ["/mcp ok"]);
  assert.deepEqual(byTool("generateImage"), ["/mcp ok", "/mcp invalid_arguments"]);
  assert.deepEqual(byTool("nope"), ["/mcp invalid_params"]);
  for (const l of calls) assert.equal(l.user, "octocat");
  assert.equal(new Set(calls.map((l) => l.client)).size, 1);
});

test("no line printed holds a token, code, secret or GitHub token", () => {
  const lines = worker.output().split("\n");
  assert.ok(lines.length >= requestLines.length);
  for (const [name, value] of secrets) {
    assert.ok(value && value.length >= 8, `${name} was captured`);
    for (const line of lines) assert.ok(!line.includes(value), `${name} appears in: ${line}`);
    // A token's parts are secret too (user:grant:secret): check the secret part on its own.
    const last = value.split(":").at(-1);
    if (last !== value && last.length >= 8) for (const line of lines) assert.ok(!line.includes(last), `part of ${name} appears in: ${line}`);
  }
  for (const line of lines) assert.doesNotMatch(line, /gho_[A-Za-z0-9]{20,}/, "a GitHub token");
});

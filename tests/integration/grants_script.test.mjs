// scripts/grants (scripts/lib/grants.mjs), the operator tool that lists and revokes a user's grants
// through `wrangler kv key list|get|delete`, against a running worker's local KV: the script writes
// with its own wrangler process into the persist dir `wrangler dev` reads, and the worker must see
// the change (a revoked grant's access token gets 401, other grants keep working). The script edits
// KV behind the worker's back, so the worker sees it within AUTH_CACHE_SECONDS (the isolate cache's
// staleness, app/auth_cache.hpp), 2 s here: the tests wait for the 401 that long and a little more.
// Only --local is exercised: --remote needs a Cloudflare login and the network.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { initialize } from "./support/mcp_http.mjs";
import { signIn, tokenRequest } from "./support/sign_in.mjs";
import { repoRoot, startWorker } from "./support/worker.mjs";

const SCRIPT = join(repoRoot, "scripts/grants");

let worker;
let octoA; // octocat through client A
let octoB; // octocat through client B
let hubot;
let scratch;

// Runs scripts/grants; returns { code, stdout, stderr }. The GitHub stand-in lives in this
// process, so the script runs asynchronously.
function grants(args, { target = true } = {}) {
  const full = target ? [...args, "--local", "--persist-to", worker.persistTo, "-c", worker.configPath] : args;
  return new Promise((ok, fail) => {
    const child = spawn(SCRIPT, full, { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
    const out = [];
    const err = [];
    child.stdout.on("data", (c) => out.push(c));
    child.stderr.on("data", (c) => err.push(c));
    child.once("error", fail);
    child.once("close", (code) => ok({ code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }));
  });
}

const grantIdOf = (token) => token.split(":")[1];
const sha256Hex = (text) => createHash("sha256").update(text).digest("hex");

// Everything secret about a sign-in that must never appear in the script's output.
function secretsOf(s) {
  return [s.accessToken, s.refreshToken, s.accessToken.split(":")[2], s.refreshToken.split(":")[2],
    sha256Hex(s.accessToken), sha256Hex(s.refreshToken)];
}

function assertNoSecrets(output) {
  for (const s of [octoA, octoB, hubot]) {
    for (const secret of secretsOf(s)) assert.ok(!output.includes(secret), `output shows a secret (${secret.slice(0, 12)}…):\n${output}`);
  }
  assert.doesNotMatch(output, /encryptedProps|wrapped|authCodeId|refreshTokenId|codeChallenge/i);
}

// The table line of a grant: [grantId, clientId, created, expires, code, tokens].
function lineOf(stdout, grantId) {
  const line = stdout.split("\n").find((l) => l.startsWith(`${grantId} `));
  assert.ok(line, `no line for grant ${grantId} in:\n${stdout}`);
  return line.trim().split(/\s+/);
}

const status = async (token) => (await initialize(worker.url, "2025-06-18", { token })).status;
const CACHE_SECONDS = 2;
// Revoked behind the worker's back: 401 within the cache's time (plus slack for a slow machine).
async function refusedWithinCacheTime(token) {
  const deadline = Date.now() + CACHE_SECONDS * 1000 + 3000;
  let last;
  while (Date.now() < deadline) {
    last = await status(token);
    if (last === 401) return;
    assert.equal(last, 200);
    await new Promise((ok) => setTimeout(ok, 200));
  }
  assert.fail(`still ${last} ${CACHE_SECONDS} s after the revocation`);
}

before(async () => {
  worker = await startWorker({ vars: { AUTH_CACHE_SECONDS: String(CACHE_SECONDS) } });
  octoA = await signIn(worker.url, { login: "octocat" });
  octoB = await signIn(worker.url, { login: "octocat" });
  hubot = await signIn(worker.url, { login: "hubot" });
  assert.notEqual(octoA.client.client_id, octoB.client.client_id);
  scratch = await mkdtemp(join(tmpdir(), "mcp-grants-"));
});

after(async () => {
  await worker?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

test("--help, and usage errors without touching KV", async () => {
  const help = await grants(["--help"], { target: false });
  assert.equal(help.code, 0);
  assert.match(help.stdout, /scripts\/grants list <login>/);
  assert.match(help.stdout, /--remote/);

  const noLogin = await grants(["list"], { target: false });
  assert.equal(noLogin.code, 2);
  assert.match(noLogin.stderr, /missing <login>/);

  const noGrant = await grants(["revoke", "octocat"], { target: false });
  assert.equal(noGrant.code, 2);
  assert.match(noGrant.stderr, /grant id or --all/);
});

test("list shows each of the user's grants with its client id, and no secrets", async () => {
  const r = await grants(["list", "octocat"]);
  assert.equal(r.code, 0, r.stderr);
  assertNoSecrets(r.stdout + r.stderr);

  for (const s of [octoA, octoB]) {
    const [grantId, clientId, created, expires, code, tokens] = lineOf(r.stdout, grantIdOf(s.accessToken));
    assert.equal(grantId, grantIdOf(s.accessToken));
    assert.equal(clientId, s.client.client_id);
    assert.ok(Math.abs(Date.parse(created) - Date.now()) < 5 * 60_000, `created ${created}`);
    assert.ok(Date.parse(expires) > Date.now() + 24 * 3600_000, `expires ${expires}`); // refresh-token life (30 days)
    assert.equal(code, "redeemed");
    assert.equal(tokens, "1");
  }
  assert.ok(!r.stdout.includes(grantIdOf(hubot.accessToken)), "hubot's grant is listed for octocat");
  assert.match(r.stdout, /2 grants, 2 access tokens for octocat/);
});

test("revoking one grant ends its access token and refresh token; the others keep working", async () => {
  for (const s of [octoA, octoB, hubot]) assert.equal(await status(s.accessToken), 200);

  const r = await grants(["revoke", "octocat", grantIdOf(octoA.accessToken), "--yes"]);
  assert.equal(r.code, 0, r.stderr);
  assertNoSecrets(r.stdout + r.stderr);
  assert.match(r.stdout, /1 grant record and 1 access token deleted/);

  await refusedWithinCacheTime(octoA.accessToken);
  assert.equal(await status(octoB.accessToken), 200);
  assert.equal(await status(hubot.accessToken), 200);
  // The grant's GrantState object still holds its state: a grant gone from KV is gone anyway.
  const refresh = await tokenRequest(worker.url, { grant_type: "refresh_token", refresh_token: octoA.refreshToken, client_id: octoA.client.client_id });
  assert.equal(refresh.status, 400, refresh.text);
  assert.equal(refresh.json?.error, "invalid_grant");
});

test("an unknown grant id is an error that deletes nothing", async () => {
  const r = await grants(["revoke", "octocat", "AAAAAAAAAAAAAAAA", "--yes"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /unknown grant id AAAAAAAAAAAAAAAA for octocat/);
  assert.ok(r.stderr.includes(grantIdOf(octoB.accessToken)), `the message names the grants there are:\n${r.stderr}`);
  assert.ok(!r.stderr.includes(grantIdOf(octoA.accessToken)), `the revoked grant is gone:\n${r.stderr}`);
  assert.equal(await status(octoB.accessToken), 200);
});

test("revoke --all ends the rest of the user's grants, not other users'", async () => {
  const r = await grants(["revoke", "octocat", "--all", "--yes"]);
  assert.equal(r.code, 0, r.stderr);
  assertNoSecrets(r.stdout + r.stderr);
  await refusedWithinCacheTime(octoB.accessToken);
  assert.equal(await status(hubot.accessToken), 200);

  const nothing = await grants(["revoke", "octocat", "--all", "--yes"]);
  assert.equal(nothing.code, 1);
  assert.match(nothing.stderr, /no grants for octocat: nothing to revoke/);
});

test("a wrangler failure exits non-zero and shows wrangler's message", async () => {
  const config = join(scratch, "no_kv.jsonc");
  await writeFile(config, JSON.stringify({ name: "no-kv", compatibility_date: "2025-11-01" }));
  const r = await grants(["list", "octocat", "--local", "--persist-to", worker.persistTo, "-c", config], { target: false });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /wrangler kv key list.*failed/);
  assert.match(r.stderr, /No KV Namespaces configured/);
});

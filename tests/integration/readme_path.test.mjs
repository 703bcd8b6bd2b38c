// The README's path on a copy of this checkout, as a user runs it: `npx wrangler deploy --dry-run`
// (which runs the deploy configuration's build command: the release module), `npx wrangler check
// startup`, and `npm run dev` on a copy without `.dev.vars` (it writes one, starts the GitHub
// stand-in, serves on the port given), then a sign-in and a tool call against it.
//
// A copy, because the deploy configuration's build replaces worker-shim/generated with the release
// flavour, and the other workerd tests run the test flavour from the checkout. The copy holds the
// files git tracks or would track (`git ls-files -co --exclude-standard`), minus generated/, with
// node_modules linked. Nothing here needs a Cloudflare account or the network.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, rm, stat, symlink } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { repoRoot } from "./support/worker.mjs";
import { openSession, post, rpc } from "./support/mcp_http.mjs";
import { signIn } from "./support/sign_in.mjs";

const BUILD_TIMEOUT_MS = 10 * 60_000; // a release build from scratch: about a minute on 2 cores
const READY_TIMEOUT_MS = 180_000; // generous: a loaded 2-core machine once needed 86 s
const ENV = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", CI: "1" };
let copy;

before(async () => {
  copy = await mkdtemp(join(tmpdir(), "mcp-readme-"));
  const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], { cwd: repoRoot, encoding: "utf8" })
    .split("\0").filter((f) => f && !f.startsWith("worker-shim/generated/") && f !== ".dev.vars" && existsSync(join(repoRoot, f)));
  for (const f of files) {
    await mkdir(dirname(join(copy, f)), { recursive: true });
    await cp(join(repoRoot, f), join(copy, f), { preserveTimestamps: true });
  }
  // node_modules is linked, not copied. scripts/setup runs `npm ci` when package-lock.json is newer
  // than node_modules/.package-lock.json, and `npm ci` through this link would empty the
  // checkout's node_modules: refuse to go on rather than risk it.
  const installed = await stat(join(repoRoot, "node_modules/.package-lock.json"));
  const lock = await stat(join(copy, "package-lock.json"));
  assert.ok(installed.mtimeMs >= lock.mtimeMs, "node_modules is older than package-lock.json: run `npm ci` first");
  await symlink(join(repoRoot, "node_modules"), join(copy, "node_modules"));
});
after(async () => { if (copy) await rm(copy, { recursive: true, force: true }); });

// Runs a command in the copy; resolves { code, out } (stdout and stderr together), bounded.
function run(command, args, { timeoutMs = BUILD_TIMEOUT_MS } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: copy, env: ENV, detached: true });
    let out = "";
    child.stdout.on("data", (d) => { out += d; });
    child.stderr.on("data", (d) => { out += d; });
    const timer = setTimeout(() => { try { process.kill(-child.pid, "SIGKILL"); } catch {} }, timeoutMs);
    child.on("close", (code, signal) => { clearTimeout(timer); resolve({ code: code ?? signal, out }); });
  });
}

const wrangler = (...args) => run(join(copy, "node_modules/.bin/wrangler"), args);

test("npx wrangler deploy --dry-run builds the release module and validates the deploy configuration offline", { timeout: BUILD_TIMEOUT_MS }, async () => {
  const { code, out } = await wrangler("deploy", "--dry-run", "--outdir", "dist");
  assert.equal(code, 0, out);
  assert.equal(readFileSync(join(copy, "worker-shim/generated/FLAVOUR"), "utf8").trim(), "release");
  const upload = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(out);
  assert.ok(upload, `no upload size in:\n${out}`);
  assert.ok(Number(upload[2]) < 3 * 1024, `gzip ${upload[2]} KiB is over the free plan's 3 MiB`);
  for (const binding of ["env.OAUTH_KV", "env.AI ", "env.MCP_MAILBOX (McpMailbox)", "env.OAUTH_GRANTS (GrantState)",
    "env.REGISTER_RATE_LIMITER (10 requests/60s)", "env.TOKEN_RATE_LIMITER (60 requests/60s)"])
    assert.ok(out.includes(binding), `${binding} missing from:\n${out}`);
  assert.match(out, /--dry-run: exiting now/);
});

test("npx wrangler check startup starts the deployed bundle and writes its CPU profile", { timeout: BUILD_TIMEOUT_MS }, async () => {
  const { code, out } = await wrangler("check", "startup");
  assert.equal(code, 0, out);
  assert.match(out, /Startup phase analysed/);
  const profile = JSON.parse(await readFile(join(copy, "worker-startup.cpuprofile"), "utf8"));
  assert.ok(Array.isArray(profile.nodes) && profile.nodes.length > 0);
});

async function freePort() {
  const server = createServer();
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address();
  await new Promise((ok) => server.close(ok));
  return port;
}

test("npm run dev on a fresh copy writes .dev.vars, starts the stand-in, and a user signs in and calls a tool", { timeout: BUILD_TIMEOUT_MS }, async () => {
  const [port, standInPort] = [await freePort(), await freePort()];
  assert.ok(!existsSync(join(copy, ".dev.vars")));
  const child = spawn("npm", ["run", "dev", "--", "--port", String(port), "--ip", "127.0.0.1"], {
    cwd: copy, env: { ...ENV, GITHUB_STANDIN_PORT: String(standInPort) }, detached: true,
  });
  let out = "";
  child.stdout.on("data", (d) => { out += d; });
  child.stderr.on("data", (d) => { out += d; });
  try {
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let home;
    while (!home && Date.now() < deadline) {
      if (child.exitCode !== null) assert.fail(`npm run dev exited (${child.exitCode}):\n${out}`);
      home = await fetch(url + "/").catch(() => undefined);
      if (!home) await new Promise((ok) => setTimeout(ok, 300));
    }
    assert.ok(home, `npm run dev did not answer on ${url} within ${READY_TIMEOUT_MS / 1000} s:\n${out}`);
    assert.equal(home.status, 200);
    assert.match(await home.text(), /\/mcp/);

    const devVars = readFileSync(join(copy, ".dev.vars"), "utf8");
    assert.match(devVars, /^COOKIE_ENCRYPTION_KEY=[0-9a-f]{64}$/m);
    assert.match(devVars, new RegExp(`^GITHUB_OAUTH_URL=http://127\\.0\\.0\\.1:${standInPort}/login/oauth$`, "m"));
    assert.match(out, /GitHub stand-in/);
    assert.doesNotMatch(out, /setup: npm ci/, "the copy must use the linked node_modules as they are");

    const { accessToken } = await signIn(url, { login: "octocat" });
    const { session } = await openSession(url, "2025-06-18", { token: accessToken });
    const r = await post(url, rpc("tools/call", { name: "add", arguments: { a: 20, b: 22 } }), { session, token: accessToken });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.result.content[0].text, "42");
  } finally {
    const exited = new Promise((ok) => child.once("close", ok));
    try { process.kill(-child.pid, "SIGTERM"); } catch {}
    const timer = setTimeout(() => { try { process.kill(-child.pid, "SIGKILL"); } catch {} }, 5000);
    await exited;
    clearTimeout(timer);
  }
});

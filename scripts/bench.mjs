// The benchmark behind `npm run bench` (scripts/bench). Not a test: it measures, prints a table and
// writes bench-results/bench-<timestamp>.json. docs/performance.md explains the method.
//
// For each target (hello, kv-floor, ours) and each of N fresh `wrangler dev` starts (default 3):
//   start wrangler dev on 127.0.0.1 (ours: next to a GitHub stand-in, tests/fakes/github) -> wait
//   until it answers -> get credentials (ours: the real OAuth sign-in, once; kv-floor: a seeded
//   token record and session id) -> find its two workerd processes and tell the user-worker runtime
//   from wrangler's dev proxy (and prove it: requests sent straight to the runtime's own port move
//   only the runtime's CPU) -> warm up -> measure a sequential run and a concurrent run (latency,
//   throughput, CPU ticks of the runtime process) -> stop.
// Every measured request carries `Authorization: Bearer <token>` and `mcp-session-id`.
// Then the median over the starts of every figure, and the gzipped upload size of each worker.
//
//   node scripts/bench.mjs [--rounds 3] [--warmup 200] [--requests 2000] [--concurrency 16]
//                              [--targets hello,kv-floor,ours] [--no-build]
import { spawn, spawnSync, execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { parseJsonc } from "./lib/dev_config.mjs";
import { startGitHubStandIn } from "../tests/fakes/github/server.mjs";
import { signIn } from "../tests/integration/support/sign_in.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const WRANGLER = join(ROOT, "node_modules/.bin/wrangler");
const HOST = "127.0.0.1";
const WRANGLER_ENV = {
  ...process.env,
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_SEND_METRICS: "false",
  // The banner is what triggers wrangler's npm "update available" look-up; the bench stays offline.
  WRANGLER_HIDE_BANNER: "true",
  FORCE_COLOR: "0",
  NO_COLOR: "1",
};

// ---------------------------------------------------------------------------------------------
// Options

function parseArgs(argv) {
  const o = { rounds: 3, warmup: 200, requests: 2000, concurrency: 16, targets: ["hello", "kv-floor", "ours"], build: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v <= 0) die(`bench: ${a} needs a positive integer`);
      return v;
    };
    if (a === "--rounds") o.rounds = num();
    else if (a === "--warmup") o.warmup = num();
    else if (a === "--requests") o.requests = num();
    else if (a === "--concurrency") o.concurrency = num();
    else if (a === "--targets") o.targets = String(argv[++i] ?? "").split(",").filter(Boolean);
    else if (a === "--no-build") o.build = false;
    else if (a === "-h" || a === "--help") {
      console.log("usage: scripts/bench [--rounds 3] [--warmup 200] [--requests 2000] [--concurrency 16] [--targets hello,kv-floor,ours] [--no-build]");
      process.exit(0);
    } else die(`bench: unknown option ${a}`);
  }
  // Bounded load: this machine is shared and small.
  if (o.requests > 20000 || o.warmup > 5000 || o.concurrency > 64 || o.rounds > 9) die("bench: counts are capped (requests<=20000, warmup<=5000, concurrency<=64, rounds<=9)");
  for (const t of o.targets) if (!["hello", "kv-floor", "ours"].includes(t)) die(`bench: unknown target ${t}`);
  return o;
}

function die(message) {
  console.error(message);
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// Targets: how to start each one and what its measured request is.

const INIT_BODY = JSON.stringify({
  jsonrpc: "2.0", id: 1, method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "bench", version: "1" } },
});
const INITIALIZED_BODY = '{"jsonrpc":"2.0","method":"notifications/initialized"}';
const callBody = (id) => `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"add","arguments":{"a":1,"b":2}}}`;
const BASE_HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };
const PROTOCOL_VERSION = "2025-06-18";
const SIGN_IN_LOGIN = "octocat"; // the stand-in's default user; also the user part of the baselines' tokens

// A token of the product's issued shape `{user}:{grant16}:{secret32}` (the baselines' credential).
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const alnum = (n) => Array.from(randomBytes(n), (b) => ALNUM[b % ALNUM.length]).join("");
const syntheticToken = () => `${SIGN_IN_LOGIN}:${alnum(16)}:${alnum(32)}`;
// The same token with its secret changed: must be refused (401) by kv-floor and ours.
const wrongToken = (token) => token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");

// The access-token record kv-floor is seeded with: the product's field names, and values of the
// same lengths as the record ours writes after the stand-in sign-in as octocat (575 bytes of JSON).
function floorTokenRecord(token, port) {
  const [userId, grantId] = token.split(":");
  const now = Math.floor(Date.now() / 1000);
  return JSON.stringify({
    id: createHash("sha256").update(token).digest("hex"), grantId, userId, createdAt: now, expiresAt: now + 3600,
    audience: `http://${HOST}:${port}`, scope: [],
    wrappedEncryptionKey: randomBytes(40).toString("base64"),
    grant: { clientId: alnum(16), scope: [], encryptedProps: randomBytes(164).toString("base64") },
  });
}

const TARGETS = {
  hello: {
    label: "hello",
    configArgs: () => ["-c", "tests/bench_workers/hello/wrangler.jsonc"],
    uploadArgs: ["-c", "tests/bench_workers/hello/wrangler.jsonc"],
  },
  "kv-floor": {
    label: "kv-floor",
    configArgs: () => ["-c", "tests/bench_workers/kv_floor/wrangler.jsonc"],
    uploadArgs: ["-c", "tests/bench_workers/kv_floor/wrangler.jsonc"],
  },
  ours: {
    label: "ours",
    // The product's local configuration, derived from wrangler.jsonc by scripts/lib/dev_config.mjs,
    // with AI bound to the local fake (tests/fakes/fake_ai) exactly as `npm run dev` runs it; `main`
    // is pointed at the bench's frozen copy of worker-shim/ (see snapshotShim).
    // Production rate limits are kept (not --test): the bench signs in once per start.
    // GitHub is the stand-in started for this start (`github`), named by vars GITHUB_OAUTH_URL /
    // GITHUB_API_URL and matched by secrets GITHUB_CLIENT_ID / GITHUB_CLIENT_SECRET in .dev.vars,
    // as tests/integration/support/worker.mjs configures it.
    configArgs: (tmp, github) => {
      const config = join(tmp, "wrangler.jsonc");
      execFileSync(process.execPath, ["scripts/lib/dev_config.mjs", config], { cwd: ROOT, stdio: "inherit" });
      const derived = parseJsonc(readFileSync(config, "utf8"));
      if (shimSnapshot) derived.main = relative(tmp, join(shimSnapshot, "index.js"));
      derived.vars = { ...(derived.vars ?? {}), GITHUB_OAUTH_URL: github.oauthUrl, GITHUB_API_URL: github.apiUrl };
      writeFileSync(config, "// Generated by scripts/lib/dev_config.mjs; edited by scripts/bench.mjs (main, GitHub vars).\n" + JSON.stringify(derived, null, 2) + "\n");
      const secrets = { COOKIE_ENCRYPTION_KEY: randomBytes(32).toString("hex"), GITHUB_CLIENT_ID: github.clientId, GITHUB_CLIENT_SECRET: github.clientSecret };
      writeFileSync(join(tmp, ".dev.vars"), Object.entries(secrets).map(([k, v]) => `${k}=${JSON.stringify(v)}\n`).join(""), { mode: 0o600 });
      return ["-c", config, "-c", "tests/fakes/fake_ai/wrangler.jsonc"];
    },
    uploadArgs: [], // the real wrangler.jsonc at the repository root (its build step runs scripts/build)
    product: true,
  },
};

// The worker-shim/ that "ours" runs: a copy taken right after the release build, so that a rebuild
// of worker-shim/generated during the bench (e.g. `npm test` building the test flavour, or an edit
// to the shim) can neither swap the binary under wrangler's file watcher nor mix flavours between
// rounds. Every round measures the same bytes, recorded by hash.
let shimSnapshot = null;

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
    if (spawnSync("bash", ["scripts/build"], { cwd: ROOT, stdio: "inherit" }).status !== 0) die("bench: scripts/build failed");
  }
  die("bench: could not get a stable release build of worker-shim/generated (is another process rebuilding it?)");
}

// ---------------------------------------------------------------------------------------------
// HTTP client: keep-alive node:http agents, one request = one POST, timed with hrtime.

function post(agent, port, path, headers, body, timeoutMs = 30000) {
  return new Promise((resolvePost) => {
    const t0 = process.hrtime.bigint();
    const done = (r) => resolvePost({ ...r, ms: Number(process.hrtime.bigint() - t0) / 1e6 });
    const req = http.request(
      { host: HOST, port, path, method: "POST", agent, headers: { ...headers, "content-length": Buffer.byteLength(body) } },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => done({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", (e) => done({ status: 0, error: String(e) }));
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`request timed out after ${timeoutMs} ms`)));
    req.on("error", (e) => done({ status: 0, error: String(e) }));
    req.end(body);
  });
}

const newAgent = (sockets) => new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });

// Runs n requests with `concurrency` lanes sharing one counter. Returns latencies and failures.
async function runLoad({ agent, port, session, n, concurrency, idBase }) {
  const latencies = new Float64Array(n);
  const failures = { transport: 0, non200: 0, badBody: 0, statuses: {}, samples: [] };
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  async function lane() {
    for (;;) {
      const i = next++;
      if (i >= n) return;
      const r = await post(agent, port, "/mcp", session.headers, callBody(idBase + i));
      latencies[i] = r.ms;
      if (r.status === 0) failures.transport++;
      else if (r.status !== 200) failures.non200++;
      else if (!r.body.includes('"text":"3"')) failures.badBody++;
      if (r.status !== 200 || !r.body.includes('"text":"3"')) {
        failures.statuses[r.status] = (failures.statuses[r.status] ?? 0) + 1;
        if (failures.samples.length < 5) failures.samples.push({ status: r.status, error: r.error, body: r.body?.slice(0, 300) });
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  return { latencies, wallMs, failures, clientCpuMs: (cpu.user + cpu.system) / 1000 };
}

function percentile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

// ---------------------------------------------------------------------------------------------
// /proc: process tree, CPU ticks, RSS, listening ports.

const CLK_TCK = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;

function readStat(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = s.slice(s.lastIndexOf(")") + 2).split(" "); // f[0] is field 3 (state)
    return { ppid: Number(f[1]), utime: Number(f[11]), stime: Number(f[12]), starttime: Number(f[19]) };
  } catch {
    return null;
  }
}
const ticks = (pid) => {
  const s = readStat(pid);
  return s ? s.utime + s.stime : NaN;
};
const cmdline = (pid) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
  } catch {
    return "";
  }
};
function rssKiB(pid) {
  try {
    const m = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+)\s+kB/m);
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

// Busy jiffies of the whole machine (all CPUs), to tell how much else ran during a measured phase.
function machineBusyTicks() {
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal ...
  return f[0] + f[1] + f[2] + f[5] + f[6] + f[7];
}

function descendants(rootPid) {
  const children = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const st = readStat(name);
    if (!st) continue;
    if (!children.has(st.ppid)) children.set(st.ppid, []);
    children.get(st.ppid).push(Number(name));
  }
  const out = [];
  const queue = [rootPid];
  while (queue.length) {
    for (const c of children.get(queue.shift()) ?? []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

function workerdDescendants(rootPid) {
  return descendants(rootPid)
    .map((pid) => ({ pid, cmd: cmdline(pid), start: readStat(pid)?.starttime }))
    .filter((p) => /(^|\/)workerd(\s|$)/.test(p.cmd.split(" ")[0]) || p.cmd.includes("workerd serve"));
}

// TCP ports a process listens on: its socket inodes matched against /proc/net/tcp{,6} LISTEN rows.
function listeningPorts(pid) {
  const inodes = new Set();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = readlinkSync(`/proc/${pid}/fd/${fd}`).match(/^socket:\[(\d+)\]$/);
        if (m) inodes.add(m[1]);
      } catch {}
    }
  } catch {}
  const ports = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length > 9 && f[3] === "0A" && inodes.has(f[9])) ports.push(parseInt(f[1].split(":")[1], 16));
    }
  }
  return [...new Set(ports)];
}

// ---------------------------------------------------------------------------------------------
// wrangler dev lifecycle

function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.unref();
    s.on("error", rej);
    s.listen(0, HOST, () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

const live = new Set(); // process-group leaders we started, killed on any exit

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {}
}
process.on("exit", () => {
  for (const p of live) killGroup(p, "SIGKILL");
});
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    for (const p of live) killGroup(p, "SIGKILL");
    process.exit(130);
  });
}

async function startServer(targetName, round) {
  const target = TARGETS[targetName];
  // The stand-in first (it holds its port before ours are picked); closed by stopServer.
  const github = target.product
    ? await startGitHubStandIn({ clientId: `bench-gh-${randomBytes(6).toString("hex")}`, clientSecret: randomBytes(20).toString("hex") })
    : null;
  const tmp = mkdtempSync(join(os.tmpdir(), `mcp-bench-${targetName}-`));
  const port = await freePort();
  let inspectorPort = await freePort();
  while (inspectorPort === port) inspectorPort = await freePort();
  const args = [
    "dev", ...target.configArgs(tmp, github),
    "--ip", HOST, "--port", String(port), "--inspector-port", String(inspectorPort),
    "--persist-to", join(tmp, "state"),
    // warn: the dev proxy then skips its per-request log line (a loopback call into wrangler's Node
    // process for every request), which would only add noise on a 2-core machine.
    "--log-level", "warn",
    "--show-interactive-dev-session=false",
  ];
  const logPath = join(tmp, "wrangler.log");
  const logFd = openSync(logPath, "w");
  const child = spawn(WRANGLER, args, { cwd: ROOT, env: WRANGLER_ENV, detached: true, stdio: ["ignore", logFd, logFd] });
  closeSync(logFd);
  live.add(child.pid);
  let exited = null;
  child.on("exit", (code, signal) => (exited = { code, signal }));
  const server = { targetName, round, tmp, port, inspectorPort, child, logPath, github, exited: () => exited };
  server.log = () => {
    try {
      return readFileSync(logPath, "utf8");
    } catch {
      return "";
    }
  };
  return server;
}

async function stopServer(server, keepTmp) {
  const { child } = server;
  const known = workerdDescendants(child.pid).map((p) => p.pid);
  killGroup(child.pid, "SIGTERM");
  for (let i = 0; i < 50 && !server.exited(); i++) await sleep(100);
  killGroup(child.pid, "SIGKILL");
  for (const pid of known) {
    if (readStat(pid)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {}
    }
  }
  live.delete(child.pid);
  await server.github?.close();
  if (!keepTmp) rmSync(server.tmp, { recursive: true, force: true });
}

function fail(server, message) {
  const tail = server ? server.log().split("\n").slice(-40).join("\n") : "";
  const err = new Error(`${message}${server ? `\n--- wrangler log (${server.logPath}) ---\n${tail}` : ""}`);
  err.server = server;
  throw err;
}

// Waits until the worker answers, gets the credentials every measured call carries, and checks the
// first measured reply. Returns { headers, auth, readyMs }.
//   hello:    ready when the measured request answers 200. Sent a synthetic token and session id of
//             the same shape (it reads neither), so all three get requests of about the same size.
//   kv-floor: ready when a token-less call answers 401 with a Bearer challenge. A synthetic token;
//             its record is seeded through POST /_bench/seed, which also issues the session id.
//   ours:     ready when a token-less initialize answers 401 with a Bearer challenge. Then the real
//             sign-in, once per start (tests/integration/support/sign_in.mjs: /register, /authorize,
//             consent, the GitHub stand-in, /callback, /token with PKCE), then initialize and
//             notifications/initialized with the access token, as an MCP client does.
// kv-floor and ours must also refuse (401) the measured call with a wrong token.
async function prepare(server, agent) {
  const product = TARGETS[server.targetName].product;
  const needsToken = server.targetName !== "hello";
  const t0 = Date.now();
  const deadline = t0 + 120000;
  let last;
  for (;;) {
    if (server.exited()) fail(server, `bench: wrangler dev for ${server.targetName} exited (${JSON.stringify(server.exited())})`);
    if (Date.now() > deadline) fail(server, `bench: ${server.targetName} did not answer within 120 s (last: ${JSON.stringify(last)})`);
    last = await post(agent, server.port, "/mcp", BASE_HEADERS, product ? INIT_BODY : callBody(0));
    const challenged = last.status === 401 && /^Bearer /i.test(String(last.headers?.["www-authenticate"] ?? ""));
    if (needsToken ? challenged : last.status === 200) break;
    if (needsToken && last.status === 200) fail(server, `bench: ${server.targetName} answered a request without a token with 200: ${last.body}`);
    await sleep(250);
  }
  const readyMs = Date.now() - t0;
  const headers = { ...BASE_HEADERS, "mcp-protocol-version": PROTOCOL_VERSION };
  const auth = {};
  if (product) {
    const url = `http://${HOST}:${server.port}`;
    const t0 = process.hrtime.bigint();
    let signed;
    try {
      signed = await signIn(url, { login: SIGN_IN_LOGIN });
    } catch (e) {
      fail(server, `bench: sign-in to ours failed: ${e?.message ?? e}`);
    }
    auth.signInMs = Number(process.hrtime.bigint() - t0) / 1e6;
    auth.login = SIGN_IN_LOGIN;
    auth.clientId = signed.client.client_id;
    auth.accessTokenExpiresIn = signed.tokens.expires_in;
    headers.authorization = `Bearer ${signed.accessToken}`;
    const init = await post(agent, server.port, "/mcp", { ...BASE_HEADERS, authorization: headers.authorization }, INIT_BODY);
    const id = init.headers?.["mcp-session-id"];
    if (init.status !== 200 || !id) fail(server, `bench: initialize with the access token answered ${init.status} without an mcp-session-id: ${init.body}`);
    headers["mcp-session-id"] = id;
    const initResult = JSON.parse(init.body).result ?? {};
    auth.initialize = { protocolVersion: initResult.protocolVersion, serverInfo: initResult.serverInfo };
    const note = await post(agent, server.port, "/mcp", headers, INITIALIZED_BODY);
    if (note.status !== 202) fail(server, `bench: notifications/initialized answered ${note.status} (expected 202): ${note.body}`);
  } else {
    const token = syntheticToken();
    headers.authorization = `Bearer ${token}`;
    if (needsToken) {
      const seeded = await post(agent, server.port, "/_bench/seed", { "content-type": "application/json", authorization: headers.authorization },
        floorTokenRecord(token, server.port));
      let sessionId;
      try {
        sessionId = JSON.parse(seeded.body).sessionId;
      } catch {}
      if (seeded.status !== 200 || !sessionId) fail(server, `bench: kv-floor seed answered ${seeded.status}: ${seeded.body}`);
      headers["mcp-session-id"] = sessionId;
    } else {
      // Same shape and length as kv-floor's; hello never reads it.
      const signedBytes = Buffer.from(`mcp|${PROTOCOL_VERSION}|${Math.floor(Date.now() / 1000)}|${randomBytes(16).toString("base64url")}|${SIGN_IN_LOGIN}|bench-client`);
      headers["mcp-session-id"] = `s1.${signedBytes.toString("base64url")}.${randomBytes(32).toString("base64url")}`;
    }
  }
  if (needsToken) {
    const token = headers.authorization.slice("Bearer ".length);
    const refused = await post(agent, server.port, "/mcp", { ...headers, authorization: `Bearer ${wrongToken(token)}` }, callBody(1));
    if (refused.status !== 401) fail(server, `bench: ${server.targetName} answered a wrong token with ${refused.status} (expected 401): ${refused.body}`);
  }
  // The first measured request, checked in full.
  const first = await post(agent, server.port, "/mcp", headers, callBody(1));
  let text;
  try {
    text = JSON.parse(first.body).result.content[0].text;
  } catch {}
  if (first.status !== 200 || text !== "3")
    fail(server, `bench: ${server.targetName}: tools/call add(1,2) answered ${first.status} ${first.body} (expected 200 with text "3")`);
  return { headers, auth, readyMs };
}

// Finds the workerd process that runs the user worker, and proves the choice.
// Under `wrangler dev` two workerd processes descend from wrangler: the dev proxy (its entry socket
// is the --port we chose, every request passes through it) and the user-worker runtime (entry
// socket on an ephemeral port, with --inspector-addr). The runtime is the one that is not the proxy.
// Proof: requests sent straight to the runtime's own listening port must raise the runtime's CPU
// ticks and leave the proxy's flat.
async function identify(server, session) {
  let pair;
  let stableSince = 0;
  let prevKey = "";
  const deadline = Date.now() + 60000;
  // Wait for exactly two workerd descendants whose pids stay the same for 1.5 s (wrangler may
  // still be swapping the runtime right after "Ready").
  for (;;) {
    const ws = workerdDescendants(server.child.pid);
    const key = ws.map((w) => `${w.pid}@${w.start}`).sort().join(",");
    if (ws.length === 2 && key === prevKey) {
      if (Date.now() - stableSince >= 1500) {
        pair = ws;
        break;
      }
    } else {
      stableSince = Date.now();
      prevKey = key;
    }
    if (Date.now() > deadline) fail(server, `bench: expected two stable workerd processes under wrangler, saw: ${JSON.stringify(ws.map((w) => w.cmd))}`);
    await sleep(100);
  }
  const entryRe = new RegExp(`--socket-addr=entry=127\\.0\\.0\\.1:${server.port}(\\s|$)`);
  const proxies = pair.filter((w) => entryRe.test(w.cmd));
  if (proxies.length !== 1) fail(server, `bench: cannot tell the dev proxy from the runtime: ${JSON.stringify(pair.map((w) => w.cmd))}`);
  const proxy = proxies[0];
  const worker = pair.find((w) => w !== proxy);

  // Proof by direct requests. They carry the Host the client uses (the proxy's port): ours' access
  // token is bound to that origin (its audience), and would be refused under another one.
  const direct = newAgent(1);
  const directHeaders = { ...session.headers, host: `${HOST}:${server.port}` };
  let directPort = null;
  for (const p of listeningPorts(worker.pid)) {
    if (p === server.inspectorPort) continue;
    const r = await post(direct, p, "/mcp", directHeaders, callBody(2), 3000);
    if (r.status === 200 && r.body.includes('"text":"3"')) {
      directPort = p;
      break;
    }
  }
  const evidence = {
    proxy: { pid: proxy.pid, cmdline: proxy.cmd },
    worker: { pid: worker.pid, cmdline: worker.cmd },
    directPort,
  };
  if (directPort !== null) {
    const n = 200;
    const w0 = ticks(worker.pid), p0 = ticks(proxy.pid);
    for (let i = 0; i < n; i++) await post(direct, directPort, "/mcp", directHeaders, callBody(10 + i));
    const w1 = ticks(worker.pid), p1 = ticks(proxy.pid);
    Object.assign(evidence, { directRequests: n, workerTicks: w1 - w0, proxyTicks: p1 - p0 });
    if (!(w1 - w0 > p1 - p0)) fail(server, `bench: direct requests to the runtime did not move its CPU more than the proxy's: ${JSON.stringify(evidence)}`);
  } else {
    console.warn(`  warning: no listening port of pid ${worker.pid} answered directly; relying on the command line alone`);
  }
  direct.destroy();
  return { proxyPid: proxy.pid, proxyStart: proxy.start, workerPid: worker.pid, workerStart: worker.start, evidence };
}

function wranglerNodePid(server) {
  // The wrangler CLI runs as node .../wrangler-dist/cli.js under the node_modules/.bin shim process.
  const d = descendants(server.child.pid).find((pid) => cmdline(pid).includes("wrangler-dist/cli.js"));
  return d ?? server.child.pid;
}

// On a shared machine, wait (up to 30 s) for a quiet moment before a start: busy share of all cores
// over 1 s below 25 %. Returns the last share seen; the figures of a noisy run are kept but flagged.
async function waitForQuiet() {
  let share = 1;
  for (let i = 0; i < 30; i++) {
    const m0 = machineBusyTicks();
    await sleep(1000);
    share = ((machineBusyTicks() - m0) * (1000 / CLK_TCK)) / (1000 * os.cpus().length);
    if (share < 0.25) break;
    if (i === 0) console.log(`  (machine busy at ${(100 * share).toFixed(0)}% before the start; waiting up to 30 s for a quiet moment)`);
  }
  return share;
}

async function measureOnce(targetName, round, opts) {
  const busyBefore = await waitForQuiet();
  const server = await startServer(targetName, round);
  const t0 = Date.now();
  try {
    const probeAgent = newAgent(1);
    const session = await prepare(server, probeAgent);
    probeAgent.destroy();
    const startupMs = session.readyMs; // until the worker answered (ours' sign-in is auth.signInMs)
    const ids = await identify(server, session);
    const nodePid = wranglerNodePid(server);

    const seqAgent = newAgent(1);
    const concAgent = newAgent(opts.concurrency);
    // Warm-up: both agents (opens every keep-alive socket), not measured.
    const wu1 = await runLoad({ agent: seqAgent, port: server.port, session, n: opts.warmup, concurrency: 1, idBase: 1000000 });
    const wu2 = await runLoad({ agent: concAgent, port: server.port, session, n: opts.warmup, concurrency: opts.concurrency, idBase: 2000000 });
    const rssAfterWarmup = rssKiB(ids.workerPid);

    const phases = {};
    for (const [mode, agent, concurrency] of [["seq", seqAgent, 1], ["c" + opts.concurrency, concAgent, opts.concurrency]]) {
      const w0 = ticks(ids.workerPid), p0 = ticks(ids.proxyPid), n0 = ticks(nodePid), m0 = machineBusyTicks();
      const r = await runLoad({ agent, port: server.port, session, n: opts.requests, concurrency, idBase: 3000000 });
      const w1 = ticks(ids.workerPid), p1 = ticks(ids.proxyPid), n1 = ticks(nodePid), m1 = machineBusyTicks();
      const sorted = Array.from(r.latencies).sort((a, b) => a - b);
      const msPerTick = 1000 / CLK_TCK;
      phases[mode] = {
        requests: opts.requests,
        concurrency,
        p50Ms: percentile(sorted, 0.5),
        p99Ms: percentile(sorted, 0.99),
        meanMs: sorted.reduce((a, b) => a + b, 0) / sorted.length,
        maxMs: sorted[sorted.length - 1],
        reqPerS: opts.requests / (r.wallMs / 1000),
        wallMs: r.wallMs,
        workerTicks: w1 - w0,
        cpuMsPerReq: ((w1 - w0) * msPerTick) / opts.requests,
        proxyCpuMsPerReq: ((p1 - p0) * msPerTick) / opts.requests,
        wranglerNodeCpuMsPerReq: ((n1 - n0) * msPerTick) / opts.requests,
        clientCpuMsPerReq: r.clientCpuMs / opts.requests,
        // CPU spent by everything else on the machine during the phase, as a share of all cores:
        // a noisy neighbour shows here (the client's own CPU is estimated from process.cpuUsage).
        otherCpuShare: Math.max(0, (m1 - m0) * msPerTick - (w1 - w0 + p1 - p0 + n1 - n0) * msPerTick - r.clientCpuMs) / (r.wallMs * os.cpus().length),
        failures: r.failures,
        rssKiBAfter: rssKiB(ids.workerPid),
      };
    }
    seqAgent.destroy();
    concAgent.destroy();

    // The runtime must be the same process from identification to the end (a file change under
    // wrangler's watcher, e.g. a rebuild of worker-shim/generated by someone else, would swap it).
    const st = readStat(ids.workerPid);
    const sameRuntime = !!st && st.starttime === ids.workerStart;
    const warmupFailures = wu1.failures.transport + wu1.failures.non200 + wu1.failures.badBody +
      wu2.failures.transport + wu2.failures.non200 + wu2.failures.badBody;
    return {
      target: targetName, round, busyBefore, startupMs, auth: session.auth, port: server.port, ...ids, wranglerNodePid: nodePid,
      sameRuntime, warmupFailures, rssKiBAfterWarmup: rssAfterWarmup, phases,
    };
  } catch (e) {
    await stopServer(server, true);
    throw e;
  } finally {
    if (live.has(server.child.pid)) await stopServer(server, false);
  }
}

// ---------------------------------------------------------------------------------------------
// Upload size: `wrangler deploy --dry-run --outdir` prints "Total Upload: X KiB / gzip: Y KiB".

function uploadSize(targetName) {
  const out = mkdtempSync(join(os.tmpdir(), `mcp-bench-upload-${targetName}-`));
  const r = spawnSync(WRANGLER, ["deploy", "--dry-run", "--outdir", join(out, "dist"), ...TARGETS[targetName].uploadArgs], {
    cwd: ROOT, env: WRANGLER_ENV, encoding: "utf8", timeout: 180000,
  });
  rmSync(out, { recursive: true, force: true });
  const text = `${r.stdout}\n${r.stderr}`;
  const m = text.match(/Total Upload:\s*([\d.]+)\s*KiB\s*\/\s*gzip:\s*([\d.]+)\s*KiB/);
  if (r.status !== 0 || !m) {
    console.error(text);
    throw new Error(`bench: wrangler deploy --dry-run for ${targetName} failed or printed no "Total Upload" line`);
  }
  return { totalKiB: Number(m[1]), gzipKiB: Number(m[2]) };
}

// ---------------------------------------------------------------------------------------------
// Reporting

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : "n/a");

// A Markdown table with padded cells (readable in a terminal too). align: "l" or "r" per column.
function table(headers, rows, align) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const pad = (c, i) => (align[i] === "l" ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]));
  const line = (cells) => "| " + cells.map(pad).join(" | ") + " |";
  const rule = "|" + widths.map((w, i) => (align[i] === "l" ? ":" + "-".repeat(w + 1) : "-".repeat(w + 1) + ":")).join("|") + "|";
  return [line(headers), rule, ...rows.map(line)].join("\n");
}

function sha256File(path) {
  try {
    return createHash("sha256").update(readFileSync(path)).digest("hex");
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(WRANGLER)) die("bench: node_modules/.bin/wrangler is missing; run `npm run setup` (or npm ci) first");
  const started = new Date();
  const loadavgAtStart = os.loadavg();
  const modes = ["seq", "c" + opts.concurrency];

  let snapshot = null;
  if (opts.targets.includes("ours")) {
    if (opts.build) {
      console.log("== build (scripts/build, release flavour)");
      const b = spawnSync("bash", ["scripts/build"], { cwd: ROOT, stdio: "inherit" });
      if (b.status !== 0) die("bench: scripts/build failed");
    }
    snapshot = snapshotShim();
    shimSnapshot = snapshot.dir;
    process.on("exit", () => rmSync(snapshot.root, { recursive: true, force: true }));
    console.log(`== ours runs a frozen copy of worker-shim/ (release, core.wasm sha256 ${snapshot.wasmSha256.slice(0, 12)}…)`);
  }

  console.log("== upload size (wrangler deploy --dry-run)");
  const uploads = {};
  for (const t of opts.targets) {
    uploads[t] = uploadSize(t);
    console.log(`  ${t.padEnd(8)} total ${fmt(uploads[t].totalKiB)} KiB, gzip ${fmt(uploads[t].gzipKiB)} KiB`);
  }

  console.log(`== load: ${opts.rounds} fresh starts per target; each: warm-up ${opts.warmup} seq + ${opts.warmup} at ${opts.concurrency}, then ${opts.requests} seq and ${opts.requests} at ${opts.concurrency} concurrent`);
  const runs = [];
  for (let round = 1; round <= opts.rounds; round++) {
    for (const t of opts.targets) {
      let r;
      for (let attempt = 1; ; attempt++) {
        r = await measureOnce(t, round, opts);
        if (r.sameRuntime || attempt >= 2) break;
        console.warn(`  warning: ${t} round ${round}: the workerd runtime was replaced during the run (a watched file changed?); retrying once`);
      }
      runs.push(r);
      const s = r.phases.seq, c = r.phases[modes[1]];
      const ev = r.evidence.directPort !== null ? `direct ${r.evidence.directRequests} req: runtime +${r.evidence.workerTicks} ticks, proxy +${r.evidence.proxyTicks}` : "no direct proof";
      console.log(
        `  round ${round} ${t.padEnd(8)} start ${(r.startupMs / 1000).toFixed(1)} s` +
          (r.auth?.signInMs !== undefined ? ` + sign-in ${fmt(r.auth.signInMs, 0)} ms` : "") + ` | runtime pid ${r.workerPid} (proxy ${r.proxyPid}; ${ev}) | ` +
          `seq p50 ${fmt(s.p50Ms)} ms ${fmt(s.reqPerS, 0)} req/s cpu ${fmt(s.cpuMsPerReq, 3)} ms | ` +
          `${modes[1]} p50 ${fmt(c.p50Ms)} ms ${fmt(c.reqPerS, 0)} req/s cpu ${fmt(c.cpuMsPerReq, 3)} ms | RSS ${fmt(r.rssKiBAfterWarmup / 1024, 0)}->${fmt(s.rssKiBAfter / 1024, 0)}->${fmt(c.rssKiBAfter / 1024, 0)} MiB` +
          ` | others ${fmt(100 * Math.max(s.otherCpuShare, c.otherCpuShare), 0)}% CPU` + (r.sameRuntime ? "" : " | RUNTIME REPLACED"),
      );
    }
  }

  // Medians over the starts.
  const medians = {};
  for (const t of opts.targets) {
    medians[t] = {};
    for (const m of modes) {
      const ph = runs.filter((r) => r.target === t).map((r) => r.phases[m]);
      medians[t][m] = Object.fromEntries(
        ["p50Ms", "p99Ms", "meanMs", "reqPerS", "cpuMsPerReq", "proxyCpuMsPerReq", "wranglerNodeCpuMsPerReq", "clientCpuMsPerReq", "otherCpuShare"].map((k) => [k, median(ph.map((p) => p[k]))]),
      );
    }
  }
  const ratios = {};
  if (medians.ours) {
    for (const m of modes) {
      ratios[m] = {};
      for (const base of ["hello", "kv-floor"]) {
        if (!medians[base]) continue;
        ratios[m][`ours/${base}`] = medians.ours[m].cpuMsPerReq / medians[base][m].cpuMsPerReq;
        ratios[m][`ours-${base} ms`] = medians.ours[m].cpuMsPerReq - medians[base][m].cpuMsPerReq;
      }
    }
  }

  const rows = [];
  for (const t of opts.targets) {
    for (const m of modes) {
      const x = medians[t][m];
      const rel = (base) => (medians[base] ? fmt(x.cpuMsPerReq / medians[base][m].cpuMsPerReq) + "x" : "n/a");
      rows.push([t, m === "seq" ? "sequential" : `${opts.concurrency} concurrent`, fmt(x.p50Ms), fmt(x.p99Ms), fmt(x.reqPerS, 0), fmt(x.cpuMsPerReq, 3), rel("hello"), rel("kv-floor"), fmt(x.proxyCpuMsPerReq, 3)]);
    }
  }
  const mainTable = table(
    ["worker", "load", "p50 ms", "p99 ms", "req/s", "CPU ms/req", "CPU vs hello", "CPU vs kv-floor", "proxy CPU ms/req"],
    rows, "llrrrrrrr",
  );
  const sizeTable = table(
    ["worker", "upload KiB", "gzip KiB"],
    opts.targets.map((t) => [t, fmt(uploads[t].totalKiB), fmt(uploads[t].gzipKiB)]),
    "lrr",
  );

  const failures = runs.flatMap((r) => modes.map((m) => ({ r, m, f: r.phases[m].failures })))
    .filter(({ f }) => f.transport + f.non200 + f.badBody > 0);
  const warmupFailures = runs.reduce((a, r) => a + r.warmupFailures, 0);
  const replaced = runs.filter((r) => !r.sameRuntime);

  console.log(`\n== results: medians of ${opts.rounds} fresh starts, ${opts.requests} measured requests per load (${started.toISOString()})\n`);
  console.log(mainTable);
  console.log("\nCPU ms/req: CPU time (utime+stime) of the workerd process that runs the worker, over the measured run, per request.");
  console.log("proxy CPU ms/req: the same for wrangler's dev-proxy workerd (not part of the worker's cost; shown for context).\n");
  console.log(sizeTable + "\n");
  for (const m of modes) {
    if (!ratios[m] || !Object.keys(ratios[m]).length) continue;
    const parts = ["hello", "kv-floor"].filter((b) => medians[b])
      .map((b) => `ours/${b} ${fmt(ratios[m][`ours/${b}`])}x (${ratios[m][`ours-${b} ms`] >= 0 ? "+" : ""}${fmt(ratios[m][`ours-${b} ms`], 3)} ms/req)`);
    console.log(`CPU of ours, ${m === "seq" ? "sequential" : `${opts.concurrency} concurrent`}: ${parts.join(", ")}`);
  }

  const result = {
    kind: "mcp-bench",
    // 2: every measured request carries a bearer token and a session id; ours signs in for real.
    version: 2,
    date: started.toISOString(),
    finished: new Date().toISOString(),
    options: opts,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      totalMemMiB: Math.round(os.totalmem() / 2 ** 20),
      loadavgAtStart,
      loadavgAtEnd: os.loadavg(),
      kernel: os.release(),
      clkTck: CLK_TCK,
    },
    software: {
      node: process.version,
      wrangler: JSON.parse(readFileSync(join(ROOT, "node_modules/wrangler/package.json"), "utf8")).version,
      workerd: (() => {
        try {
          return JSON.parse(readFileSync(join(ROOT, "node_modules/workerd/package.json"), "utf8")).version;
        } catch {
          return null;
        }
      })(),
      gitCommit: (() => {
        try {
          return execFileSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
        } catch {
          return null;
        }
      })(),
      gitDirty: (() => {
        try {
          return execFileSync("git", ["status", "--porcelain"], { cwd: ROOT, encoding: "utf8" }).trim() !== "";
        } catch {
          return null;
        }
      })(),
      oursWasmSha256: snapshot?.wasmSha256 ?? null,
    },
    uploads,
    medians,
    cpuRatios: ratios,
    runs,
    problems: {
      measuredFailures: failures.map(({ r, m, f }) => ({ target: r.target, round: r.round, mode: m, ...f })),
      warmupFailures,
      runtimeReplaced: replaced.map((r) => ({ target: r.target, round: r.round })),
    },
    tables: { main: mainTable, sizes: sizeTable },
  };
  mkdirSync(join(ROOT, "bench-results"), { recursive: true });
  const stamp = started.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const outPath = join(ROOT, "bench-results", `bench-${stamp}.json`);
  writeFileSync(outPath, JSON.stringify(result, null, 2) + "\n");
  console.log(`\nwrote ${outPath.slice(ROOT.length + 1)}`);

  let bad = false;
  if (failures.length || warmupFailures) {
    bad = true;
    console.error(`\nbench: FAILED requests: ${warmupFailures} in warm-ups; measured: ${JSON.stringify(result.problems.measuredFailures, null, 1)}`);
  }
  if (replaced.length) {
    bad = true;
    console.error(`bench: the runtime process was replaced mid-run in ${replaced.length} run(s); those figures are suspect`);
  }
  process.exitCode = bad ? 1 : 0;
}

main().catch((e) => {
  console.error(e?.stack ?? String(e));
  if (e?.server) console.error(`(kept ${e.server.tmp} for inspection)`);
  process.exit(1);
});

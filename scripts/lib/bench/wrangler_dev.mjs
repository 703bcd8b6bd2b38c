// One `wrangler dev` server for the benchmark: start it on free loopback ports with a fresh
// --persist-to, wait for its first answer, find the workerd process that runs the worker (not
// wrangler's dev proxy) and prove the choice, stop it and everything under it.
//
// Under `wrangler dev` two workerd processes descend from the wrangler process (wrangler 4.86 and
// 4.105 alike): the dev proxy (`--socket-addr=entry=127.0.0.1:<--port>`, every request passes
// through it) and the runtime (`--socket-addr=entry=127.0.0.1:0 … --inspector-addr=…`), which runs
// the user worker(s), their Durable Objects, miniflare's router worker and the local KV simulator.
// The runtime is the process measured.
import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { HOST, newAgent } from "./http.mjs";
import { cmdline, descendants, listeningPorts, readStat, ticks, workerdDescendants } from "./proc.mjs";

export const WRANGLER_ENV = {
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_SEND_METRICS: "false",
  // The banner is what triggers wrangler's npm "update available" look-up; the bench stays offline.
  WRANGLER_HIDE_BANNER: "true",
  FORCE_COLOR: "0",
  NO_COLOR: "1",
};

export function freePort() {
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
const killGroup = (pid, signal) => {
  try {
    process.kill(-pid, signal);
  } catch {}
};
process.on("exit", () => {
  for (const p of live) killGroup(p, "SIGKILL");
});
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    for (const p of live) killGroup(p, "SIGKILL");
    process.exit(130);
  });
}

export const tmpDir = (label) => mkdtempSync(join(os.tmpdir(), `mcp-bench-${label}-`));

// Spawns `<bin> dev <configArgs> --ip 127.0.0.1 --port <free> --inspector-port <free> --persist-to
// <tmp>/state --log-level warn` in its own process group. `--log-level warn` stops the dev proxy
// from sending a log line to wrangler's Node process for every request (noise on 2 cores).
// `before(server)`, if given, runs first (e.g. starts a GitHub stand-in and writes .dev.vars); what
// it pushes to server.cleanups runs when the server stops.
export async function startWranglerDev({ label, cwd, bin, env, configArgs, tmp, before }) {
  const port = await freePort();
  let inspectorPort = await freePort();
  while (inspectorPort === port) inspectorPort = await freePort();
  const logPath = join(tmp, "wrangler.log");
  let exited = null;
  const server = {
    label, tmp, port, inspectorPort, logPath, cleanups: [], child: null, spawnedAt: 0n,
    url: `http://${HOST}:${port}`,
    exited: () => exited,
    log: () => {
      try {
        return readFileSync(logPath, "utf8");
      } catch {
        return "";
      }
    },
  };
  try {
    await before?.(server);
  } catch (e) {
    for (const c of server.cleanups.reverse()) await c();
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  const args = [
    "dev", ...configArgs,
    "--ip", HOST, "--port", String(port), "--inspector-port", String(inspectorPort),
    "--persist-to", join(tmp, "state"),
    "--log-level", "warn",
    "--show-interactive-dev-session=false",
  ];
  const logFd = openSync(logPath, "w");
  server.spawnedAt = process.hrtime.bigint();
  const child = spawn(bin, args, { cwd, env: { ...process.env, ...env }, detached: true, stdio: ["ignore", logFd, logFd] });
  closeSync(logFd);
  live.add(child.pid);
  child.on("exit", (code, signal) => (exited = { code, signal }));
  server.child = child;
  return server;
}

export async function stopServer(server, { keepTmp = false } = {}) {
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
  for (const c of server.cleanups.reverse()) await c();
  if (!keepTmp) rmSync(server.tmp, { recursive: true, force: true });
}

// An Error carrying the tail of the server's log.
export function serverError(server, message) {
  const tail = server ? server.log().split("\n").slice(-40).join("\n") : "";
  const err = new Error(`${message}${server ? `\n--- wrangler log (${server.logPath}) ---\n${tail}` : ""}`);
  err.server = server;
  return err;
}

// Calls `probe()` every 250 ms until it returns true (120 s at most). Returns the milliseconds from
// spawning wrangler to that first good answer.
export async function waitForFirstAnswer(server, probe, what) {
  const deadline = Date.now() + 120000;
  let last;
  for (;;) {
    if (server.exited()) throw serverError(server, `bench: wrangler dev for ${server.label} exited (${JSON.stringify(server.exited())})`);
    if (Date.now() > deadline) throw serverError(server, `bench: ${server.label} did not answer ${what} within 120 s (last: ${JSON.stringify(last)})`);
    const r = await probe();
    if (r.done) return Number(process.hrtime.bigint() - server.spawnedAt) / 1e6;
    last = r.last;
    await sleep(250);
  }
}

// The two workerd processes: waits until exactly two descendants have kept the same pid and start
// time for 1.5 s (wrangler may still swap the runtime right after its first answer). The proxy is
// the one whose entry socket is our --port; the runtime is the other.
export async function findRuntime(server) {
  let pair;
  let stableSince = 0;
  let prevKey = "";
  const deadline = Date.now() + 60000;
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
    if (Date.now() > deadline) throw serverError(server, `bench: expected two stable workerd processes under wrangler, saw: ${JSON.stringify(ws.map((w) => w.cmd))}`);
    await sleep(100);
  }
  const entryRe = new RegExp(`--socket-addr=entry=127\\.0\\.0\\.1:${server.port}(\\s|$)`);
  const proxies = pair.filter((w) => entryRe.test(w.cmd));
  if (proxies.length !== 1) throw serverError(server, `bench: cannot tell the dev proxy from the runtime: ${JSON.stringify(pair.map((w) => w.cmd))}`);
  const proxy = proxies[0];
  const worker = pair.find((w) => w !== proxy);
  return { proxyPid: proxy.pid, proxyStart: proxy.start, proxyCmd: proxy.cmd, workerPid: worker.pid, workerStart: worker.start, workerCmd: worker.cmd };
}

// Proof of the choice: the measured request, sent straight to one of the runtime's own listening
// ports (bypassing the proxy) 200 times, must raise the runtime's CPU ticks more than the proxy's.
// `directCall(agent, port)` resolves true when that port answered the request correctly. The
// direct requests carry the Host the client uses (ours' access token is bound to that origin).
export async function proveRuntime(server, ids, directCall) {
  const agent = newAgent(1);
  let directPort = null;
  try {
    for (const p of listeningPorts(ids.workerPid)) {
      if (p === server.inspectorPort) continue;
      if (await directCall(agent, p, 0)) {
        directPort = p;
        break;
      }
    }
    const evidence = { directPort };
    if (directPort === null) return { ...evidence, warning: `no listening port of pid ${ids.workerPid} answered directly; relying on the command line alone` };
    const n = 200;
    const w0 = ticks(ids.workerPid), p0 = ticks(ids.proxyPid);
    for (let i = 0; i < n; i++) await directCall(agent, directPort, i + 1);
    const w1 = ticks(ids.workerPid), p1 = ticks(ids.proxyPid);
    Object.assign(evidence, { directRequests: n, workerTicks: w1 - w0, proxyTicks: p1 - p0 });
    if (!(w1 - w0 > p1 - p0)) throw serverError(server, `bench: direct requests to the runtime did not move its CPU more than the proxy's: ${JSON.stringify(evidence)}`);
    return evidence;
  } finally {
    agent.destroy();
  }
}

// wrangler's own Node process (node …/wrangler-dist/cli.js under the node_modules/.bin launcher).
export function wranglerNodePid(server) {
  return descendants(server.child.pid).find((pid) => cmdline(pid).includes("wrangler-dist/cli.js")) ?? server.child.pid;
}

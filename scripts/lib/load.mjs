// The load and soak run behind `scripts/load` (options there). Every phase checks every reply;
// the run fails on the first wrong answer, on any error, or on memory that keeps growing.
import { readFileSync, readdirSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startWorker, repoRoot } from "../../tests/integration/support/worker.mjs";
import { signIn } from "../../tests/integration/support/sign_in.mjs";
import { openSession, post, rpc } from "../../tests/integration/support/mcp_http.mjs";
import { openSseSession, postMessage } from "../../tests/integration/support/sse.mjs";

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const REQUESTS = opt("requests", 20000);
const CONCURRENCY = opt("concurrency", 32);
const SESSIONS = opt("sessions", 200);
const SIGN_INS = opt("sign-ins", 100);
const USERS = 8; // distinct GitHub logins, each signed in through its own client
// Memory. The module's linear memory (and its instance generation: no trap, no restart) must not
// change after warm-up. The workerd process's RSS is reported, not judged: under `wrangler dev` it
// grows by several KiB per request even for a worker answering a constant (the dev tooling keeps
// per-request state; docs/performance.md measures it with the hello worker).

const MiB = 1024 * 1024;
const errors = [];
const fail = (what) => { errors.push(what); if (errors.length <= 10) console.error(`  error: ${what}`); };

// The workerd process that runs the worker (not wrangler's dev proxy, whose entry socket is our port).
function workerRuntimePid(rootPid, port) {
  const parent = new Map();
  const cmd = new Map();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
      cmd.set(Number(d), readFileSync(`/proc/${d}/cmdline`, "utf8").replaceAll("\0", " "));
    } catch {}
  }
  const descends = (pid) => { for (let p = pid; p > 1; p = parent.get(p)) if (p === rootPid) return true; return false; };
  const runtimes = [...cmd].filter(([pid, c]) => descends(pid) && /workerd\s+serve/.test(c) &&
    !c.includes(`--socket-addr=entry=127.0.0.1:${port} `) && !c.endsWith(`--socket-addr=entry=127.0.0.1:${port}`));
  if (runtimes.length !== 1) throw new Error(`expected one worker runtime under wrangler, found ${runtimes.length}`);
  return runtimes[0][0];
}
const rssMiB = (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) / 1024;

// Runs `count` jobs, `concurrency` at a time; returns per-job latencies (ms).
async function pool(count, concurrency, job) {
  const latencies = new Array(count);
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < count; i = next++) {
      const t0 = performance.now();
      try { await job(i); } catch (e) { fail(`job ${i}: ${e.message}`); }
      latencies[i] = performance.now() - t0;
    }
  }));
  return latencies;
}
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const summary = (name, latencies, ms) => ({ name, requests: latencies.length, seconds: +(ms / 1000).toFixed(1),
  perSecond: Math.round(latencies.length / (ms / 1000)), p50: +pct(latencies, 0.5).toFixed(2), p99: +pct(latencies, 0.99).toFixed(2) });

async function timed(name, count, concurrency, job) {
  const t0 = performance.now();
  const latencies = await pool(count, concurrency, job);
  const s = summary(name, latencies, performance.now() - t0);
  console.log(`  ${name}: ${s.requests} in ${s.seconds} s (${s.perSecond}/s, p50 ${s.p50} ms, p99 ${s.p99} ms)`);
  return s;
}

const worker = await startWorker({ vars: { SSE_KEEPALIVE_MS: "15000", ...(process.env.LOAD_VARS ? JSON.parse(process.env.LOAD_VARS) : {}) } });
const results = { date: new Date().toISOString(), options: { REQUESTS, CONCURRENCY, SESSIONS, SIGN_INS }, phases: [], rss: [] };
try {
  const pid = workerRuntimePid(worker.pid, worker.port);
  const sample = async (label) => {
    const wasm = await (await fetch(`${worker.url}/_test/wasm-memory`)).json();
    const v = { label, rssMiB: +rssMiB(pid).toFixed(1), wasmBytes: wasm.bytes, generation: wasm.generation };
    results.rss.push(v);
    console.log(`  memory ${label}: worker RSS ${v.rssMiB} MiB, module ${(v.wasmBytes / MiB).toFixed(2)} MiB (instance ${v.generation})`);
  };
  console.log(`load: worker ${worker.url} (runtime pid ${pid})`);
  await sample("idle");

  // Users and their sessions on both transports.
  const users = [];
  for (let u = 0; u < USERS; u++) {
    const login = `load-user-${u}`;
    const { accessToken: token } = await signIn(worker.url, { login });
    const { session } = await openSession(worker.url, "2025-06-18", { token });
    users.push({ login, token, session, sse: await openSseSession(worker.url, { token }) });
  }

  const callAdd = async (i, user, transport) => {
    const a = i, b = 7 * i + 1;
    const id = `${transport}-${i}`;
    const body = rpc("tools/call", { name: "add", arguments: { a, b } }, id);
    if (transport === "mcp") {
      const r = await post(worker.url, body, { session: user.session, token: user.token });
      if (r.status !== 200 || r.json?.result?.content?.[0]?.text !== String(a + b)) throw new Error(`/mcp ${id}: ${r.status} ${r.text.slice(0, 200)}`);
    } else {
      const r = await postMessage(worker.url, user.sse.sessionId, body, { token: user.token });
      if (r.status !== 202) throw new Error(`/sse/message ${id}: ${r.status} ${r.text.slice(0, 200)}`);
      const reply = await user.sse.stream.message((m) => m.id === id, 30000);
      if (reply.result?.content?.[0]?.text !== String(a + b)) throw new Error(`/sse ${id}: ${JSON.stringify(reply).slice(0, 200)}`);
    }
  };

  // Warm-up, then memory must stay flat from here on.
  results.phases.push(await timed("warm-up (/mcp + /sse)", 2000, CONCURRENCY, (i) => callAdd(i, users[i % USERS], i % 2 ? "sse" : "mcp")));
  await sample("after warm-up");

  results.phases.push(await timed(`sign-ins (register, consent, GitHub, callback, token), concurrency 8`, SIGN_INS, 8,
    (i) => signIn(worker.url, { login: `signin-${i % 20}` }).then((s) => { if (!s.accessToken) throw new Error("no token"); })));
  await sample("after sign-ins");

  const half = Math.floor(REQUESTS / 2);
  results.phases.push(await timed(`tools/call add on /mcp, concurrency ${CONCURRENCY}`, half, CONCURRENCY, (i) => callAdd(10000 + i, users[i % USERS], "mcp")));
  await sample("after /mcp");
  results.phases.push(await timed(`tools/call add on /sse, concurrency ${CONCURRENCY}`, REQUESTS - half, CONCURRENCY, (i) => callAdd(10000 + i, users[i % USERS], "sse")));
  await sample("after /sse");
  for (const u of users) u.sse.stream.close();

  // Many sessions at once: each stream must receive exactly its own reply and nothing else.
  const t0 = performance.now();
  const streams = await Promise.all(Array.from({ length: SESSIONS }, async (_, i) => {
    const user = users[i % USERS];
    return { user, i, ...(await openSseSession(worker.url, { token: user.token })) };
  }));
  await sample(`${SESSIONS} SSE sessions open`);
  await pool(SESSIONS, CONCURRENCY, async (k) => {
    const s = streams[k];
    const r = await postMessage(worker.url, s.sessionId, rpc("tools/call", { name: "add", arguments: { a: k, b: 1 } }, `own-${k}`), { token: s.user.token });
    if (r.status !== 202) throw new Error(`session ${k}: ${r.status}`);
  });
  await pool(SESSIONS, CONCURRENCY, async (k) => {
    const s = streams[k];
    const reply = await s.stream.message((m) => m.id === `own-${k}`, 30000);
    if (reply.result?.content?.[0]?.text !== String(k + 1)) throw new Error(`session ${k}: ${JSON.stringify(reply)}`);
  });
  for (const s of streams) {
    const foreign = s.stream.messages().filter((m) => m.id !== `own-${s.i}`);
    if (foreign.length) fail(`session ${s.i} received another session's replies: ${JSON.stringify(foreign).slice(0, 200)}`);
    s.stream.close();
  }
  results.phases.push({ name: `${SESSIONS} SSE sessions at once, one reply each`, sessions: SESSIONS, seconds: +((performance.now() - t0) / 1000).toFixed(1) });
  console.log(`  ${SESSIONS} SSE sessions at once: each received only its own reply`);
  await new Promise((ok) => setTimeout(ok, 2000));
  await sample("after sessions closed");

  const warm = results.rss.find((r) => r.label === "after warm-up");
  const last = results.rss.at(-1);
  results.rssGrowthAfterWarmupMiB = +(last.rssMiB - warm.rssMiB).toFixed(1);
  results.moduleGrowthAfterWarmupBytes = last.wasmBytes - warm.wasmBytes;
  if (last.wasmBytes !== warm.wasmBytes) fail(`the module's memory grew from ${warm.wasmBytes} to ${last.wasmBytes} bytes after warm-up`);
  if (new Set(results.rss.map((r) => r.generation)).size !== 1) fail("the module instance was replaced during the run (a trap?)");
} catch (e) {
  fail(e.stack ?? String(e));
} finally {
  await worker.stop();
}
results.errors = errors.length;
mkdirSync(join(repoRoot, "bench-results"), { recursive: true });
const file = join(repoRoot, "bench-results", `load-${results.date.replace(/[-:]/g, "").replace(/\..*/, "Z")}.json`);
writeFileSync(file, JSON.stringify(results, null, 2));
console.log(`load: ${errors.length} errors; after warm-up the module's memory grew ${results.moduleGrowthAfterWarmupBytes ?? "?"} bytes, ` +
  `the worker's RSS ${results.rssGrowthAfterWarmupMiB ?? "?"} MiB; wrote ${file}`);
process.exit(errors.length ? 1 : 0);

// The benchmark behind `npm run bench` (scripts/bench). Not a test: it measures, prints tables and
// writes bench-results/bench-<timestamp>.json. docs/performance.md explains the method.
//
// For each round (default 3) and each worker (hello, kv-floor, ours, the TypeScript peer), one fresh
// `wrangler dev` start on 127.0.0.1 measured by scripts/lib/bench/measure.mjs: time to the first
// answer, the worker's workerd process found and proven, RSS idle and after the run, and the phases
// of scripts/lib/bench/phases.mjs (whole OAuth flow, initialize, add on /mcp and on /sse, sequential
// and concurrent, userInfoOctokit), each with the CPU ticks of that process per unit, latency and
// throughput. Then the upload size and `wrangler check startup` of each worker, the medians over the
// rounds, their ratios to the peer / kv-floor / hello, and the issue's targets with pass/miss.
//
//   bash scripts/bench --help
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { failureCount } from "./lib/bench/http.mjs";
import { measureStart } from "./lib/bench/measure.mjs";
import { USAGE, UsageError, parseArgs } from "./lib/bench/options.mjs";
import { PHASES } from "./lib/bench/phases.mjs";
import { CLK_TCK } from "./lib/bench/proc.mjs";
import { captureProfiles, profilingShim } from "./lib/bench/profile.mjs";
import { allRatios, evaluateGoals, fmt, goalTable, phaseTable, summarise, workerTable } from "./lib/bench/report.mjs";
import { checkStartup, uploadSize } from "./lib/bench/static_figures.mjs";
import { OPT_IN_TARGETS, ROOT, TARGETS, TARGET_NAMES } from "./lib/bench/targets.mjs";

function die(message, code = 2) {
  console.error(`bench: ${message}`);
  process.exit(code);
}

const git = (...args) => {
  try {
    return execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();
  } catch {
    return null;
  }
};
const packageVersion = (dir, pkg) => {
  try {
    return JSON.parse(readFileSync(join(dir, "node_modules", pkg, "package.json"), "utf8")).version;
  } catch {
    return null;
  }
};
const sha256File = (path) => {
  try {
    return createHash("sha256").update(readFileSync(path)).digest("hex");
  } catch {
    return null;
  }
};

// One line per start, for watching a run.
function startLine(r, opts) {
  const parts = [`round ${r.round} ${r.target.padEnd(8)} first answer ${fmt(r.firstAnswerMs / 1000, 1)} s`];
  if (r.auth?.signInMs !== undefined) parts[0] += ` + sign-in ${fmt(r.auth.signInMs, 0)} ms`;
  const ev = r.evidence.directPort != null ? `direct ${r.evidence.directRequests} req: +${r.evidence.workerTicks}/+${r.evidence.proxyTicks} ticks` : "no direct proof";
  parts.push(`runtime pid ${r.workerPid} (proxy ${r.proxyPid}; ${ev})`);
  for (const [key, p] of Object.entries(r.phases)) {
    const name = key.replace("-conc", `-c${opts.concurrency}`);
    parts.push(`${name} ${fmt(p.cpuMs, 3)} ms CPU, ${fmt(p.perSecond, 0)}/s${failureCount(p.failures) ? `, ${failureCount(p.failures)} FAILED` : ""}`);
  }
  const others = Math.max(...Object.values(r.phases).map((p) => p.otherCpuShare));
  parts.push(`RSS ${fmt(r.rssIdleKiB / 1024, 0)}->${fmt(r.rssAfterKiB / 1024, 0)} MiB`, `others ≤${fmt(100 * others, 0)}% CPU`);
  if (!r.sameRuntime) parts.push("RUNTIME REPLACED");
  return "  " + parts.join(" | ");
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2), { root: ROOT, targetNames: TARGET_NAMES, optIn: OPT_IN_TARGETS });
  } catch (e) {
    if (e instanceof UsageError) die(`${e.message}\n\n${USAGE}`);
    throw e;
  }
  if (opts.help) {
    console.log(USAGE);
    return;
  }
  if (!existsSync(join(ROOT, "node_modules/.bin/wrangler"))) die("node_modules/.bin/wrangler is missing; run `npm run setup` (or npm ci) first");
  const started = new Date();
  const loadavgAtStart = os.loadavg();

  // Once per run: ours' release build and frozen shim; the peer's temporary copy and npm ci.
  const setups = {};
  const targets = [];
  process.on("exit", () => {
    for (const t of Object.values(TARGETS)) t.teardown?.();
  });
  for (const name of opts.targets) {
    const t = TARGETS[name];
    const info = t.setup ? await t.setup(opts) : {};
    if (info === null) continue; // the peer is absent: said so, skipped
    setups[name] = info;
    targets.push(name);
  }
  if (opts.rounds < 3) console.log(`== note: ${opts.rounds} round(s): the figures are not medians of 3 fresh starts`);

  console.log(`== load: ${opts.rounds} fresh starts per worker (${targets.join(", ")}); per start ${opts.requests} add per load after ${opts.warmup} warm-up ` +
    `(sequential and ${opts.concurrency} concurrent; /mcp, and /sse for ours and peer); ours and peer also ${opts.flows} OAuth flows, ${opts.inits} initialize, ${opts.userinfo} userInfoOctokit`);
  const runs = [];
  for (let round = 1; round <= opts.rounds; round++) {
    for (const name of targets) {
      let r;
      for (let attempt = 1; ; attempt++) {
        r = await measureStart(TARGETS[name], round, opts);
        if (r.sameRuntime || attempt >= 2) break;
        console.warn(`  warning: ${name} round ${round}: the workerd runtime was replaced during the run (a watched file changed?); retrying once`);
      }
      runs.push(r);
      console.log(startLine(r, opts));
    }
  }

  // Upload size and startup, after the measured runs (ours' deploy configuration rebuilds
  // worker-shim/generated as the release flavour, which is what the runs used anyway).
  const statics = {};
  if (opts.static) {
    console.log(`== upload size (wrangler deploy --dry-run) and startup (wrangler check startup, ${opts.startups}x)`);
    for (const name of targets.filter((n) => !TARGETS[n].sameUploadAs)) {
      const t = TARGETS[name];
      const upload = uploadSize(t.wrangler, t.uploadArgs);
      const startups = [];
      for (let i = 0; i < opts.startups; i++) startups.push(checkStartup(t.wrangler, t.uploadArgs));
      statics[name] = { upload, startups };
      console.log(`  ${name.padEnd(8)} upload ${fmt(upload.totalKiB)} KiB, gzip ${fmt(upload.gzipKiB)} KiB | check startup profile ${startups.map((s) => fmt(s.spanMs, 0)).join(" / ")} ms`);
    }
    if (setups.ours) setups.ours.wasmSha256AfterStatic = sha256File(join(ROOT, "worker-shim/generated/core.wasm"));
  }

  const profiles = {};
  if (opts.profile) {
    for (const name of ["ours", "peer"].filter((t) => targets.includes(t))) {
      console.log(`== profile: one more start of ${name}${name === "ours" ? " (built with --profiling-funcs in build/wasm-profile)" : ""}, CPU profiles of each phase`);
      const shim = name === "ours" ? profilingShim() : null;
      try {
        const target = Object.assign(Object.create(TARGETS[name]), { phases: [] }, shim ? { snapshot: shim } : {});
        mkdirSync(join(ROOT, "bench-results"), { recursive: true });
        const r = await measureStart(target, 0, opts, (ctx, procs) =>
          captureProfiles(ctx, procs, { outDir: join(ROOT, "bench-results"), stamp: started, label: name, note: shim ? "; core.wasm with --profiling-funcs" : "" }));
        profiles[name] = r.extra;
      } finally {
        shim?.remove();
      }
    }
  }

  const summary = summarise(runs, statics, targets);
  const ratios = allRatios(summary);
  const goals = evaluateGoals(summary);
  const tables = { phases: phaseTable(summary, targets, opts.concurrency), workers: workerTable(summary, targets), goals: goalTable(goals) };

  const note = opts.rounds >= 3 ? `medians of ${opts.rounds} fresh starts` : `${opts.rounds} start(s), not a median of 3`;
  console.log(`\n== results (${note}; ${started.toISOString()})\n`);
  console.log(tables.phases);
  console.log("\nCPU ms: CPU time (utime+stime) of the workerd process that runs the worker, per unit (a flow, an initialize pair, a call).");
  console.log("per s: units per second of wall time. proxy CPU ms: wrangler's dev-proxy workerd; wrangler CPU ms: wrangler's Node process");
  console.log("(it receives every console line of the worker through the inspector); neither is part of the worker's CPU.");
  for (const name of targets) {
    for (const [what, why] of Object.entries(TARGETS[name].skipped ?? {})) console.log(`${name}: no ${what} figures: ${why}.`);
  }
  console.log("hello and kv-floor serve only tools/call add on /mcp: they have no OAuth flow, initialize or userInfoOctokit.\n");
  console.log(tables.workers + "\n");
  console.log("Targets of the issue (ours against the peer and kv-floor):\n");
  console.log(tables.goals);
  for (const p of Object.values(profiles)) console.log(`\n${p.text}`);

  const failures = runs.flatMap((r) => Object.entries(r.phases).map(([key, p]) => ({ r, key, p })))
    .filter(({ p }) => failureCount(p.failures) + failureCount(p.warmup.failures) > 0)
    .map(({ r, key, p }) => ({ target: r.target, round: r.round, phase: key, measured: p.failures, warmup: p.warmup.failures }));
  const replaced = runs.filter((r) => !r.sameRuntime).map((r) => ({ target: r.target, round: r.round }));

  const result = {
    kind: "mcp-bench",
    // 3: four workers (the peer added), phases per start, static figures, the issue's targets.
    version: 3,
    date: started.toISOString(),
    finished: new Date().toISOString(),
    options: opts,
    machine: {
      cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, totalMemMiB: Math.round(os.totalmem() / 2 ** 20),
      loadavgAtStart, loadavgAtEnd: os.loadavg(), kernel: os.release(), clkTck: CLK_TCK,
    },
    software: {
      node: process.version,
      wrangler: packageVersion(ROOT, "wrangler"),
      workerd: packageVersion(ROOT, "workerd"),
      gitCommit: git("rev-parse", "HEAD"),
      gitDirty: git("status", "--porcelain") ? true : false,
    },
    setups,
    phases: Object.fromEntries(Object.entries(PHASES).map(([k, p]) => [k, { label: p.label, unit: p.unit }])),
    summary,
    ratios,
    goals,
    statics,
    runs,
    profiles: Object.fromEntries(Object.entries(profiles).map(([k, p]) => [k, { files: p.files, top: p.top }])),
    problems: { failures, runtimeReplaced: replaced },
    tables,
  };
  mkdirSync(join(ROOT, "bench-results"), { recursive: true });
  const stamp = started.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const outPath = join(ROOT, "bench-results", `bench-${stamp}.json`);
  writeFileSync(outPath, JSON.stringify(result, null, 2) + "\n");
  console.log(`\nwrote ${outPath.slice(ROOT.length + 1)}`);

  let bad = false;
  if (failures.length) {
    bad = true;
    console.error(`\nbench: FAILED requests: ${JSON.stringify(failures, null, 1)}`);
  }
  if (replaced.length) {
    bad = true;
    console.error(`bench: the runtime process was replaced mid-run in ${replaced.length} start(s); those figures are suspect`);
  }
  process.exitCode = bad ? 1 : 0;
}

main().catch((e) => {
  console.error(e?.stack ?? String(e));
  if (e?.server) console.error(`(kept ${e.server.tmp} for inspection)`);
  process.exit(1);
});

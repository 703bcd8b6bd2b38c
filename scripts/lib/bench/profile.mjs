// `--profile`: where ours (and the peer, for comparison) spends its CPU. One more start of each:
// ours with a core.wasm that is the release build linked with --profiling-funcs (same code,
// function names kept; built in build/wasm-profile, never in worker-shim/generated). V8 CPU
// profiles are taken through wrangler dev's inspector (Chrome DevTools protocol: Profiler.start /
// Profiler.stop) during each phase the measured starts ran (OAuth flow, initialize, add on /mcp and
// on /sse, sequential and concurrent, userInfoOctokit). Writes
// bench-results/profile-<stamp>-<worker>-<load>.cpuprofile (open in Chrome DevTools or VS Code) and
// prints the top frames by self and by total time, JS frames with the bundled module they come from.
// The profiler's sampling adds overhead: profiles show where time goes, not how much there is.
import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { runLoad } from "./http.mjs";
import { PHASES } from "./phases.mjs";
import { ROOT } from "./targets.mjs";

// Builds the profiling flavour and returns a shim snapshot like ours' (see targets.mjs).
export function profilingShim() {
  const dir = join(ROOT, "build/wasm-profile");
  const env = { ...process.env };
  if (existsSync("/usr/share/nodejs")) env.NODE_PATH = `/usr/share/nodejs${env.NODE_PATH ? `:${env.NODE_PATH}` : ""}`;
  const run = (cmd, args) => {
    const r = spawnSync(cmd, args, { cwd: ROOT, env, stdio: "inherit" });
    if (r.status !== 0) throw new Error(`bench: ${cmd} ${args.join(" ")} failed`);
  };
  if (!existsSync(join(dir, "CMakeCache.txt")))
    run("emcmake", ["cmake", "-S", ".", "-B", dir, "-DCMAKE_BUILD_TYPE=Release", "-DMCP_TEST_BUILD=OFF", "-DCMAKE_EXE_LINKER_FLAGS=--profiling-funcs"]);
  run("cmake", ["--build", dir, "-j", "2", "--target", "core"]);
  const root = mkdtempSync(join(os.tmpdir(), "mcp-bench-shim-profile-"));
  const copy = join(root, "worker-shim");
  cpSync(join(ROOT, "worker-shim"), copy, { recursive: true });
  copyFileSync(join(dir, "core.wasm"), join(copy, "generated", "core.wasm"));
  writeFileSync(join(copy, "generated/FLAVOUR"), "release+profiling-funcs\n");
  return { dir: copy, root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

// A minimal Chrome DevTools protocol client over WebSocket (Node's global WebSocket; scripts/bench
// runs node with --experimental-websocket for Node 20).
// wrangler's inspector proxy accepts a client only with a loopback (or DevTools) Origin.
async function connect(url) {
  const ws = new WebSocket(url, { headers: { origin: "http://127.0.0.1" } });
  await new Promise((ok, fail) => {
    ws.onopen = ok;
    ws.onerror = () => fail(new Error(`cannot connect to the inspector at ${url}`));
  });
  let next = 1;
  const pending = new Map();
  const listeners = new Map();
  ws.onmessage = (e) => {
    const m = JSON.parse(typeof e.data === "string" ? e.data : Buffer.from(e.data).toString("utf8"));
    if (m.method) listeners.get(m.method)?.(m.params);
    const p = m.id !== undefined && pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.error) p.fail(new Error(`${p.method}: ${JSON.stringify(m.error)}`));
    else p.ok(m.result);
  };
  return {
    send: (method, params = {}) => new Promise((ok, fail) => {
      const id = next++;
      pending.set(id, { ok, fail, method });
      ws.send(JSON.stringify({ id, method, params }));
    }),
    on: (method, fn) => listeners.set(method, fn),
    close: () => ws.close(),
  };
}

// The inspector target of the user worker: wrangler's inspector proxy lists it at /json.
async function workerTarget(inspectorPort) {
  for (let i = 0; i < 40; i++) {
    try {
      const list = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json();
      const t = list.find((x) => x.webSocketDebuggerUrl);
      if (t) return t.webSocketDebuggerUrl;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no inspector target at http://127.0.0.1:${inspectorPort}/json`);
}

// A readable frame name: C++ names without template arguments and parameter lists, wasm frames
// marked [wasm], JS frames with file:line of the bundle wrangler dev runs.
export function shortName(functionName) {
  let n = functionName.replaceAll("(anonymous namespace)", "{anon}").replaceAll("std::__2::", "std::").replace(/json_abi_v[0-9_]+::/g, "");
  while (/<[^<>]*>/.test(n)) n = n.replace(/<[^<>]*>/g, "");
  for (let i = 0; i < 3; i++) n = n.replace(/\((?!\.resume\))[^()]+\)/g, "()");
  return n.replace(/\) const\b/g, ")").trim();
}
// `moduleOf(scriptId, line)` names the source module of a line of wrangler's bundle (bundleModules).
const frameName = (cf, moduleOf = () => null) => {
  if (cf.url?.startsWith("wasm://")) return `${shortName(cf.functionName || "(anonymous)")} [wasm]`;
  if (!cf.url) return cf.functionName || "(native)"; // V8 builtins and the runtime's C++ API
  const module = moduleOf(cf.scriptId, cf.lineNumber + 1);
  return `${cf.functionName || "(anonymous)"} ${cf.url.split("/").slice(-1)[0]}:${cf.lineNumber + 1}${module ? ` [${module}]` : ""}`;
};

// esbuild marks where each module starts in a bundle with a comment line `// <path>`. Returns
// moduleOf(scriptId, line) -> the last two segments of that path, for the scripts of the isolate
// (read through Debugger.getScriptSource; the debugger is enabled only for that, before profiling).
// Scripts are keyed by id: the profile's URLs are rewritten by wrangler's inspector proxy.
export function moduleIndex(sources) {
  const index = new Map();
  for (const [scriptId, text] of sources) {
    const starts = [];
    text.split("\n").forEach((line, i) => {
      const m = /^\/\/ (\S+\.(?:[cm]?[jt]s|wasm))$/.exec(line);
      if (m) starts.push([i + 1, m[1].split("/").slice(-2).join("/")]);
    });
    index.set(String(scriptId), starts);
  }
  return (scriptId, line) => {
    let found = null;
    for (const [start, name] of index.get(String(scriptId)) ?? []) {
      if (start > line) break;
      found = name;
    }
    return found;
  };
}

async function bundleModules(cdp) {
  const scripts = [];
  cdp.on("Debugger.scriptParsed", (p) => scripts.push(p));
  await cdp.send("Debugger.enable");
  await new Promise((r) => setTimeout(r, 500)); // scriptParsed arrives for every loaded script
  const sources = [];
  for (const s of scripts.filter((x) => /\.js$/.test(x.url) && !/^(node-internal|cloudflare|internal):/.test(x.url))) {
    try {
      sources.push([s.scriptId, (await cdp.send("Debugger.getScriptSource", { scriptId: s.scriptId })).scriptSource]);
    } catch {}
  }
  await cdp.send("Debugger.disable");
  return moduleIndex(sources);
}

// A profile -> top frames by self time and by total (inclusive) time, as shares of sampled time
// (idle excluded).
export function topFrames(profile, n = 15, moduleOf) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  const self = new Map();
  const total = new Map();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === "(idle)") return;
    busy += dt;
    const name = frameName(node.callFrame, moduleOf);
    self.set(name, (self.get(name) ?? 0) + dt);
    const seen = new Set(["(root)"]); // (root) holds everything: not worth a line
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const nm = frameName(byId.get(cur).callFrame, moduleOf);
      if (seen.has(nm)) continue;
      seen.add(nm);
      total.set(nm, (total.get(nm) ?? 0) + dt);
    }
  });
  const byTime = (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  const top = (m) => [...m].sort(byTime).slice(0, n).map(([name, us]) => ({ name, ms: us / 1000, share: busy ? us / busy : 0 }));
  return { busyMs: busy / 1000, self: top(self), total: top(total) };
}

// Every phase ours and the peer run (phases.mjs), with the counts of the measured starts.
const LOADS = ["oauth", "initialize", "mcp-add-seq", "mcp-add-conc", "sse-add-seq", "sse-add-conc", "userinfo"];

// Runs after the measured phases of the profiling start (measure.mjs `extra`).
export async function captureProfiles(ctx, _procs, { outDir, stamp, label, note = "" }) {
  const cdp = await connect(await workerTarget(ctx.server.inspectorPort));
  const files = [];
  const top = {};
  const lines = [`Where ${label} spends its CPU (V8 CPU profile of the worker's isolate, idle excluded${note}):`];
  const tag = stamp.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  try {
    const moduleOf = await bundleModules(cdp);
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
    for (const key of LOADS) {
      const phase = PHASES[key];
      const handle = await phase.open(ctx);
      const concurrency = phase.concurrency(ctx.opts);
      try {
        await runLoad({ n: phase.warmup(ctx.opts), concurrency, call: (i) => handle.call(1_000_000 + i) });
        await cdp.send("Profiler.start");
        const n = phase.count(ctx.opts);
        await runLoad({ n, concurrency, call: (i) => handle.call(2_000_000 + i) });
        const { profile } = await cdp.send("Profiler.stop");
        const file = join(outDir, `profile-${tag}-${label}-${key}.cpuprofile`);
        writeFileSync(file, JSON.stringify(profile));
        files.push(file.slice(ROOT.length + 1));
        top[key] = topFrames(profile, 15, moduleOf);
        lines.push(`\n${phase.label.replace("concurrent", `${concurrency} concurrent`)} (${n} ${phase.unit}s, ${top[key].busyMs.toFixed(0)} ms sampled; ${files.at(-1)}):`);
        lines.push("  self time:");
        for (const f of top[key].self) lines.push(`    ${(100 * f.share).toFixed(1).padStart(5)} %  ${f.name}`);
        lines.push("  total time (the frame and what it calls):");
        for (const f of top[key].total.slice(0, 10)) lines.push(`    ${(100 * f.share).toFixed(1).padStart(5)} %  ${f.name}`);
      } finally {
        handle.close();
      }
    }
  } finally {
    cdp.close();
  }
  return { files, top, text: lines.join("\n") };
}

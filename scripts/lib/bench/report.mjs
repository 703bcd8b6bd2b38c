// Turning the per-start figures into what the bench prints and writes: medians over the starts,
// ratios to the peer / kv-floor / hello, Markdown tables, and the targets with pass/miss.
// Pure functions (tested in tests/integration/bench_helpers.test.mjs).
import { PHASES } from "./phases.mjs";

export const BASES = ["peer", "kv-floor", "hello"];
const PHASE_FIGURES = ["p50Ms", "p99Ms", "meanMs", "perSecond", "cpuMs", "proxyCpuMs", "wranglerNodeCpuMs", "clientCpuMs", "otherCpuShare"];
const START_FIGURES = ["firstAnswerMs", "rssIdleMiB", "rssAfterMiB", "signInMs"];

export function median(xs) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : NaN);
export const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : "n/a");
// A ratio as "0.25x": two decimals up to 10, one up to 100, none above; two significant digits
// below 0.1.
export function fmtRatio(x) {
  if (!Number.isFinite(x)) return "–";
  if (x > 0 && x < 0.1) return `${x.toPrecision(2)}x`;
  return `${x.toFixed(x >= 100 ? 0 : x >= 10 ? 1 : 2)}x`;
}
// A measured value with as many decimals as its size deserves (3 below 10, 2 below 100, else 1).
export const fmtValue = (x) => fmt(x, Math.abs(x) >= 100 ? 1 : Math.abs(x) >= 10 ? 2 : 3);
export const fmtPercent = (x) => (Number.isFinite(x) ? `${(100 * x).toFixed(0)} %` : "n/a");

// A Markdown table with padded cells (readable in a terminal too). align: "l" or "r" per column.
export function table(headers, rows, align) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const pad = (c, i) => (align[i] === "l" ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]));
  const line = (cells) => "| " + cells.map(pad).join(" | ") + " |";
  const rule = "|" + widths.map((w, i) => (align[i] === "l" ? ":" + "-".repeat(w + 1) : "-".repeat(w + 1) + ":")).join("|") + "|";
  return [line(headers), rule, ...rows.map(line)].join("\n");
}

// runs: [{ target, phases: { key: figures }, firstAnswerMs, rssIdleKiB, rssAfterKiB, auth }]
// statics: { target: { upload: {totalKiB, gzipKiB}, startups: [{ spanMs, busyMs }] } }
// -> { target: { phases: { key: medians }, start: medians, static: figures, starts: n } }
export function summarise(runs, statics, targets) {
  const out = {};
  for (const t of targets) {
    const mine = runs.filter((r) => r.target === t);
    if (!mine.length && !statics[t]) continue;
    const phases = {};
    for (const key of Object.keys(mine[0]?.phases ?? {})) {
      const ph = mine.map((r) => r.phases[key]).filter(Boolean);
      phases[key] = Object.fromEntries(PHASE_FIGURES.map((f) => [f, median(ph.map((p) => p[f]))]));
      phases[key].unit = ph[0]?.unit;
      phases[key].count = ph[0]?.count;
      phases[key].concurrency = ph[0]?.concurrency;
    }
    const perStart = mine.map((r) => ({
      firstAnswerMs: r.firstAnswerMs, rssIdleMiB: r.rssIdleKiB / 1024, rssAfterMiB: r.rssAfterKiB / 1024, signInMs: r.auth?.signInMs,
    }));
    const start = Object.fromEntries(START_FIGURES.map((f) => [f, median(perStart.map((s) => s[f]))]));
    const s = statics[t] ?? {};
    out[t] = {
      starts: mine.length,
      phases,
      start,
      static: {
        gzipKiB: s.upload?.gzipKiB ?? NaN,
        totalKiB: s.upload?.totalKiB ?? NaN,
        startupMs: median((s.startups ?? []).map((x) => x.spanMs)),
        startupBusyMs: median((s.startups ?? []).map((x) => x.busyMs)),
      },
    };
  }
  return out;
}

// Every scalar figure of the summary, as [path, value] (e.g. ["phases.mcp-add-seq.cpuMs", 1.2]).
function figures(s) {
  const out = [];
  for (const [key, ph] of Object.entries(s.phases)) for (const f of PHASE_FIGURES) out.push([`phases.${key}.${f}`, ph[f]]);
  for (const [f, v] of Object.entries(s.start)) out.push([`start.${f}`, v]);
  for (const [f, v] of Object.entries(s.static)) out.push([`static.${f}`, v]);
  return out;
}
const at = (s, path) => path.split(".").reduce((o, k) => (o == null ? undefined : o[k]), s);

// { target: { base: { path: ratio } } } for every figure both have.
export function allRatios(summary) {
  const out = {};
  for (const [t, s] of Object.entries(summary)) {
    out[t] = {};
    for (const b of BASES) {
      if (b === t || !summary[b]) continue;
      const r = {};
      for (const [path, v] of figures(s)) {
        const x = ratio(v, at(summary[b], path));
        if (Number.isFinite(x)) r[path] = x;
      }
      out[t][b] = r;
    }
  }
  return out;
}

// The figures per phase, with ratios of CPU to each base, and of throughput and p50 to the peer.
export function phaseTable(summary, targets, concurrency) {
  const rows = [];
  for (const key of Object.keys(PHASES)) {
    for (const t of targets) {
      const x = summary[t]?.phases[key];
      if (!x) continue;
      const cpuVs = (b) => fmtRatio(ratio(x.cpuMs, summary[b]?.phases[key]?.cpuMs));
      const label = PHASES[key].label.replace("concurrent", `${concurrency} concurrent`);
      rows.push([label, t, fmt(x.p50Ms), fmt(x.p99Ms), fmt(x.perSecond, 0), fmt(x.cpuMs, 3), cpuVs("peer"), cpuVs("kv-floor"), cpuVs("hello"),
        fmtRatio(ratio(x.perSecond, summary.peer?.phases[key]?.perSecond)), fmtRatio(ratio(x.p50Ms, summary.peer?.phases[key]?.p50Ms)),
        fmt(x.proxyCpuMs, 3), fmt(x.wranglerNodeCpuMs, 3)]);
    }
  }
  return table(
    ["phase", "worker", "p50 ms", "p99 ms", "per s", "CPU ms", "CPU vs peer", "CPU vs kv-floor", "CPU vs hello", "per s vs peer", "p50 vs peer", "proxy CPU ms", "wrangler CPU ms"],
    rows, "llrrrrrrrrrrr",
  );
}

const WORKER_FIGURES = [
  ["static.gzipKiB", "upload, gzip KiB", 2],
  ["static.totalKiB", "upload, total KiB", 2],
  ["static.startupMs", "wrangler check startup, profile ms", 1],
  ["static.startupBusyMs", "wrangler check startup, sampled busy ms", 1],
  ["start.firstAnswerMs", "first answer after spawning wrangler dev, ms", 0],
  ["start.rssIdleMiB", "worker RSS idle (after start), MiB", 1],
  ["start.rssAfterMiB", "worker RSS after the run, MiB", 1],
];

// Per-worker figures (size, startup, memory), each with its ratios.
export function workerTable(summary, targets) {
  const rows = [];
  for (const [path, label, d] of WORKER_FIGURES) {
    for (const t of targets) {
      const v = at(summary[t] ?? {}, path);
      if (!Number.isFinite(v)) continue;
      rows.push([label, t, fmt(v, d), ...BASES.map((b) => fmtRatio(ratio(v, at(summary[b] ?? {}, path))))]);
    }
  }
  return table(["figure", "worker", "value", "vs peer", "vs kv-floor", "vs hello"], rows, "llrrrr");
}

// The targets for ours. `le`: ours/base must be at most `limit`; `ge`: at least.
export const GOALS = [
  { goal: "CPU per add on /mcp, sequential", path: "phases.mcp-add-seq.cpuMs", base: "kv-floor", op: "le", limit: 1.25 },
  { goal: "CPU per add on /mcp, concurrent", path: "phases.mcp-add-conc.cpuMs", base: "kv-floor", op: "le", limit: 1.25 },
  { goal: "CPU per add on /mcp, sequential", path: "phases.mcp-add-seq.cpuMs", base: "peer", op: "le", limit: 1 / 4 },
  { goal: "CPU per add on /mcp, concurrent", path: "phases.mcp-add-conc.cpuMs", base: "peer", op: "le", limit: 1 / 4 },
  { goal: "CPU per add on /sse, sequential", path: "phases.sse-add-seq.cpuMs", base: "peer", op: "le", limit: 1 / 3 },
  { goal: "CPU per add on /sse, concurrent", path: "phases.sse-add-conc.cpuMs", base: "peer", op: "le", limit: 1 / 3 },
  { goal: "CPU for the whole OAuth flow", path: "phases.oauth.cpuMs", base: "peer", op: "le", limit: 1 / 4 },
  { goal: "CPU per userInfoOctokit", path: "phases.userinfo.cpuMs", base: "peer", op: "le", limit: 1 / 3 },
  { goal: "gzipped upload", path: "static.gzipKiB", base: "peer", op: "le", limit: 1 / 5 },
  { goal: "wrangler check startup", path: "static.startupMs", base: "peer", op: "le", limit: 1 / 4 },
  { goal: "worker RSS after the run", path: "start.rssAfterMiB", base: "peer", op: "le", limit: 1 / 3 },
  { goal: "add on /mcp, concurrent, req/s", path: "phases.mcp-add-conc.perSecond", base: "peer", op: "ge", limit: 3 },
];

const limitText = (g) => {
  const l = g.limit < 1 ? `1/${Math.round(1 / g.limit)}` : `${g.limit}×`;
  return `${g.op === "le" ? "≤" : "≥"} ${l} ${g.base}`;
};

// -> [{ goal, target, ours, base, ratio, pass, change }] where `change` is how much ours' figure
// must change to meet the target (negative: cut by that share; positive: grow), NaN when it passes
// or cannot be judged. pass is null when ours or the base was not measured.
export function evaluateGoals(summary, goals = GOALS) {
  return goals.map((g) => {
    const ours = at(summary.ours ?? {}, g.path);
    const base = at(summary[g.base] ?? {}, g.path);
    const r = ratio(ours, base);
    const pass = Number.isFinite(r) ? (g.op === "le" ? r <= g.limit : r >= g.limit) : null;
    const change = pass === false ? g.limit / r - 1 : NaN;
    return { goal: g.goal, target: limitText(g), path: g.path, baseName: g.base, ours, base, ratio: r, limit: g.limit, op: g.op, pass, change };
  });
}

export function goalTable(results) {
  return table(
    ["target", "wanted", "ours", "base", "ratio", "result"],
    results.map((g) => [
      g.goal, g.target, fmtValue(g.ours), fmtValue(g.base), fmtRatio(g.ratio),
      g.pass === null ? "n/a (not measured)" : g.pass ? "pass" : `MISS (ours ${g.change < 0 ? "−" : "+"}${fmtPercent(Math.abs(g.change))} needed)`,
    ]),
    "llrrrl",
  );
}

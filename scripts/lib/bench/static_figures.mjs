// Figures that need no server: the upload size (`wrangler deploy --dry-run --outdir`, which prints
// "Total Upload: X KiB / gzip: Y KiB") and the startup time from `wrangler check startup` (it
// bundles the worker, starts it in workerd and writes a V8 CPU profile of the startup phase; the
// figure is the profile's span, endTime - startTime, what the peer's README calls "96 ms profile").
// Each runs with the worker's own wrangler (`{ bin, cwd, env }`) in a temporary output directory.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";

export function parseUploadSize(text) {
  const m = /Total Upload:\s*([\d.]+)\s*KiB\s*\/\s*gzip:\s*([\d.]+)\s*KiB/.exec(text);
  return m ? { totalKiB: Number(m[1]), gzipKiB: Number(m[2]) } : null;
}

// A .cpuprofile (JSON) -> { spanMs: endTime - startTime, busyMs: sampled time outside "(idle)",
// samples }. Times in a V8 profile are microseconds.
export function profileFigures(profile) {
  const idle = new Set(profile.nodes.filter((n) => n.callFrame?.functionName === "(idle)").map((n) => n.id));
  let busy = 0;
  (profile.samples ?? []).forEach((id, i) => {
    if (!idle.has(id)) busy += profile.timeDeltas?.[i] ?? 0;
  });
  return { spanMs: (profile.endTime - profile.startTime) / 1000, busyMs: busy / 1000, samples: profile.samples?.length ?? 0 };
}

function runWrangler(wrangler, args, what) {
  const r = spawnSync(wrangler.bin, args, { cwd: wrangler.cwd, env: { ...process.env, ...wrangler.env }, encoding: "utf8", timeout: 300000 });
  const text = `${r.stdout}\n${r.stderr}`;
  if (r.status !== 0) throw new Error(`bench: ${what} failed (exit ${r.status}):\n${text.split("\n").slice(-30).join("\n")}`);
  return text;
}

export function uploadSize(wrangler, configArgs) {
  const out = mkdtempSync(join(os.tmpdir(), "mcp-bench-upload-"));
  try {
    const text = runWrangler(wrangler, ["deploy", "--dry-run", "--outdir", join(out, "dist"), ...configArgs], "wrangler deploy --dry-run");
    const size = parseUploadSize(text);
    if (!size) throw new Error(`bench: wrangler deploy --dry-run printed no "Total Upload" line:\n${text}`);
    return size;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export function checkStartup(wrangler, configArgs) {
  const out = mkdtempSync(join(os.tmpdir(), "mcp-bench-startup-"));
  try {
    const file = join(out, "startup.cpuprofile");
    runWrangler(wrangler, ["check", "startup", "--outfile", file, ...configArgs], "wrangler check startup");
    return profileFigures(JSON.parse(readFileSync(file, "utf8")));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

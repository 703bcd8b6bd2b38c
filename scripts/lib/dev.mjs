// `npm run dev`: serve the worker under wrangler dev, with a working sign-in on a fresh clone.
//   node scripts/lib/dev.mjs [wrangler dev options]
// - No .dev.vars: write one (random COOKIE_ENCRYPTION_KEY, stand-in GitHub credentials, the
//   stand-in's URLs), never overwriting an existing file.
// - .dev.vars whose GITHUB_CLIENT_ID is a stand-in id (dev-standin-…), or that has no
//   GITHUB_CLIENT_ID at all: start the GitHub stand-in (tests/fakes/github) on 127.0.0.1 and point
//   the worker at it (through --var when the file does not say so; the file is left alone).
// - A real GITHUB_CLIENT_ID: real GitHub, no stand-in.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { deriveConfig } from "./dev_config.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const devVarsPath = resolve(root, ".dev.vars");
const STANDIN_PORT = Number(process.env.GITHUB_STANDIN_PORT ?? 8790);
const hex = (n) => randomBytes(n).toString("hex");

function readDevVars() {
  const vars = {};
  for (const line of readFileSync(devVarsPath, "utf8").split("\n")) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) vars[m[1]] = m[2].replace(/^"(.*)"$/, "$1");
  }
  return vars;
}

if (!existsSync(devVarsPath)) {
  const oauthUrl = `http://127.0.0.1:${STANDIN_PORT}/login/oauth`;
  writeFileSync(devVarsPath, [
    "# Local secrets for `npm run dev` (never commit this file). Written by scripts/lib/dev.mjs.",
    "# The GitHub values below point at the local GitHub stand-in (tests/fakes/github), a",
    "# development sign-in where you pick a login. To sign in with real GitHub, create a GitHub",
    "# OAuth App (README: \"Create a GitHub OAuth App\"), put its id and secret here, and delete the",
    "# two GITHUB_*_URL lines.",
    `COOKIE_ENCRYPTION_KEY=${hex(32)}`,
    `GITHUB_CLIENT_ID=dev-standin-${hex(8)}`,
    `GITHUB_CLIENT_SECRET=${hex(20)}`,
    `GITHUB_OAUTH_URL=${oauthUrl}`,
    `GITHUB_API_URL=http://127.0.0.1:${STANDIN_PORT}`,
    "",
  ].join("\n"), { mode: 0o600 });
  console.log("dev: wrote .dev.vars (random COOKIE_ENCRYPTION_KEY, GitHub stand-in credentials)");
}

const vars = readDevVars();
const extraVars = [];
let standIn = null;
const wantsStandIn = !vars.GITHUB_CLIENT_ID || vars.GITHUB_CLIENT_ID.startsWith("dev-standin-");
if (wantsStandIn) {
  const { startGitHubStandIn } = await import("../../tests/fakes/github/server.mjs");
  const clientId = vars.GITHUB_CLIENT_ID || `dev-standin-${hex(8)}`;
  const clientSecret = vars.GITHUB_CLIENT_SECRET || hex(20);
  standIn = await startGitHubStandIn({ port: STANDIN_PORT, clientId, clientSecret });
  if (!vars.GITHUB_CLIENT_ID) extraVars.push(`GITHUB_CLIENT_ID:${clientId}`, `GITHUB_CLIENT_SECRET:${clientSecret}`);
  if (vars.GITHUB_OAUTH_URL !== standIn.oauthUrl) extraVars.push(`GITHUB_OAUTH_URL:${standIn.oauthUrl}`);
  if (vars.GITHUB_API_URL !== standIn.apiUrl) extraVars.push(`GITHUB_API_URL:${standIn.apiUrl}`);
  console.log(`dev: GitHub stand-in (development sign-in, not GitHub) on ${standIn.url}`);
}
if (!vars.COOKIE_ENCRYPTION_KEY) console.warn("dev: .dev.vars has no COOKIE_ENCRYPTION_KEY: sign-in and sessions will refuse to work");

deriveConfig(resolve(root, "wrangler.dev.jsonc"));
const args = ["dev", "-c", "wrangler.dev.jsonc", "-c", "tests/fakes/fake_ai/wrangler.jsonc",
  ...extraVars.flatMap((v) => ["--var", v]), ...process.argv.slice(2)];
const child = spawn(resolve(root, "node_modules/.bin/wrangler"), args, {
  cwd: root, stdio: "inherit",
  env: { CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", ...process.env },
});
const stop = (signal) => { if (child.exitCode === null) child.kill(signal); };
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
child.on("exit", async (code, signal) => {
  if (standIn) await standIn.close();
  process.exit(code ?? (signal ? 1 : 0));
});

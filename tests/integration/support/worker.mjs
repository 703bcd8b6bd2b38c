// Starts the real module in real workerd (`wrangler dev`) for one test file, and stops it.
//   const worker = await startWorker({ vars, secrets });   // worker.url, worker.port, worker.stop()
// `vars` may be a function of the port, for vars that must name the worker's own origin
// (e.g. PUBLIC_URL), and may set any var the module reads (ACCESS_TOKEN_TTL, SSE_KEEPALIVE_MS…).
// Each worker gets its own temp dir: generated config, .dev.vars, local state.
//
// GitHub: by default each worker gets its own GitHub stand-in (tests/fakes/github, on a free port),
// exposed as `worker.github` ({ url, oauthUrl, apiUrl, control, clientId, clientSecret }) and
// stopped by `worker.stop()`. The worker is configured with vars GITHUB_OAUTH_URL / GITHUB_API_URL
// naming it and secrets GITHUB_CLIENT_ID / GITHUB_CLIENT_SECRET matching it. `github: false` starts
// none (worker.github is then undefined). Caller's vars and secrets win; a secret given as
// `null` or `undefined` is left out of .dev.vars (e.g. `secrets: { GITHUB_CLIENT_SECRET: null }`
// for a worker missing that secret).
// `worker.cookieEncryptionKey` is the random secret it was given (or `secrets.COOKIE_ENCRYPTION_KEY`);
// `worker.output()` the last lines wrangler printed (every line with `keepOutput: true`). MCP_TEST_LOG_LEVEL=debug shows workerd's own
// errors in that output.
//
// For tests that run two wrangler processes as one deployment (sse_transport.test.mjs, cross-process):
//   configure(config, { port, url })  edits the generated config (a parsed object) before wrangler
//                                     reads it; may return a replacement
//   persistTo                         the --persist-to directory (default <temp dir>/state; a
//                                     directory given here is the caller's to remove)
//   env                               extra environment for the wrangler process
// Each worker registers in its own dev registry (WRANGLER_REGISTRY_PATH=<temp dir>/registry) unless
// `env.WRANGLER_REGISTRY_PATH` names a shared one: workers of other runs (or a developer's
// `npm run dev`) never see each other. `worker.name`, `worker.persistTo` and `worker.configPath`
// describe what was started.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { deriveConfig } from "../../../scripts/lib/dev_config.mjs";
import { startGitHubStandIn } from "../../fakes/github/server.mjs";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

const READY_TIMEOUT_MS = 60_000;
const KEPT_LINES = 200;

// Reserves `count` distinct free ports (all listening at once, so they differ), then frees them.
async function freePorts(count) {
  const servers = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      await new Promise((ok, fail) => {
        server.once("error", fail);
        server.listen(0, "127.0.0.1", ok);
      });
      servers.push(server);
    }
    return servers.map((s) => s.address().port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((ok) => s.close(ok))));
  }
}

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
// A timer that does not keep the process alive (for timeouts raced against an exit).
const timeout = (ms, value) => new Promise((ok) => setTimeout(ok, ms, value).unref());

async function writeConfig(dir, extraVars, configure, where) {
  const path = join(dir, "wrangler.jsonc");
  deriveConfig(path, { test: true });
  const text = await readFile(path, "utf8");
  const newline = text.indexOf("\n");
  const header = text.slice(0, newline + 1); // the "// Generated ..." comment line
  let config = JSON.parse(text.slice(newline + 1));
  config.vars = { ...(config.vars ?? {}), ...extraVars };
  if (configure) config = (await configure(config, where)) ?? config;
  await writeFile(path, header + JSON.stringify(config, null, 2) + "\n");
  return { path, config };
}

const devVarsLine = (name, value) => `${name}=${JSON.stringify(String(value))}\n`;

export async function startWorker({
  vars = {}, secrets = {}, logLevel = process.env.MCP_TEST_LOG_LEVEL ?? "warn", configure, persistTo, env = {},
  github = true, keepOutput = false,
} = {}) {
  // The stand-in first: it holds its port before the worker's ports are picked.
  const standIn = github
    ? await startGitHubStandIn({ clientId: `gh-client-${randomBytes(6).toString("hex")}`, clientSecret: randomBytes(20).toString("hex") })
    : undefined;
  let dir, port, inspectorPort;
  try {
    dir = await mkdtemp(join(tmpdir(), "mcp-integration-"));
    [port, inspectorPort] = await freePorts(2);
  } catch (e) {
    await standIn?.close();
    throw e;
  }
  const statePath = persistTo ?? join(dir, "state");
  let name;
  const url = `http://127.0.0.1:${port}`;
  const githubVars = standIn ? { GITHUB_OAUTH_URL: standIn.oauthUrl, GITHUB_API_URL: standIn.apiUrl } : {};
  const githubSecrets = standIn ? { GITHUB_CLIENT_ID: standIn.clientId, GITHUB_CLIENT_SECRET: standIn.clientSecret } : {};
  const extraVars = { ...githubVars, ...(typeof vars === "function" ? vars({ port, url }) : vars) };
  const cookieEncryptionKey = secrets.COOKIE_ENCRYPTION_KEY ?? randomBytes(32).toString("hex");
  const allSecrets = Object.fromEntries(Object.entries({ ...githubSecrets, ...secrets, COOKIE_ENCRYPTION_KEY: cookieEncryptionKey })
    .filter(([, v]) => v !== null && v !== undefined));

  let child;
  const lines = [];
  let partial = "";
  const keep = (chunk) => {
    const parts = (partial + chunk.toString("utf8")).split("\n");
    partial = parts.pop();
    lines.push(...parts);
    if (!keepOutput && lines.length > KEPT_LINES) lines.splice(0, lines.length - KEPT_LINES);
  };
  const output = () => [...lines, partial].join("\n");

  const stop = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((ok) => child.once("exit", ok));
      try { process.kill(-child.pid, "SIGTERM"); } catch {}
      const done = await Promise.race([exited.then(() => true), timeout(5000, false)]);
      if (!done) {
        try { process.kill(-child.pid, "SIGKILL"); } catch {}
        await Promise.race([exited, timeout(2000)]);
      }
    }
    await standIn?.close();
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const written = await writeConfig(dir, extraVars, configure, { port, url });
    const configPath = written.path;
    name = written.config.name;
    await writeFile(join(dir, ".dev.vars"),
      Object.entries(allSecrets).map(([k, v]) => devVarsLine(k, v)).join(""));

    child = spawn(
      join(repoRoot, "node_modules/.bin/wrangler"),
      ["dev", "-c", configPath, "-c", join(repoRoot, "tests/fakes/fake_ai/wrangler.jsonc"),
        "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspectorPort),
        "--persist-to", statePath, "--log-level", logLevel, "--show-interactive-dev-session=false"],
      {
        cwd: repoRoot,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          ...process.env,
          CLOUDFLARE_CF_FETCH_ENABLED: "false",
          WRANGLER_SEND_METRICS: "false",
          WRANGLER_REGISTRY_PATH: join(dir, "registry"),
          ...env,
        },
      },
    );
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const exited = new Promise((ok) => child.once("exit", (code, signal) => ok({ code, signal })));
    const spawnFailed = new Promise((ok) => child.once("error", (e) => ok({ error: e })));

    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      const outcome = await Promise.race([
        fetch(`${url}/`, { signal: AbortSignal.timeout(2000) }).then(
          async (r) => { await r.body?.cancel(); return { ready: true }; },
          () => ({ ready: false }),
        ),
        exited,
        spawnFailed,
      ]);
      if (outcome.ready) break;
      if ("code" in outcome || "error" in outcome) {
        throw new Error(`wrangler dev exited before serving (${outcome.error ?? `code ${outcome.code}, signal ${outcome.signal}`}):\n${output()}`);
      }
      if (Date.now() > deadline) {
        throw new Error(`wrangler dev did not answer on ${url} within ${READY_TIMEOUT_MS / 1000} s:\n${output()}`);
      }
      await sleep(250);
    }
  } catch (e) {
    await stop();
    throw e;
  }

  return {
    url, port, cookieEncryptionKey, output, stop, name, persistTo: statePath, configPath: join(dir, "wrangler.jsonc"),
    github: standIn, pid: child.pid,
  };
}

// Starts the reference worker (tests/compat/reference_worker: @cloudflare/workers-oauth-provider
// 1.2.3 itself) in real workerd (`wrangler dev`), for the KV compatibility tests.
//   const ref = await startReferenceWorker({ persistTo, publicOrigin });  // ref.url, ref.stop()
// `persistTo` is the --persist-to directory: give it our worker's (`worker.persistTo`) and both
// read and write one local KV namespace (both configs bind OAUTH_KV to id "<Add-KV-ID>").
// `publicOrigin` is the origin the reference answers as (its PUBLIC_ORIGIN var, also its configured
// resource): our worker's, as when one deployment replaces the other on the same hostname.
// The worker gets its own port, inspector port and dev registry; `ref.kv(prefix)` lists the
// namespace through its /_test/kv route ([{name, value, expiration, metadata}]).
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./worker.mjs";

const READY_TIMEOUT_MS = 60_000;
const KEPT_LINES = 200;
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const timeout = (ms, value) => new Promise((ok) => setTimeout(ok, ms, value).unref());

async function freePorts(count) {
  const servers = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      await new Promise((ok, fail) => { server.once("error", fail); server.listen(0, "127.0.0.1", ok); });
      servers.push(server);
    }
    return servers.map((s) => s.address().port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((ok) => s.close(ok))));
  }
}

export async function startReferenceWorker({ persistTo, publicOrigin, logLevel = process.env.MCP_TEST_LOG_LEVEL ?? "warn" }) {
  if (!persistTo) throw new Error("startReferenceWorker needs persistTo (our worker's --persist-to directory)");
  const dir = await mkdtemp(join(tmpdir(), "mcp-reference-"));
  const [port, inspectorPort] = await freePorts(2);
  const url = `http://127.0.0.1:${port}`;
  const lines = [];
  let partial = "";
  const keep = (chunk) => {
    const parts = (partial + chunk.toString("utf8")).split("\n");
    partial = parts.pop();
    lines.push(...parts);
    if (lines.length > KEPT_LINES) lines.splice(0, lines.length - KEPT_LINES);
  };
  const output = () => [...lines, partial].join("\n");

  const args = ["dev", "-c", join(repoRoot, "tests/compat/reference_worker/wrangler.jsonc"),
    "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspectorPort),
    "--persist-to", persistTo, "--log-level", logLevel, "--show-interactive-dev-session=false"];
  if (publicOrigin) args.push("--var", `PUBLIC_ORIGIN:${publicOrigin}`);
  const child = spawn(join(repoRoot, "node_modules/.bin/wrangler"), args, {
    cwd: repoRoot,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false",
      WRANGLER_REGISTRY_PATH: join(dir, "registry") },
  });
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((ok) => child.once("exit", ok));
      try { process.kill(-child.pid, "SIGTERM"); } catch {}
      if (!(await Promise.race([exited.then(() => true), timeout(5000, false)]))) {
        try { process.kill(-child.pid, "SIGKILL"); } catch {}
        await Promise.race([exited, timeout(2000)]);
      }
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const exited = new Promise((ok) => child.once("exit", (code, signal) => ok({ code, signal })));
    const spawnFailed = new Promise((ok) => child.once("error", (e) => ok({ error: e })));
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      const outcome = await Promise.race([
        fetch(`${url}/`, { signal: AbortSignal.timeout(2000) }).then(
          async (r) => { await r.body?.cancel(); return { ready: r.status === 200 }; }, () => ({ ready: false })),
        exited, spawnFailed,
      ]);
      if (outcome.ready) break;
      if ("code" in outcome || "error" in outcome) {
        throw new Error(`reference wrangler dev exited before serving (${outcome.error ?? `code ${outcome.code}`}):\n${output()}`);
      }
      if (Date.now() > deadline) throw new Error(`reference worker did not answer on ${url}:\n${output()}`);
      await sleep(250);
    }
  } catch (e) {
    await stop();
    throw e;
  }

  const kv = async (prefix = "") => {
    const r = await fetch(`${url}/_test/kv?prefix=${encodeURIComponent(prefix)}`);
    if (r.status !== 200) throw new Error(`/_test/kv: ${r.status} ${await r.text()}`);
    return r.json();
  };
  return { url, port, stop, output, kv };
}

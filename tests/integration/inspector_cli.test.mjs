// The MCP Inspector's CLI mode (@modelcontextprotocol/inspector 0.22.0, pinned in package.json:
// `npx mcp-inspector --cli <url> --transport http|sse --method …`) against /mcp and /sse of the
// real module in workerd. The CLI mode has no OAuth flow of its own (its transports take headers
// only; the sign-in lives in the Inspector's web UI), so it gets a real access token from
// support/sign_in.mjs through `--header "Authorization: Bearer …"`, as a user would paste one.
// One worker for the file; each CLI run is a fresh process (two node processes: the launcher and
// the CLI proper), stopped by its process group if it outlives INSPECTOR_TIMEOUT_MS.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { repoRoot, startWorker } from "./support/worker.mjs";
import { signIn } from "./support/sign_in.mjs";

const INSPECTOR = join(repoRoot, "node_modules/.bin/mcp-inspector");
const INSPECTOR_TIMEOUT_MS = 60_000;

let worker, token, dir, cwd;
before(async () => {
  // The CLI picks the package.json it reports as client identity by testing "../package.json"
  // against its working directory: run it in a directory whose parent has none.
  dir = await mkdtemp(join(tmpdir(), "mcp-inspector-"));
  cwd = join(dir, "cwd");
  await mkdir(cwd);
  worker = await startWorker();
  ({ accessToken: token } = await signIn(worker.url));
});
after(async () => {
  await worker?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

// Runs `mcp-inspector --cli <args>`; resolves { code, stdout, stderr, json } (json: stdout parsed,
// when it is JSON).
function inspector(args) {
  return new Promise((resolve) => {
    const child = spawn(INSPECTOR, ["--cli", ...args], { cwd, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => { stdout += c; });
    child.stderr.on("data", (c) => { stderr += c; });
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${INSPECTOR_TIMEOUT_MS / 1000} s)`;
      try { process.kill(-child.pid, "SIGKILL"); } catch {}
    }, INSPECTOR_TIMEOUT_MS);
    child.once("error", (e) => { clearTimeout(timer); resolve({ code: null, stdout, stderr: `${stderr}\nspawn: ${e.message}` }); });
    child.once("close", (code) => {
      clearTimeout(timer);
      let json;
      try { json = JSON.parse(stdout); } catch {}
      resolve({ code, stdout, stderr, json });
    });
  });
}

const describeRun = (r) => `exit ${r.code}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
const withToken = () => ["--header", `Authorization: Bearer ${token}`];

for (const [transport, path] of [["http", "/mcp"], ["sse", "/sse"]]) {
  describe(`Inspector CLI, --transport ${transport} (${path})`, () => {
    test("tools/list lists add and userInfoOctokit", async () => {
      const r = await inspector([`${worker.url}${path}`, "--transport", transport, "--method", "tools/list", ...withToken()]);
      assert.equal(r.code, 0, describeRun(r));
      assert.ok(r.json, `stdout is not JSON: ${describeRun(r)}`);
      assert.deepEqual(r.json.tools.map((t) => t.name), ["add", "userInfoOctokit"]);
      const add = r.json.tools[0];
      assert.equal(add.description, "Add two numbers the way only MCP can");
      assert.deepEqual(add.inputSchema.properties, { a: { type: "number" }, b: { type: "number" } });
    });

    test("tools/call add with a=1 b=2 answers 3", async () => {
      const r = await inspector([`${worker.url}${path}`, "--transport", transport, "--method", "tools/call",
        "--tool-name", "add", "--tool-arg", "a=1", "--tool-arg", "b=2", ...withToken()]);
      assert.equal(r.code, 0, describeRun(r));
      assert.deepEqual(r.json, { content: [{ type: "text", text: "3" }] }, describeRun(r));
    });
  });
}

test("Inspector CLI: tools/call userInfoOctokit reads the signed-in user's GitHub profile", async () => {
  const r = await inspector([`${worker.url}/mcp`, "--transport", "http", "--method", "tools/call",
    "--tool-name", "userInfoOctokit", ...withToken()]);
  assert.equal(r.code, 0, describeRun(r));
  assert.notEqual(r.json?.isError, true, describeRun(r));
  assert.equal(JSON.parse(r.json.content[0].text).data.login, "octocat");
});

test("Inspector CLI: without the bearer header the server's 401 stops it", async () => {
  for (const [transport, path] of [["http", "/mcp"], ["sse", "/sse"]]) {
    const r = await inspector([`${worker.url}${path}`, "--transport", transport, "--method", "tools/list"]);
    assert.notEqual(r.code, 0, describeRun(r));
    assert.match(r.stderr, /401|unauthorized|access token/i, describeRun(r));
  }
});

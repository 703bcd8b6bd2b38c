// mcp-remote, the stdio bridge Claude Desktop and Cursor use for remote servers, started as their
// configuration starts it (`npx mcp-remote <url>/sse`, and `/mcp`), driven over stdio by the SDK's
// stdio client. The OAuth sign-in happens the way it does for a user: mcp-remote registers, opens
// the authorization URL in "the browser" ($BROWSER = support/open-in-chromium, real headless
// Chromium: consent, the GitHub stand-in, back to mcp-remote's localhost callback), exchanges the
// code, then lists and calls tools. A second start reuses the stored tokens without a browser.
// mcp-remote keeps its state in MCP_REMOTE_CONFIG_DIR (a temp dir here, ~/.mcp-auth for users).
// Fixed callback ports (mcp-remote's second argument): run this file alone, as npm test does.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { repoRoot, startWorker } from "./support/worker.mjs";

const CONNECT_TIMEOUT_MS = 90_000; // registration, Chromium start, sign-in, token exchange
let worker;
let configDir;
before(async () => {
  worker = await startWorker();
  configDir = await mkdtemp(join(tmpdir(), "mcp-remote-"));
});
after(async () => {
  await worker?.stop();
  if (configDir) await rm(configDir, { recursive: true, force: true });
});

// Starts `npx mcp-remote <url> <callbackPort> --transport <strategy>` (the pinned devDependency),
// connected to an SDK Client over stdio. Returns { client, stderr(), browserLog() }.
async function startBridge(path, { callbackPort, transport, login }) {
  const browserLog = join(configDir, `browser-${callbackPort}.jsonl`);
  let stderr = "";
  const bridge = new StdioClientTransport({
    command: "npx",
    args: ["--no-install", "mcp-remote", `${worker.url}${path}`, String(callbackPort), "--transport", transport],
    cwd: repoRoot,
    stderr: "pipe",
    env: {
      ...process.env,
      BROWSER: join(repoRoot, "tests/integration/support/open-in-chromium"),
      MCP_REMOTE_CONFIG_DIR: configDir,
      MCP_TEST_BROWSER_LOG: browserLog,
      MCP_TEST_LOGIN: login,
      DISPLAY: "", WAYLAND_DISPLAY: "",
    },
  });
  bridge.stderr?.on("data", (d) => { stderr += d; });
  const client = new Client({ name: "mcp-remote-test", version: "1.0.0" });
  const connected = client.connect(bridge);
  const timer = new Promise((_, fail) => setTimeout(() => fail(new Error(
    `mcp-remote did not connect within ${CONNECT_TIMEOUT_MS / 1000} s; its stderr:\n${stderr.slice(-4000)}`)), CONNECT_TIMEOUT_MS).unref());
  await Promise.race([connected, timer]);
  return {
    client,
    stderr: () => stderr,
    browserLog: () => (existsSync(browserLog) ? readFileSync(browserLog, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l)) : []),
  };
}

for (const [path, transport, callbackPort, login] of [["/sse", "sse-only", 3344, "octocat"], ["/mcp", "http-only", 3345, "hubot"]]) {
  describe(`npx mcp-remote ${path}`, () => {
    let bridge;
    after(async () => { await bridge?.client.close(); });

    test("signs in through the browser (consent, GitHub), then lists and calls tools", { timeout: CONNECT_TIMEOUT_MS + 30_000 }, async () => {
      bridge = await startBridge(path, { callbackPort, transport, login });
      // The browser script records its visit as it exits, which may be after mcp-remote connected.
      for (let i = 0; i < 100 && bridge.browserLog().length === 0; i++) await new Promise((ok) => setTimeout(ok, 200));
      const [visit] = bridge.browserLog();
      assert.ok(visit, `the browser was never opened; mcp-remote said:\n${bridge.stderr().slice(-3000)}`);
      assert.equal(visit.error, undefined, JSON.stringify(visit));
      assert.ok(visit.sawConsent, "the consent page was shown");
      assert.ok(new URL(visit.url).pathname === "/authorize", visit.url);
      assert.match(visit.landed, new RegExp(`^http://(localhost|127\\.0\\.0\\.1):${callbackPort}/oauth/callback\\?code=`));

      const { tools } = await bridge.client.listTools();
      assert.deepEqual(tools.map((t) => t.name), ["add", "userInfoOctokit"]);
      const sum = await bridge.client.callTool({ name: "add", arguments: { a: 19, b: 23 } });
      assert.deepEqual(sum.content, [{ type: "text", text: "42" }]);
      const me = await bridge.client.callTool({ name: "userInfoOctokit", arguments: {} });
      assert.equal(JSON.parse(me.content[0].text).data.login, login);
    });

    test("a second start reuses the stored tokens: no browser", { timeout: CONNECT_TIMEOUT_MS + 30_000 }, async () => {
      await bridge?.client.close();
      bridge = await startBridge(path, { callbackPort, transport, login });
      assert.equal(bridge.browserLog().length, 1, "the browser was opened again");
      const sum = await bridge.client.callTool({ name: "add", arguments: { a: 1, b: 2 } });
      assert.deepEqual(sum.content, [{ type: "text", text: "3" }]);
    });
  });
}

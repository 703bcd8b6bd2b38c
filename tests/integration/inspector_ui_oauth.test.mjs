// The MCP Inspector 0.22.0 (pinned) signing in with its own OAuth flow: its CLI mode has no OAuth
// (inspector_cli.test.mjs uses a bearer header), so this drives its web UI in headless Chromium
// (support/browser.mjs). The UI discovers our metadata from the 401, registers itself, sends the
// tab to our /authorize; Chromium approves on the consent page, signs in at the GitHub stand-in,
// returns to the Inspector's /oauth/callback; the Inspector exchanges the code (PKCE) and connects
// to /mcp through its proxy with the token. Then "List Tools" shows our tools.
// Fixed ports 6274 (UI) and 6277 (proxy), the Inspector's defaults: run this file alone, as
// npm test does. The proxy runs with DANGEROUSLY_OMIT_AUTH (its own session token is not what is
// being tested; it listens on localhost only).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, test } from "node:test";
import { repoRoot, startWorker } from "./support/worker.mjs";
import { launchBrowser, screenshot } from "./support/browser.mjs";

const UI = "http://localhost:6274";
const READY_TIMEOUT_MS = 60_000;
let worker, inspector, chromium;
let output = "";

before(async () => {
  worker = await startWorker();
  inspector = spawn("node", [`${repoRoot}/node_modules/@modelcontextprotocol/inspector/client/bin/start.js`], {
    cwd: repoRoot, detached: true,
    env: { ...process.env, MCP_AUTO_OPEN_ENABLED: "false", DANGEROUSLY_OMIT_AUTH: "true", CLIENT_PORT: "6274", SERVER_PORT: "6277" },
  });
  inspector.stdout.on("data", (d) => { output += d; });
  inspector.stderr.on("data", (d) => { output += d; });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const ok = await fetch(`${UI}/`).then((r) => r.ok, () => false);
    if (ok) break;
    if (inspector.exitCode !== null || Date.now() > deadline) throw new Error(`the Inspector did not start:\n${output.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  chromium = await launchBrowser();
});

after(async () => {
  await chromium?.close();
  if (inspector) {
    const exited = new Promise((ok) => inspector.once("close", ok));
    try { process.kill(-inspector.pid, "SIGTERM"); } catch {}
    const timer = setTimeout(() => { try { process.kill(-inspector.pid, "SIGKILL"); } catch {} }, 5000);
    await exited;
    clearTimeout(timer);
  }
  await worker?.stop();
});

test("the Inspector's web UI signs in with its own OAuth flow, connects to /mcp and lists the tools", { timeout: 120_000 }, async () => {
  const context = await chromium.newContext();
  const page = await context.newPage();
  await page.goto(`${UI}/?transport=streamable-http&serverUrl=${encodeURIComponent(`${worker.url}/mcp`)}`);
  await page.getByRole("button", { name: "Connect" }).click();
  // The Inspector sends the tab to our authorization endpoint, with PKCE and the resource.
  await page.waitForURL((u) => u.origin === worker.url && u.pathname === "/authorize");
  const authorize = new URL(page.url());
  assert.equal(authorize.searchParams.get("code_challenge_method"), "S256");
  assert.equal(authorize.searchParams.get("redirect_uri"), `${UI}/oauth/callback`);
  assert.equal(authorize.searchParams.get("resource"), `${worker.url}/mcp`);
  await page.getByRole("button", { name: "Approve" }).click();
  await page.getByRole("button", { name: "Sign in as octocat", exact: true }).click();
  await page.waitForURL((u) => u.origin === UI);
  await page.getByText("Connected", { exact: true }).waitFor();
  await page.getByText("remote-mcp-github-oauth-cpp").first().waitFor();

  await page.getByRole("button", { name: "List Tools" }).click();
  // The UI lists tools by title, with their descriptions.
  await page.getByText("Get user info from GitHub, via Octokit").first().waitFor();
  const body = await page.locator("body").innerText();
  assert.match(body, /Add two numbers the way only MCP can/);
  assert.match(body, /3\. tools\/list/, "the Inspector's history shows the tools/list it sent");
  assert.doesNotMatch(body, /Generate image/, "octocat is not in ALLOWED_USERNAMES here");
  await screenshot(page, "inspector-connected");
  // The token the Inspector got is ours: the proxy's requests to /mcp carried it.
  assert.match(output, /New StreamableHttp connection request/);
  await context.close();
});

// What a user does in their browser when `mcp-remote` opens the authorization URL, done by real
// headless Chromium (support/browser.mjs): our consent page (Approve), the GitHub stand-in's login
// picker, then mcp-remote's own callback page on localhost. Run as $BROWSER through
// support/open-in-chromium. Environment:
//   MCP_TEST_LOGIN        the login to pick at the stand-in (default octocat)
//   MCP_TEST_BROWSER_LOG  a file to append one JSON line to: {url, sawConsent, landed, visited}
import { appendFileSync } from "node:fs";
import { ACTION_TIMEOUT_MS, launchBrowser } from "./browser.mjs";

const url = process.argv[2];
const login = process.env.MCP_TEST_LOGIN || "octocat";
const record = { url, sawConsent: false, landed: null, visited: [] };
let chromium;
let code = 0;
try {
  if (!url) throw new Error("usage: open-in-chromium <url>");
  const authorizeOrigin = new URL(url).origin;
  chromium = await launchBrowser();
  const context = await chromium.newContext();
  const page = await context.newPage();
  page.on("framenavigated", (f) => { if (f === page.mainFrame()) record.visited.push(f.url()); });
  await page.goto(url);
  if (new URL(page.url()).origin === authorizeOrigin) {
    const approve = page.getByRole("button", { name: "Approve" });
    await approve.waitFor({ state: "visible" });
    record.sawConsent = true;
    await Promise.all([page.waitForURL((u) => u.origin !== authorizeOrigin), approve.click()]);
  }
  await page.getByRole("button", { name: `Sign in as ${login}`, exact: true }).click();
  // Our /callback redirects to the client's redirect URI: mcp-remote's local server.
  await page.waitForURL((u) => u.origin !== authorizeOrigin && /^(localhost|127\.0\.0\.1)$/.test(u.hostname) &&
    u.searchParams.has("code"), { timeout: 2 * ACTION_TIMEOUT_MS });
  await page.waitForLoadState("load");
  record.landed = page.url().replace(/([?&]code=)[^&]+/, "$1…");
} catch (e) {
  record.error = e.message;
  code = 1;
} finally {
  await chromium?.close().catch(() => {});
  if (process.env.MCP_TEST_BROWSER_LOG) appendFileSync(process.env.MCP_TEST_BROWSER_LOG, JSON.stringify(record) + "\n");
}
process.exit(code);

// A real headless Chromium for integration tests, driven by playwright-core over the DevTools
// protocol. This module starts the browser process itself (so it knows the pid, the flags and the
// profile directory), connects Playwright to it, and on close stops that pid and removes the profile.
//
//   const chromium = await launchBrowser();          // throws a clear Error when Chromium is missing or hangs
//   const context = await chromium.newContext();     // a fresh cookie jar (one "user"), bounded timeouts
//   const page = await context.newPage();
//   ...
//   await chromium.close();                          // contexts, then SIGTERM (SIGKILL after 5 s), then rm -r the profile
//
// `chromium.pid`, `chromium.profileDir`, `chromium.browser` (the Playwright Browser) and
// `chromium.version` describe what was started. The executable is /usr/bin/chromium (Debian's
// `chromium`, which scripts/setup installs), or $CHROMIUM_PATH when set (e.g. on macOS:
// "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome").
//
// Every wait is bounded: the launch (LAUNCH_TIMEOUT_MS), each Playwright action and navigation
// (ACTION_TIMEOUT_MS, set on every context), and the shutdown. A process that outlives the test
// process is killed from an exit handler.
import { spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium as playwrightChromium } from "playwright-core";
import { repoRoot } from "./worker.mjs";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
export const LAUNCH_TIMEOUT_MS = 30_000;
export const ACTION_TIMEOUT_MS = 15_000;
// Screenshots and other artefacts a reviewer looks at after `npm test` (scripts/test creates it).
export const TEST_OUTPUT_DIR = join(repoRoot, "build/test-output");

// Headless, no sandbox (tests run as root in containers), nothing that phones home or updates
// itself, no QUIC (everything is plain HTTP on 127.0.0.1), /tmp instead of a small /dev/shm.
export const CHROMIUM_FLAGS = Object.freeze([
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
  "--no-default-browser-check",
  "--password-store=basic",
]);

const KEPT_LINES = 40;
const timeout = (ms, value) => new Promise((ok) => setTimeout(ok, ms, value).unref());

// Within `ms`, or rejects with `what` in the message.
export function within(ms, promise, what) {
  let timer;
  const expired = new Promise((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
    timer.unref();
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

function checkExecutable() {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
  } catch {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. The browser tests need it: run \`bash scripts/setup\` ` +
      "(installs Debian's chromium package as root), `apt-get install chromium`, or set CHROMIUM_PATH to a Chrome/Chromium binary.");
  }
}

// Pids started here and not stopped yet: killed if the test process exits without close().
const running = new Set();
process.on("exit", () => {
  for (const { pid, profileDir } of running) {
    try { process.kill(-pid, "SIGKILL"); } catch {}
    try { rmSync(profileDir, { recursive: true, force: true }); } catch {}
  }
});

export async function launchBrowser({ args = [] } = {}) {
  checkExecutable();
  const profileDir = mkdtempSync(join(tmpdir(), "mcp-chromium-profile-"));
  const lines = [];
  let partial = "";
  const output = () => [...lines, partial].join("\n");

  // Detached: its own process group, so the renderer and utility processes stop with it.
  const child = spawn(CHROMIUM_PATH, [...CHROMIUM_FLAGS, ...args, `--user-data-dir=${profileDir}`,
    "--remote-debugging-port=0", "about:blank"], { detached: true, stdio: ["ignore", "ignore", "pipe"] });
  const record = { pid: child.pid, profileDir };
  if (child.pid) running.add(record);
  const exited = new Promise((ok) => child.once("exit", (code, signal) => ok({ code, signal })));

  let browser;
  const stop = async () => {
    if (browser) await within(5000, browser.close(), "closing the Playwright connection").catch(() => {});
    if (child.pid && child.exitCode === null && child.signalCode === null) {
      try { process.kill(-child.pid, "SIGTERM"); } catch {}
      if (!(await Promise.race([exited.then(() => true), timeout(5000, false)]))) {
        try { process.kill(-child.pid, "SIGKILL"); } catch {}
        await Promise.race([exited, timeout(2000)]);
      }
    }
    running.delete(record);
    // Chromium may still be flushing its profile while it exits: retry the removal briefly.
    rmSync(profileDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  };

  try {
    // Chromium prints "DevTools listening on ws://127.0.0.1:<port>/devtools/browser/<id>" once ready.
    const endpoint = await new Promise((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(
        `Chromium (${CHROMIUM_PATH}) did not open its DevTools endpoint within ${LAUNCH_TIMEOUT_MS / 1000} s:\n${output()}`)),
      LAUNCH_TIMEOUT_MS);
      timer.unref();
      child.once("error", (e) => { clearTimeout(timer); fail(new Error(`Chromium (${CHROMIUM_PATH}) could not start: ${e.message}`)); });
      exited.then(({ code, signal }) => {
        clearTimeout(timer);
        fail(new Error(`Chromium (${CHROMIUM_PATH}) exited before it was ready (code ${code}, signal ${signal}):\n${output()}`));
      });
      child.stderr.on("data", (chunk) => {
        const parts = (partial + chunk.toString("utf8")).split("\n");
        partial = parts.pop();
        lines.push(...parts);
        if (lines.length > KEPT_LINES) lines.splice(0, lines.length - KEPT_LINES);
        const m = /DevTools listening on (ws:\/\/\S+)/.exec(output());
        if (m) { clearTimeout(timer); ok(m[1]); }
      });
    });
    browser = await playwrightChromium.connectOverCDP(endpoint, { timeout: LAUNCH_TIMEOUT_MS });
  } catch (e) {
    await stop();
    throw e;
  }

  return {
    pid: child.pid,
    profileDir,
    browser,
    version: browser.version(),
    output,
    // A fresh browser context (its own cookies and storage), with bounded waits. `options` are
    // Playwright's (viewport, colorScheme, ...).
    async newContext(options = {}) {
      const context = await browser.newContext({ viewport: { width: 900, height: 900 }, ...options });
      context.setDefaultTimeout(ACTION_TIMEOUT_MS);
      context.setDefaultNavigationTimeout(ACTION_TIMEOUT_MS);
      return context;
    },
    close: stop,
  };
}

// What a page shows, for failure messages: its URL and the start of its text.
export async function describePage(page) {
  const text = await within(3000, page.locator("body").innerText(), "reading the page").catch((e) => `(${e.message})`);
  return `${page.url()}\n---\n${String(text).slice(0, 800)}`;
}

// Saves a full-page screenshot as build/test-output/<name>.png; returns the path.
export async function screenshot(page, name) {
  await mkdir(TEST_OUTPUT_DIR, { recursive: true });
  const path = join(TEST_OUTPUT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

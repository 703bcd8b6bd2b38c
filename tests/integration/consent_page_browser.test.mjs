// The consent page in a real browser (headless Chromium, support/browser.mjs): what a user sees at
// /authorize, saved as build/test-output/consent.png (light), consent-dark.png (dark) and
// consent-keyboard-focus.png (Approve focused by Tab), with the client's name, where the code
// goes, what is granted, and both buttons; then Approve and Deny worked from the keyboard alone
// (Tab to the button, Enter or Space; no mouse). Approve posting the form from the page also proves
// the browser sends a real Origin with it (Referrer-Policy same-origin; see oauth/responses.hpp).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { describePage, launchBrowser, screenshot } from "./support/browser.mjs";
import { startRedirectCatcher } from "./support/browser_oauth.mjs";
import { authorizeUrl, pkce, registerClient } from "./support/sign_in.mjs";
import { startWorker } from "./support/worker.mjs";

const CLIENT_NAME = "Acme Notes";
// Every test ends within this, whatever hangs (each browser wait is bounded more tightly).
const BOUNDED = { timeout: 90_000 };
const MAX_TABS = 12;

let worker;
let chromium;
let catcher;
let client;

before(async () => {
  catcher = await startRedirectCatcher();
  [worker, chromium] = await Promise.all([startWorker(), launchBrowser()]);
  client = await registerClient(worker.url, { client_name: CLIENT_NAME, redirect_uris: [catcher.redirectUri] });
});
after(async () => {
  await chromium?.close();
  await worker?.stop();
  await catcher?.close();
});

// A fresh browser (context) on the consent page of a new authorization request for /mcp.
async function openConsent(options = {}) {
  const context = await chromium.newContext(options);
  const page = await context.newPage();
  const state = `st-${Date.now()}`;
  const url = authorizeUrl(worker.url, { client, challenge: pkce().challenge, state, resource: `${worker.url}/mcp` });
  const response = await page.goto(url);
  assert.equal(response.status(), 200, await describePage(page));
  return { context, page, state };
}

// Presses Tab until `target` (a Locator) has the focus; returns how many presses it took.
async function tabTo(page, target) {
  for (let presses = 1; presses <= MAX_TABS; presses++) {
    await page.keyboard.press("Tab");
    if (await target.evaluate((el) => el === document.activeElement)) return presses;
  }
  assert.fail(`${MAX_TABS} presses of Tab never focused ${target}; focus is on ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 200))}`);
}

test("the consent page names the client, where it returns, what is granted, and offers Approve and Deny (screenshots in build/test-output)", BOUNDED, async () => {
  const { context, page } = await openConsent({ colorScheme: "light" });
  try {
    const path = await screenshot(page, "consent");
    assert.match(await page.title(), new RegExp(CLIENT_NAME));
    await assert.doesNotReject(page.getByRole("heading", { level: 1, name: new RegExp(CLIENT_NAME) }).waitFor({ state: "visible" }));
    const text = await page.locator("body").innerText();
    assert.ok(text.includes(catcher.redirectUri), `the redirect URI is shown:\n${text}`);
    assert.ok(text.includes(`${worker.url}/mcp`), `the resource the token is for is shown:\n${text}`);
    assert.match(text, /GitHub/, "says the user signs in with GitHub next");
    for (const name of ["Approve", "Deny"]) {
      const button = page.getByRole("button", { name, exact: true });
      assert.equal(await button.count(), 1, `one ${name} button`);
      assert.ok(await button.isVisible(), `${name} is visible`);
      assert.ok(await button.isEnabled(), `${name} is enabled`);
    }
    // Both buttons sit within the first screen (900 px), next to what they decide.
    for (const name of ["Approve", "Deny"]) {
      const box = await page.getByRole("button", { name, exact: true }).boundingBox();
      assert.ok(box && box.y + box.height <= 900, `${name} is visible without scrolling: ${JSON.stringify(box)}`);
    }
    console.log(`# consent page screenshot: ${path}`);
  } finally {
    await context.close();
  }

  const dark = await openConsent({ colorScheme: "dark" });
  try {
    const path = await screenshot(dark.page, "consent-dark");
    const background = await dark.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r, g, b] = background.match(/\d+/g).map(Number);
    assert.ok(r + g + b < 3 * 80, `a dark background when the system prefers dark: ${background}`);
    console.log(`# consent page screenshot (dark): ${path}`);
  } finally {
    await dark.context.close();
  }
});

test("Approve works from the keyboard alone: Tab focuses it with a visible focus ring, Enter approves", BOUNDED, async () => {
  const { context, page } = await openConsent();
  try {
    const approve = page.getByRole("button", { name: "Approve", exact: true });
    await tabTo(page, approve);
    const ring = await approve.evaluate((el) => {
      const s = getComputedStyle(el);
      return { focusVisible: el.matches(":focus-visible"), outline: `${s.outlineStyle} ${s.outlineWidth}`, shadow: s.boxShadow };
    });
    assert.ok(ring.focusVisible, "keyboard focus is :focus-visible");
    assert.ok(!ring.outline.startsWith("none") || ring.shadow !== "none", `a visible focus indicator: ${JSON.stringify(ring)}`);
    await screenshot(page, "consent-keyboard-focus");
    const github = new URL(worker.github.oauthUrl);
    await Promise.all([page.waitForURL((u) => u.origin === github.origin), page.keyboard.press("Enter")]);
    assert.equal(new URL(page.url()).pathname, `${github.pathname}/authorize`, await describePage(page));
    assert.equal(new URL(page.url()).searchParams.get("client_id"), worker.github.clientId);
  } finally {
    await context.close();
  }
});

test("Deny works from the keyboard alone: Tab to it, Space sends access_denied back to the client", BOUNDED, async () => {
  const { context, page, state } = await openConsent();
  try {
    const deny = page.getByRole("button", { name: "Deny", exact: true });
    await tabTo(page, deny);
    const arrival = catcher.next();
    await page.keyboard.press("Space");
    const back = await arrival;
    assert.equal(back.searchParams.get("error"), "access_denied");
    assert.equal(back.searchParams.get("state"), state);
    assert.equal(back.searchParams.get("iss"), worker.url);
    assert.equal(back.searchParams.get("code"), null);
  } finally {
    await context.close();
  }
});

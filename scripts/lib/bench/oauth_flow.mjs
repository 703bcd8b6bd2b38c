// The whole OAuth flow of an MCP client, for the benchmark, against ours or the peer: register a
// public client (POST /register), open /authorize in a fresh "browser" (cookie jar), approve the
// consent page, sign in on the GitHub stand-in, follow the redirect to the worker's /callback (where
// the worker exchanges the code with the stand-in and reads GET /user), then redeem the code at
// /token with PKCE (S256). Only the consent form differs between the two servers (ours: hidden
// `request` + `csrf` and a button action=approve; the peer: hidden `state` + `csrf_token`), so the
// form is read generically: every hidden input plus the Approve button's name/value, if it has one.
// The building blocks are the integration tests' (tests/integration/support/sign_in.mjs).
import { randomBytes } from "node:crypto";
import { CookieJar, authorizeUrl, browse, pickLoginAtGitHub, pkce, redeemCode, registerClient } from "../../../tests/integration/support/sign_in.mjs";
import { LOGIN } from "./mcp.mjs";

const unescapeHtml = (s) => s.replaceAll("&quot;", '"').replaceAll("&#39;", "'").replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&");

function attributes(tag) {
  const out = {};
  for (const m of tag.matchAll(/([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*"([^"]*)"/g)) out[m[1].toLowerCase()] = unescapeHtml(m[2]);
  return out;
}

// A consent page -> { method, action, fields: [[name, value], ...] }: the first form's hidden inputs
// and its approving submit button (value "approve", or text "Approve"/"Allow") when that is named.
export function consentForm(html) {
  const form = /<form\b[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) throw new Error("no <form> on the consent page");
  const formAttrs = attributes(form[0].slice(0, form[0].indexOf(">") + 1));
  const fields = [];
  for (const m of form[1].matchAll(/<input\b[^>]*>/gi)) {
    const a = attributes(m[0]);
    if ((a.type ?? "").toLowerCase() === "hidden" && a.name) fields.push([a.name, a.value ?? ""]);
  }
  for (const m of form[1].matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/gi)) {
    const a = attributes(`<button ${m[1]}>`);
    if ((a.type ?? "submit").toLowerCase() !== "submit") continue;
    if (!(/^(approve|allow)$/i.test(a.value ?? "") || /approve|allow/i.test(m[2]))) continue;
    if (a.name) fields.push([a.name, a.value ?? ""]);
    break;
  }
  return { method: (formAttrs.method ?? "get").toUpperCase(), action: formAttrs.action ?? "", fields };
}

// One whole flow against `workerUrl`. Returns { accessToken, tokens, client }; throws on any step
// that does not answer as a browser and a client expect.
export async function oauthFlow(workerUrl, { login = LOGIN } = {}) {
  const client = await registerClient(workerUrl, { client_name: "bench" });
  const { verifier, challenge } = pkce();
  const jar = new CookieJar();
  const state = randomBytes(8).toString("hex");
  let r = await browse(jar, authorizeUrl(workerUrl, { client, challenge, state }));
  if (r.status === 200) {
    const form = consentForm(await r.text());
    if (form.method !== "POST") throw new Error(`consent form method ${form.method}`);
    r = await browse(jar, new URL(form.action || "/authorize", workerUrl).href, {
      method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form.fields),
    });
  }
  if (r.status !== 302) throw new Error(`authorize/consent: expected a redirect to GitHub, got ${r.status} ${(await r.text()).slice(0, 200)}`);
  await r.body?.cancel();
  const callback = await pickLoginAtGitHub(jar, new URL(r.headers.get("location")), login);
  r = await browse(jar, callback.href);
  if (r.status !== 302) throw new Error(`callback: ${r.status} ${(await r.text()).slice(0, 200)}`);
  await r.body?.cancel();
  const back = new URL(r.headers.get("location"));
  if (back.searchParams.get("state") !== state) throw new Error(`callback: the redirect back lost the state: ${back}`);
  const code = back.searchParams.get("code");
  if (!code) throw new Error(`callback: no code in ${back}`);
  const tokens = await redeemCode(workerUrl, { client, code, verifier });
  if (!tokens?.access_token) throw new Error(`token: no access_token in ${JSON.stringify(tokens)}`);
  return { accessToken: tokens.access_token, tokens, client };
}

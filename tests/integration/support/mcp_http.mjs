// Raw Streamable HTTP helpers for /mcp: JSON-RPC posts with fetch, requests with an explicit Host
// header through node:http (fetch forbids setting Host), and session-id forging for key tests.
// Every MCP route needs `Authorization: Bearer <token>`: each helper takes a `token` option (an
// access token from support/sign_in.mjs) and sends it in that header; without one, none is sent.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { request as httpRequest } from "node:http";

export const ACCEPT = "application/json, text/event-stream";
export const CLIENT_INFO = { name: "integration-tests", version: "0.0.0" };

let nextId = 1;
export const rpc = (method, params, id = nextId++) =>
  params === undefined ? { jsonrpc: "2.0", id, method } : { jsonrpc: "2.0", id, method, params };
export const notification = (method, params) =>
  params === undefined ? { jsonrpc: "2.0", method } : { jsonrpc: "2.0", method, params };

// The Authorization header for `token` ({} without one).
export const bearer = (token) => (token === undefined ? {} : { authorization: `Bearer ${token}` });

const parseJson = (text) => { try { return JSON.parse(text); } catch { return undefined; } };

// POSTs `body` (an object is JSON-encoded; a string, Uint8Array or stream is sent as is) to /mcp.
// Returns { status, headers, text, json }.
export async function post(url, body, { session, protocolVersion, token, headers = {}, path = "/mcp", method = "POST", ...init } = {}) {
  const h = { "content-type": "application/json", accept: ACCEPT, ...bearer(token), ...headers };
  if (session !== undefined) h["mcp-session-id"] = session;
  if (protocolVersion !== undefined) h["mcp-protocol-version"] = protocolVersion;
  const payload = body === undefined || typeof body === "string" || body instanceof Uint8Array ||
    body instanceof ReadableStream ? body : JSON.stringify(body);
  const response = await fetch(url + path, { method, headers: h, body: payload, ...init });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: parseJson(text) };
}

export async function del(url, session, { token } = {}) {
  const headers = { ...bearer(token), ...(session === undefined ? {} : { "mcp-session-id": session }) };
  const response = await fetch(`${url}/mcp`, { method: "DELETE", headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: parseJson(text) };
}

// initialize alone; returns { status, session, result, response }.
export async function initialize(url, protocolVersion = "2025-06-18", { headers, token } = {}) {
  const response = await post(url, rpc("initialize", {
    protocolVersion, capabilities: {}, clientInfo: CLIENT_INFO,
  }), { headers, token });
  return {
    status: response.status,
    session: response.headers.get("mcp-session-id") ?? undefined,
    result: response.json?.result,
    response,
  };
}

// A session ready for requests (initialize + notifications/initialized).
export async function openSession(url, protocolVersion = "2025-06-18", { token } = {}) {
  const init = await initialize(url, protocolVersion, { token });
  if (init.status !== 200 || !init.session) {
    throw new Error(`initialize failed: ${init.status} ${init.response.text}`);
  }
  const ack = await post(url, notification("notifications/initialized"),
    { session: init.session, protocolVersion: init.result.protocolVersion, token });
  if (ack.status !== 202) throw new Error(`notifications/initialized failed: ${ack.status} ${ack.text}`);
  return { session: init.session, protocolVersion: init.result.protocolVersion };
}

// An HTTP request with full control of the headers (Host included), over node:http.
// Returns { status, headers, text, json }.
export function rawRequest(port, { method = "POST", path = "/mcp", headers: given = {}, body, token } = {}) {
  const headers = { ...bearer(token), ...given };
  const payload = body === undefined ? undefined :
    typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body);
  return new Promise((resolveRequest, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method, path, headers, setHost: !("host" in headers) }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolveRequest({ status: res.statusCode, headers: res.headers, text, json: parseJson(text) });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    if (payload !== undefined) req.end(payload); else req.end();
  });
}

// Session ids are "s1." + b64url(claims) + "." + b64url(HMAC-SHA256(HMAC-SHA256(KEY, label), claims))
// (wasm/core/mcp/session_id.hpp). Re-signs the claims of `id` with `cookieEncryptionKey`.
export function resignSessionId(id, cookieEncryptionKey) {
  const [prefix, claims] = id.split(".");
  const macKey = createHmac("sha256", cookieEncryptionKey).update("mcp-session-id/v1").digest();
  const mac = createHmac("sha256", macKey).update(Buffer.from(claims, "base64url")).digest("base64url");
  return `${prefix}.${claims}.${mac}`;
}

// Changes one character of the MAC part (after the last '.'), keeping it valid base64url.
export function tamperSessionId(id) {
  const dot = id.lastIndexOf(".");
  const i = dot + 5;
  const swapped = id[i] === "A" ? "B" : "A";
  return id.slice(0, i) + swapped + id.slice(i + 1);
}

// Asserts a JSON-RPC error body: { jsonrpc: "2.0", id, error: { code, message } }.
export function errorOf(response) {
  const body = response.json;
  if (!body || typeof body !== "object" || !body.error) {
    throw new Error(`expected a JSON-RPC error body, got ${response.status} ${response.text}`);
  }
  return body.error;
}

// The tools a user outside ALLOWED_USERNAMES sees: add (checked in full) and userInfoOctokit;
// generateImage does not exist for them.
export function assertOnlyAddTool(tools) {
  assert.deepEqual(tools.map((t) => t.name), ["add", "userInfoOctokit"]);
  const [add] = tools;
  assert.equal(add.name, "add");
  assert.equal(add.description, "Add two numbers the way only MCP can");
  assert.equal(add.inputSchema.type, "object");
  assert.deepEqual(add.inputSchema.properties, { a: { type: "number" }, b: { type: "number" } });
  assert.deepEqual([...add.inputSchema.required].sort(), ["a", "b"]);
  assert.ok(add.annotations && typeof add.annotations === "object" && !Array.isArray(add.annotations));
  assert.equal(tools[1].description, "Get user info from GitHub, via Octokit");
}

// Performs one operation the core parked (wasm/core/host/operation.hpp), with the platform's own
// KV and WebCrypto. Answers { status: 0 ok | 1 not found | 2 failed, bytes }. KV and Durable
// Object calls have a deadline (deadline.js).
import { withDeadline } from "./deadline.js";
import { keyText, writeList } from "./http_codec.js";
import { performFetch } from "./perform_fetch.js";
import { grantState } from "./grant_state.js";
import { mailbox } from "./sse_session.js";

const OK = 0, NOT_FOUND = 1, FAILED = 2;
const EMPTY = new Uint8Array(0);
const utf8 = new TextEncoder();

const hmacKeys = new Map(); // imported CryptoKeys by key bytes: importKey is costly per request

async function hmacKey(bytes) {
  const id = String.fromCharCode.apply(null, bytes); // one char per byte: distinct keys stay distinct
  let key = hmacKeys.get(id);
  if (!key) {
    key = await crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    if (hmacKeys.size >= 32) hmacKeys.clear();
    hmacKeys.set(id, key);
  }
  return key;
}

const kinds = {
  1: async (op) => crypto.getRandomValues(new Uint8Array(op.n)),
  2: async (op) => new Uint8Array(await crypto.subtle.digest("SHA-256", op.data)),
  3: async (op) => new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(op.key), op.data)),
  4: async (op, env) => {
    const value = await env.OAUTH_KV.get(keyText(op.key), "arrayBuffer");
    return value === null ? null : new Uint8Array(value);
  },
  5: async (op, env) => {
    const options = {};
    if (op.n > 0) options.expirationTtl = op.n;
    if (op.extra.length > 0) options.metadata = JSON.parse(keyText(op.extra));
    await env.OAUTH_KV.put(keyText(op.key), op.data, options);
    return EMPTY;
  },
  6: async (op, env) => { await env.OAUTH_KV.delete(keyText(op.key)); return EMPTY; },
  7: async (op, env) => ((await mailbox(env, keyText(op.key)).deliver(keyText(op.extra), op.data)) ? EMPTY : null),
  8: async (op) => new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv: op.extra }, await aesKey(op.key, "AES-GCM"), op.data)),
  9: async (op) => new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: op.extra }, await aesKey(op.key, "AES-GCM"), op.data)),
  10: async (op) => new Uint8Array(await crypto.subtle.wrapKey("raw",
    await crypto.subtle.importKey("raw", op.data, "AES-GCM", true, ["encrypt"]), await aesKey(op.key, "AES-KW"), "AES-KW")),
  11: async (op) => new Uint8Array(await crypto.subtle.exportKey("raw", await crypto.subtle.unwrapKey("raw", op.data,
    await aesKey(op.key, "AES-KW"), "AES-KW", "AES-GCM", true, ["encrypt"]))),
  12: (op, env, limits) => performFetch(op, limits.maxFetchBodyBytes),
  14: async (op, env) => {
    const state = await grantState(env, keyText(op.key)).read();
    return state === null ? null : utf8.encode(state);
  },
  15: async (op, env) => ((await grantState(env, keyText(op.key)).swap(keyText(op.extra) || null, keyText(op.data), op.n)) ? EMPTY : null),
  16: async (op, env) => {
    const limiter = env[keyText(op.key)];
    return limiter ? utf8.encode((await limiter.limit({ key: keyText(op.data) })).success ? "1" : "0") : null;
  },
  17: async (op, env) => utf8.encode(JSON.stringify(await env.AI.run(keyText(op.key), JSON.parse(keyText(op.data))))),
  13: async (op, env) => {
    const page = await env.OAUTH_KV.list({ prefix: keyText(op.key), cursor: keyText(op.data) || undefined, limit: op.n });
    return writeList(page.list_complete, page.cursor ?? "", page.keys.map((k) => [k.name, k.metadata ? JSON.stringify(k.metadata) : ""]));
  },
};

const usages = { "AES-GCM": ["encrypt", "decrypt"], "AES-KW": ["wrapKey", "unwrapKey"] };
const aesKey = (bytes, name) => crypto.subtle.importKey("raw", bytes, name, false, usages[name]);

const STORAGE = new Set([4, 5, 6, 7, 13, 14, 15]); // KV, the mailbox and grant Durable Objects

export async function performOperation(op, env, limits) {
  const perform = kinds[op.kind];
  if (!perform) return { status: FAILED, bytes: utf8.encode(`unknown operation ${op.kind}`) };
  try {
    const work = perform(op, env, limits);
    const bytes = await (STORAGE.has(op.kind) ? withDeadline(work, limits.storageTimeoutMs) : work);
    return bytes === null ? { status: NOT_FOUND, bytes: EMPTY } : { status: OK, bytes };
  } catch (e) {
    // The reason goes to the core, never the operation's key or data.
    return { status: FAILED, bytes: utf8.encode(String(e && e.name ? e.name : "Error")) };
  }
}

// One isolate, one module instance, many requests in flight (DESIGN.md Rule 2, instance lifecycle;
// docs/architecture.md "Requests in flight"). Uses two test-only controls of the test build:
//   x-test-kv-delay-ms: N   every OAUTH_KV operation of the request answers N ms late
//                           (tests/fakes/test_entry.js); an /mcp session check parks on a KV get
//   x-mcp-test-trap: 1      the wasm traps on this request (wasm/boundary, MCP_TEST_BUILD only)
// - Concurrency: dozens of runs parked at once, resumed in random order, never see each other's
//   state (arguments, ids, the protocol version of their session).
// - A trap kills the instance: every run in flight on it fails cleanly with 500 (never hangs), late
//   completions are dropped, and the next request gets a fresh instance.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startWorker } from "./support/worker.mjs";
import { CLIENT_INFO, errorOf, initialize, openSession, post, rpc } from "./support/mcp_http.mjs";
import { openSseSession, postMessage, sleep } from "./support/sse.mjs";
import { signIn } from "./support/sign_in.mjs";

// Every fetch gets a deadline: a run that hangs fails the test instead of blocking the suite.
const FETCH_DEADLINE_MS = 15_000;
const deadline = () => AbortSignal.timeout(FETCH_DEADLINE_MS);

let worker;
let token; // every MCP request is signed in (support/sign_in.mjs)
before(async () => {
  // AUTH_CACHE_SECONDS=0: every request checks its token and session against KV, so the delayed KV
  // of these tests parks every run (with the isolate cache, repeated calls would not touch KV).
  worker = await startWorker({ vars: { SSE_KEEPALIVE_MS: "300", AUTH_CACHE_SECONDS: "0" } });
  ({ accessToken: token } = await signIn(worker.url));
});
after(async () => { await worker?.stop(); });

const add = (a, b, id) => rpc("tools/call", { name: "add", arguments: { a, b } }, id);
const textOf = (reply) => reply?.result?.content?.[0]?.text;

// A small seeded PRNG (mulberry32), so a failure names the seed that reproduces its delays.
function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("concurrent requests in one isolate", () => {
  test("40+ requests in flight across four sessions each get their own sum, id and version rules", { timeout: 60_000 }, async () => {
    const seed = Date.now() % 1_000_000;
    const random = prng(seed);
    const delay = () => String(Math.floor(random() * 201)); // 0..200 ms
    const why = (what) => `${what} (seed ${seed})`;

    // Sessions with different negotiated versions, and one legacy SSE session.
    const s0326 = await openSession(worker.url, "2025-03-26", { token });
    const s0618 = await openSession(worker.url, "2025-06-18", { token });
    const s1105 = await openSession(worker.url, "2024-11-05", { token });
    assert.deepEqual([s0326.protocolVersion, s0618.protocolVersion, s1105.protocolVersion], ["2025-03-26", "2025-06-18", "2024-11-05"]);
    const sse = await openSseSession(worker.url, { token });
    try {
      assert.equal((await postMessage(worker.url, sse.sessionId, rpc("initialize", {
        protocolVersion: "2024-11-05", capabilities: {}, clientInfo: CLIENT_INFO }, "sse-init"), { token })).status, 202);
      assert.equal((await sse.stream.message((m) => m.id === "sse-init")).result.protocolVersion, "2024-11-05");

      const mcpSessions = [s0326, s0618, s1105];
      const jobs = []; // { label, run: () => Promise<void> } — each checks its own outcome
      const N = 40;
      for (let i = 0; i < N; i++) {
        const a = i, b = 1000 * i, expected = String(1001 * i);
        const id = `call-${i}`;
        if (i % 4 === 3) {
          // Over SSE: 202, then the reply with this id on the stream. (An SSE post reads KV only for
          // its bearer check, so it parks too and interleaves with the parked /mcp runs.)
          jobs.push(async () => {
            const r = await postMessage(worker.url, sse.sessionId, add(a, b, id),
              { token, headers: { "x-test-kv-delay-ms": delay() }, signal: deadline() });
            assert.equal(r.status, 202, why(`${id}: ${r.text}`));
            const reply = await sse.stream.message((m) => m.id === id, FETCH_DEADLINE_MS);
            assert.equal(textOf(reply), expected, why(`${id}: ${JSON.stringify(reply)}`));
          });
        } else {
          const s = mcpSessions[i % 4];
          jobs.push(async () => {
            const r = await post(worker.url, add(a, b, id), {
              token, session: s.session, protocolVersion: s.protocolVersion,
              headers: { "x-test-kv-delay-ms": delay() }, signal: deadline(),
            });
            assert.equal(r.status, 200, why(`${id} on ${s.protocolVersion}: ${r.status} ${r.text}`));
            assert.equal(r.json.id, id, why(`${id}: ${r.text}`));
            assert.equal(textOf(r.json), expected, why(`${id}: ${r.text}`));
          });
        }
      }
      // Version-dependent rules, interleaved with the calls: a batch is accepted on the 2025-03-26
      // session (and on 2024-11-05, which also defines batches), refused with header 2025-06-18 on
      // the 2025-06-18 session, and accepted there with header 2025-03-26: a supported version
      // other than the session's is served under its own rules.
      for (let k = 0; k < 4; k++) {
        const a = 7 + k, b = 70_000 * (k + 1), expected = String(a + b);
        jobs.push(async () => {
          const r = await post(worker.url, [add(a, b, `b0326-${k}`), rpc("ping", undefined, `p0326-${k}`)], {
            token, session: s0326.session, protocolVersion: "2025-03-26", headers: { "x-test-kv-delay-ms": delay() }, signal: deadline(),
          });
          assert.equal(r.status, 200, why(`batch on 2025-03-26 #${k}: ${r.text}`));
          assert.ok(Array.isArray(r.json) && r.json.length === 2, why(r.text));
          const byId = new Map(r.json.map((m) => [m.id, m]));
          assert.equal(textOf(byId.get(`b0326-${k}`)), expected, why(r.text));
          assert.deepEqual(byId.get(`p0326-${k}`).result, {}, why(r.text));
        });
        jobs.push(async () => {
          const r = await post(worker.url, [add(a, b, `b0618-${k}`), rpc("ping")], {
            token, session: s0618.session, protocolVersion: "2025-06-18", headers: { "x-test-kv-delay-ms": delay() }, signal: deadline(),
          });
          assert.equal(r.status, 400, why(`batch on 2025-06-18 #${k}: ${r.text}`));
          assert.equal(errorOf(r).code, -32600, why(r.text));
          assert.match(r.text, /2025-06-18/, why(r.text));
        });
        jobs.push(async () => {
          const r = await post(worker.url, [add(a, b, `b1105-${k}`)], {
            token, session: s1105.session, protocolVersion: "2024-11-05", headers: { "x-test-kv-delay-ms": delay() }, signal: deadline(),
          });
          assert.equal(r.status, 200, why(`batch on 2024-11-05 #${k}: ${r.text}`));
          assert.deepEqual(r.json.map((m) => [m.id, textOf(m)]), [[`b1105-${k}`, expected]], why(r.text));
        });
        jobs.push(async () => {
          const r = await post(worker.url, [add(a, b, `mismatch-${k}`)], {
            token, session: s0618.session, protocolVersion: "2025-03-26", headers: { "x-test-kv-delay-ms": delay() }, signal: deadline(),
          });
          assert.equal(r.status, 200, why(`batch with a 2025-03-26 header on the 2025-06-18 session #${k}: ${r.text}`));
          assert.deepEqual(r.json.map((m) => [m.id, textOf(m)]), [[`mismatch-${k}`, expected]], why(r.text));
        });
        jobs.push(async () => {
          const r = await postMessage(worker.url, sse.sessionId, [add(a, b, `bsse-${k}`), rpc("ping", undefined, `psse-${k}`)],
            { token, headers: { "x-test-kv-delay-ms": delay() }, signal: deadline() });
          assert.equal(r.status, 202, why(r.text));
          const replies = await sse.stream.message((m) => Array.isArray(m) && m.some((x) => x.id === `bsse-${k}`), FETCH_DEADLINE_MS);
          assert.deepEqual(replies.map((m) => m.id), [`bsse-${k}`, `psse-${k}`], why(JSON.stringify(replies)));
          assert.equal(textOf(replies[0]), expected, why(JSON.stringify(replies)));
        });
      }
      // Shuffle the start order, then start everything at once.
      for (let i = jobs.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [jobs[i], jobs[j]] = [jobs[j], jobs[i]];
      }
      const outcomes = await Promise.allSettled(jobs.map((job) => job()));
      const failures = outcomes.filter((o) => o.status === "rejected").map((o) => o.reason);
      if (failures.length > 0) {
        throw new Error(why(`${failures.length} of ${jobs.length} concurrent requests went wrong`) + ":\n" +
          failures.slice(0, 5).map((e) => String(e?.message ?? e)).join("\n---\n"));
      }
      // Exactly one reply per SSE request reached the stream: nothing duplicated, nothing foreign.
      const sseIds = sse.stream.messages().flatMap((m) => (Array.isArray(m) ? m.map((x) => x.id) : [m.id]));
      const expectedSseIds = ["sse-init",
        ...Array.from({ length: N }, (_, i) => i).filter((i) => i % 4 === 3).map((i) => `call-${i}`),
        ...[0, 1, 2, 3].flatMap((k) => [`bsse-${k}`, `psse-${k}`])];
      assert.deepEqual([...sseIds].sort(), [...expectedSseIds].sort(), why("the SSE stream's replies"));
    } finally {
      sse.stream.close();
    }
  });
});

describe("a trap kills the instance", () => {
  test("runs in flight on the dead instance answer 500; the next request gets a fresh instance", { timeout: 60_000 }, async () => {
    const { session, protocolVersion } = await openSession(worker.url, "2025-06-18", { token });
    const KV_DELAY_MS = 1500;
    const started = Date.now();
    // Five calls whose bearer check and session check park on KV gets answering 1.5 s late each.
    const inFlight = [0, 1, 2, 3, 4].map((i) =>
      post(worker.url, add(i, 1, `parked-${i}`), {
        token, session, protocolVersion, headers: { "x-test-kv-delay-ms": String(KV_DELAY_MS) }, signal: deadline(),
      }).then((r) => ({ ...r, elapsed: Date.now() - started }), (e) => ({ failed: e })));
    await sleep(300);

    const trap = await post(worker.url, rpc("ping", undefined, "trap"), {
      token, session, protocolVersion, headers: { "x-mcp-test-trap": "1" }, signal: deadline(),
    });
    assert.equal(trap.status, 500, trap.text);
    assert.match(trap.text, /^Internal Server Error/);
    assert.ok(Date.now() - started < KV_DELAY_MS, "the trap was answered while the five were still parked");

    const five = await Promise.all(inFlight);
    for (const [i, r] of five.entries()) {
      assert.equal(r.failed, undefined, `parked-${i} got no response (a hang or a reset): ${r.failed?.cause ?? r.failed}`);
      assert.equal(r.status, 500, `parked-${i}: ${r.status} ${r.text}`);
      assert.match(r.text, /^Internal Server Error/, `parked-${i}`);
      assert.equal(r.json, undefined, `parked-${i}: no late JSON-RPC completion: ${r.text}`);
      // They failed when their KV answer came back to a dead instance, not before.
      assert.ok(r.elapsed >= KV_DELAY_MS - 100, `parked-${i} answered after ${r.elapsed} ms`);
    }

    // A fresh instance: the HMAC-signed session id still verifies, and calls work again.
    const sixth = await post(worker.url, add(1, 2, "after-trap"), { token, session, protocolVersion, signal: deadline() });
    assert.equal(sixth.status, 200, sixth.text);
    assert.equal(sixth.json.id, "after-trap");
    assert.deepEqual(sixth.json.result.content, [{ type: "text", text: "3" }]);
    const fresh = await initialize(worker.url, "2025-03-26", { token });
    assert.equal(fresh.status, 200);
    assert.ok(fresh.session);
  });

  test("a trap with nothing else in flight: 500, then the next request is served", { timeout: 30_000 }, async () => {
    const trap = await fetch(`${worker.url}/anything`, { headers: { "x-mcp-test-trap": "1" }, signal: deadline() });
    assert.equal(trap.status, 500);
    assert.match(await trap.text(), /^Internal Server Error/);
    const { session, protocolVersion } = await openSession(worker.url, "2025-06-18", { token });
    const r = await post(worker.url, add(40, 2), { token, session, protocolVersion, signal: deadline() });
    assert.equal(r.status, 200, r.text);
    assert.equal(textOf(r.json), "42");
  });
});

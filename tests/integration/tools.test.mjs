// The template's tools in workerd: userInfoOctokit against the GitHub stand-in with the user's own
// token, generateImage through the AI binding (the local fake, tests/fakes/fake_ai) for
// ALLOWED_USERNAMES only.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startWorker } from "./support/worker.mjs";
import { openSession, post, rpc } from "./support/mcp_http.mjs";
import { signIn } from "./support/sign_in.mjs";

let worker;
let octocat;
let hubot;
before(async () => {
  worker = await startWorker({ vars: { ALLOWED_USERNAMES: " HuBot , someone-else" } });
  octocat = await signIn(worker.url, { login: "octocat" });
  hubot = await signIn(worker.url, { login: "hubot" });
});
after(async () => { await worker?.stop(); });

async function call(who, name, args = {}) {
  const { session } = await openSession(worker.url, "2025-06-18", { token: who.accessToken });
  const r = await post(worker.url, rpc("tools/call", { name, arguments: args }), { session, token: who.accessToken });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

describe("userInfoOctokit", () => {
  test("returns Octokit's response for the signed-in user, read with their own GitHub token", async () => {
    const reply = await call(octocat, "userInfoOctokit");
    assert.notEqual(reply.result.isError, true, JSON.stringify(reply));
    const octokit = JSON.parse(reply.result.content[0].text);
    assert.equal(octokit.status, 200);
    assert.equal(octokit.data.login, "octocat");
    assert.ok(octokit.headers["x-ratelimit-limit"]);
    const sent = (await worker.github.control.requests()).filter((r) => r.path === "/user").at(-1);
    assert.ok(sent.headers["user-agent"]);
  });

  test("a token GitHub no longer accepts is an error result, and the grant ends: the client must sign in again", async () => {
    const user = await signIn(worker.url, { login: "monalisa" });
    await worker.github.control.revoke({ login: "monalisa" });
    const { session } = await openSession(worker.url, "2025-06-18", { token: user.accessToken });
    const r = await post(worker.url, rpc("tools/call", { name: "userInfoOctokit", arguments: {} }), { session, token: user.accessToken });
    assert.equal(r.json.result.isError, true);
    assert.match(r.json.result.content[0].text, /Sign in again/);
    const next = await post(worker.url, rpc("ping"), { session, token: user.accessToken });
    assert.equal(next.status, 401);
  });

  test("GitHub's rate limit is an error result that says so, and the grant is kept", async () => {
    await worker.github.control.setRateLimit(true);
    try {
      const reply = await call(octocat, "userInfoOctokit");
      assert.equal(reply.result.isError, true);
      assert.match(reply.result.content[0].text, /rate limit/);
    } finally {
      await worker.github.control.setRateLimit(false);
    }
    assert.notEqual((await call(octocat, "userInfoOctokit")).result.isError, true);
  });
});

describe("userInfoOctokit against a misbehaving GitHub", () => {
  test("an answer far over the 1 MiB cap (streamed, no length) is cut off while reading: an error result; the server keeps serving", async () => {
    await worker.github.control.fail("user", "huge", { times: 1 });
    const reply = await call(octocat, "userInfoOctokit");
    assert.equal(reply.result.isError, true, JSON.stringify(reply).slice(0, 300));
    assert.match(reply.result.content[0].text, /GitHub did not answer/);
    // The worker stopped reading soon after 1 MiB: it never buffered the whole answer.
    const [huge] = await worker.github.control.hugeAnswers();
    assert.equal(huge.complete, false, JSON.stringify(huge));
    assert.ok(huge.sent < 16 * 1024 * 1024, JSON.stringify(huge));
    const after = await call(octocat, "add", { a: 2, b: 2 });
    assert.equal(after.result.content[0].text, "4");
    const again = await call(octocat, "userInfoOctokit");
    assert.notEqual(again.result.isError, true, "the grant is kept");
  });
});

describe("generateImage", () => {
  test("does not exist for a login outside ALLOWED_USERNAMES", async () => {
    const { session } = await openSession(worker.url, "2025-06-18", { token: octocat.accessToken });
    const list = await post(worker.url, rpc("tools/list"), { session, token: octocat.accessToken });
    assert.deepEqual(list.json.result.tools.map((t) => t.name), ["add", "userInfoOctokit"]);
    assert.equal((await call(octocat, "generateImage", { prompt: "a cat" })).error.code, -32602);
  });

  test("an allow-listed login (matched case-insensitively) gets a JPEG from the AI binding", async () => {
    const { session } = await openSession(worker.url, "2025-06-18", { token: hubot.accessToken });
    const list = await post(worker.url, rpc("tools/list"), { session, token: hubot.accessToken });
    assert.deepEqual(list.json.result.tools.map((t) => t.name), ["add", "userInfoOctokit", "generateImage"]);
    const reply = await call(hubot, "generateImage", { prompt: "a lighthouse", steps: 6 });
    assert.notEqual(reply.result.isError, true, JSON.stringify(reply));
    const [image] = reply.result.content;
    assert.equal(image.type, "image");
    assert.equal(image.mimeType, "image/jpeg");
    assert.ok(Buffer.from(image.data, "base64").subarray(0, 2).equals(Buffer.from([0xff, 0xd8])), "a JPEG");
  });

  test("an empty prompt, steps out of range and an AI failure are error results", async () => {
    assert.equal((await call(hubot, "generateImage", { prompt: "" })).result.isError, true);
    assert.equal((await call(hubot, "generateImage", { prompt: "x", steps: 12 })).result.isError, true);
    const failed = await call(hubot, "generateImage", { prompt: "fail" });
    assert.equal(failed.result.isError, true);
    assert.match(failed.result.content[0].text, /Workers AI/);
  });
});

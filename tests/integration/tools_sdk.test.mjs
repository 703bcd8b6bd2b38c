// The template's tools through the official SDK client, on both transports (Streamable HTTP at
// /mcp, legacy SSE at /sse): userInfoOctokit against the GitHub stand-in, generateImage through
// the local fake AI binding, for a login in ALLOWED_USERNAMES (octocat) and for one outside it
// (hubot), for whom the tool does not exist. Raw-HTTP details (GitHub failures, grant revocation)
// are in tools.test.mjs.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { startWorker } from "./support/worker.mjs";
import { signIn } from "./support/sign_in.mjs";

let worker;
const tokens = {};
before(async () => {
  worker = await startWorker({ vars: { ALLOWED_USERNAMES: "OctoCat" } });
  tokens.octocat = (await signIn(worker.url, { login: "octocat" })).accessToken;
  tokens.hubot = (await signIn(worker.url, { login: "hubot" })).accessToken;
});
after(async () => { await worker?.stop(); });

const transports = {
  "Streamable HTTP": (token) => new StreamableHTTPClientTransport(new URL(`${worker.url}/mcp`),
    { requestInit: { headers: { Authorization: `Bearer ${token}` } } }),
  "legacy SSE": (token) => new SSEClientTransport(new URL(`${worker.url}/sse`),
    { requestInit: { headers: { Authorization: `Bearer ${token}` } } }),
};

async function connect(kind, login) {
  const client = new Client({ name: "sdk-tools-test", version: "1.0.0" });
  await client.connect(transports[kind](tokens[login]));
  return client;
}

for (const kind of Object.keys(transports)) {
  describe(`tools over ${kind}`, () => {
    let octocat, hubot;
    before(async () => { [octocat, hubot] = await Promise.all([connect(kind, "octocat"), connect(kind, "hubot")]); });
    after(async () => { await Promise.all([octocat?.close(), hubot?.close()]); });

    test("an allowed login sees all three tools; another sees no generateImage", async () => {
      assert.deepEqual((await octocat.listTools()).tools.map((t) => t.name), ["add", "userInfoOctokit", "generateImage"]);
      assert.deepEqual((await hubot.listTools()).tools.map((t) => t.name), ["add", "userInfoOctokit"]);
    });

    test("userInfoOctokit returns the signed-in user's GitHub profile, Octokit-shaped", async () => {
      for (const [client, login] of [[octocat, "octocat"], [hubot, "hubot"]]) {
        const result = await client.callTool({ name: "userInfoOctokit", arguments: {} });
        assert.notEqual(result.isError, true, JSON.stringify(result));
        const octokit = JSON.parse(result.content[0].text);
        assert.equal(octokit.status, 200);
        assert.equal(octokit.url, `${worker.github.apiUrl}/user`);
        assert.equal(octokit.data.login, login);
      }
    });

    test("generateImage returns a JPEG image for the allowed login; argument and AI errors are error results", async () => {
      const result = await octocat.callTool({ name: "generateImage", arguments: { prompt: "a lighthouse at dusk", steps: 8 } });
      assert.notEqual(result.isError, true, JSON.stringify(result));
      assert.equal(result.content[0].type, "image");
      assert.equal(result.content[0].mimeType, "image/jpeg");
      const jpeg = Buffer.from(result.content[0].data, "base64");
      assert.deepEqual([...jpeg.subarray(0, 3)], [0xff, 0xd8, 0xff]);
      for (const args of [{ prompt: "" }, { prompt: "x", steps: 9 }, { prompt: "fail" }]) {
        const bad = await octocat.callTool({ name: "generateImage", arguments: args });
        assert.equal(bad.isError, true, JSON.stringify(args));
      }
    });

    test("generateImage does not exist for a login outside ALLOWED_USERNAMES (-32602)", async () => {
      await assert.rejects(hubot.callTool({ name: "generateImage", arguments: { prompt: "a cat" } }),
        (e) => e instanceof McpError && e.code === ErrorCode.InvalidParams);
    });
  });
}

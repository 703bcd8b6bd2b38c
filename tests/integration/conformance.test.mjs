// The official MCP conformance suite (@modelcontextprotocol/conformance 0.1.16, server scenarios,
// its "active" suite) against /mcp of the real module in workerd, as scripts/conformance runs it.
// The suite sends no Authorization header, so it talks to a loopback proxy
// (support/bearer_proxy.mjs) that adds a real access token and keeps Host and Origin as the suite
// sent them (its dns-rebinding-protection scenario sends Host: evil.example.com). The token is
// obtained through the proxy, whose origin is the token's audience.
// Five scenarios must pass; every other failure must be listed, with its reason, in
// tests/conformance/expected-failures.yml, and every listed scenario must still fail.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  REQUIRED_SCENARIOS, describeFailures, expectedFailuresPath, judge, readExpectedFailures, runSuite,
} from "../conformance/suite.mjs";
import { startBearerProxy } from "./support/bearer_proxy.mjs";
import { signIn } from "./support/sign_in.mjs";
import { startWorker } from "./support/worker.mjs";

let worker, proxy, outputDir, run;
before(async () => {
  outputDir = await mkdtemp(join(tmpdir(), "mcp-conformance-"));
  worker = await startWorker();
  proxy = await startBearerProxy({ target: worker.url });
  proxy.token = (await signIn(proxy.url)).accessToken;
  run = await runSuite({ url: `${proxy.url}/mcp`, outputDir });
});
after(async () => {
  await proxy?.close();
  await worker?.stop();
  if (outputDir) await rm(outputDir, { recursive: true, force: true });
});

// The suite's own report (the tail), for failure messages.
const report = () => `\n--- conformance output (${run.node}, exit ${run.code}) ---\n${run.output.slice(-6000)}`;

test("the suite ran its server scenarios", () => {
  assert.equal(run.timedOut, false, `the suite did not finish in time${report()}`);
  const expected = readExpectedFailures();
  for (const s of [...REQUIRED_SCENARIOS, ...expected.map((e) => e.scenario)]) {
    assert.ok(run.results.has(s), `scenario ${s} left no results${report()}`);
  }
});

for (const scenario of REQUIRED_SCENARIOS) {
  test(`${scenario} passes`, () => {
    const checks = run.results.get(scenario);
    assert.ok(checks, `${scenario} did not run${report()}`);
    const bad = checks.filter((c) => c.status !== "SUCCESS" && c.status !== "INFO");
    assert.deepEqual(bad, [], describeFailures(run.results, scenario));
    assert.ok(checks.some((c) => c.status === "SUCCESS"), `${scenario} made no successful check`);
  });
}

test("every other failure is an expected one, and every expected one still fails", () => {
  const verdict = judge(run.results, readExpectedFailures());
  assert.deepEqual(verdict.unexpectedFailures, [],
    `failures not listed in ${expectedFailuresPath} (a server bug, or a new scenario to judge):\n` +
    verdict.unexpectedFailures.map((s) => describeFailures(run.results, s)).join("\n"));
  assert.deepEqual(verdict.nowPassing, [], `these listed scenarios pass now: remove them from ${expectedFailuresPath}`);
  assert.deepEqual(verdict.notRun, [], `these listed scenarios did not run (misspelt, or gone from the suite)`);
  // The suite's own baseline check agrees.
  assert.equal(run.code, 0, `the suite's baseline check failed${report()}`);
});

test("expected-failures.yml gives a reason for each entry and lists no required scenario", () => {
  const expected = readExpectedFailures();
  assert.ok(expected.length > 0);
  for (const { scenario, reason, line } of expected) {
    assert.ok(reason.length >= 10, `${expectedFailuresPath}:${line}: ${scenario} needs a reason (a # comment)`);
    assert.ok(!REQUIRED_SCENARIOS.includes(scenario), `${expectedFailuresPath}:${line}: ${scenario} must pass, it cannot be an expected failure`);
  }
  assert.equal(new Set(expected.map((e) => e.scenario)).size, expected.length, "a scenario is listed twice");
});

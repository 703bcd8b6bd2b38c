// `scripts/conformance [suite options]`: the official MCP conformance suite against /mcp of a local
// worker, on its own. Starts the worker (real workerd, GitHub stand-in; tests/integration/support/
// worker.mjs), a loopback proxy that adds the bearer token (the suite sends no Authorization
// header), signs in through that proxy, runs the suite (tests/conformance/suite.mjs), stops
// everything and exits with the suite's code. Results stay in build/conformance/ (checks.json per
// scenario). Options go to `conformance server`, e.g. `--scenario ping` or `--verbose`.
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { startBearerProxy } from "../integration/support/bearer_proxy.mjs";
import { signIn } from "../integration/support/sign_in.mjs";
import { startWorker } from "../integration/support/worker.mjs";
import { describeFailures, judge, readExpectedFailures, repoRoot, runSuite } from "./suite.mjs";

const outputDir = join(repoRoot, "build/conformance");
await rm(outputDir, { recursive: true, force: true });
await mkdir(outputDir, { recursive: true });

let worker, proxy;
let code = 1;
const stop = async () => {
  await proxy?.close();
  await worker?.stop();
};
process.once("SIGINT", () => { stop().finally(() => process.exit(130)); });
try {
  worker = await startWorker();
  proxy = await startBearerProxy({ target: worker.url });
  proxy.token = (await signIn(proxy.url)).accessToken;
  console.log(`conformance: worker ${worker.url}, suite talks to ${proxy.url}/mcp (bearer added by the proxy)`);
  const run = await runSuite({ url: `${proxy.url}/mcp`, outputDir, args: process.argv.slice(2), echo: true });
  const verdict = judge(run.results, readExpectedFailures());
  for (const s of verdict.unexpectedFailures) console.log(describeFailures(run.results, s));
  console.log(`conformance: ${run.results.size} scenarios ran, ${verdict.failing.length} failed ` +
    `(${verdict.failing.length - verdict.unexpectedFailures.length} expected); results in ${outputDir}`);
  code = run.code ?? 1;
} catch (e) {
  console.error(`conformance: ${e.stack ?? e}`);
  if (worker) console.error(`--- wrangler output (tail) ---\n${worker.output().slice(-3000)}`);
} finally {
  await stop();
}
process.exit(code);

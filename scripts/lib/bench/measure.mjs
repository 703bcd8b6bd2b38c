// One fresh start of one worker, measured: spawn wrangler dev -> time to its first answer -> find
// the workerd process that runs the worker -> its RSS, idle -> credentials (ours and the peer: the
// real OAuth flow) -> prove the process choice -> every phase of the target -> RSS after the run ->
// check the runtime is still the same process -> stop it all.
import os from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { HOST, newAgent, post } from "./http.mjs";
import { addBody, isAddReply } from "./mcp.mjs";
import { runPhase } from "./phases.mjs";
import { MS_PER_TICK, machineBusyTicks, readStat, rssKiB } from "./proc.mjs";
import { findRuntime, proveRuntime, stopServer, waitForFirstAnswer, wranglerNodePid } from "./wrangler_dev.mjs";

// On a shared machine, wait (up to 30 s) for a quiet moment before a start: busy share of all cores
// over 1 s below 25 %. Returns the last share seen; a noisy start is kept but can be recognised.
export async function waitForQuiet() {
  let share = 1;
  for (let i = 0; i < 30; i++) {
    const m0 = machineBusyTicks();
    await sleep(1000);
    share = ((machineBusyTicks() - m0) * MS_PER_TICK) / (1000 * os.cpus().length);
    if (share < 0.25) break;
    if (i === 0) console.log(`  (machine busy at ${(100 * share).toFixed(0)}% before the start; waiting up to 30 s for a quiet moment)`);
  }
  return share;
}

// `extra(ctx, procs)`, if given, runs after the phases (the --profile capture).
export async function measureStart(target, round, opts, extra) {
  const busyBefore = await waitForQuiet();
  const server = await target.start(round);
  let failed = false;
  try {
    const agent = newAgent(1);
    const firstAnswerMs = await waitForFirstAnswer(server, () => target.probe(server, agent), "its first request");
    const ids = await findRuntime(server);
    const rssIdleKiB = rssKiB(ids.workerPid);
    const session = await target.credentials(server, agent);
    agent.destroy();
    const evidence = await proveRuntime(server, ids, async (a, port, i) => {
      const r = await post(a, port, "/mcp", { ...session.mcpHeaders, host: `${HOST}:${server.port}` }, addBody(10 + i), 3000);
      return r.status === 200 && isAddReply(r.body);
    });
    if (evidence.warning) console.warn(`  warning: ${evidence.warning}`);
    const procs = { workerPid: ids.workerPid, proxyPid: ids.proxyPid, nodePid: wranglerNodePid(server) };
    const ctx = { server, session, opts };
    const phases = {};
    for (const key of target.phases) phases[key] = await runPhase(key, ctx, procs);
    const rssAfterKiB = rssKiB(ids.workerPid);
    const extraResult = extra ? await extra(ctx, procs) : undefined;
    // The runtime must be the same process from identification to the end (a file change under
    // wrangler's watcher would swap it, and the ticks would belong to two processes).
    const st = readStat(ids.workerPid);
    return {
      target: target.name, round, busyBefore, firstAnswerMs, rssIdleKiB, rssAfterKiB, auth: session.auth, port: server.port,
      ...ids, wranglerNodePid: procs.nodePid, evidence, sameRuntime: !!st && st.starttime === ids.workerStart, phases, extra: extraResult,
    };
  } catch (e) {
    failed = true; // its temporary directory (config, wrangler.log) is kept and named by the error
    if (e && typeof e === "object" && !e.server) e.server = server;
    throw e;
  } finally {
    await stopServer(server, { keepTmp: failed });
  }
}

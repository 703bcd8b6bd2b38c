// What the benchmark measures on each start, one "phase" at a time. A phase opens what it needs
// (an agent, an SSE stream), runs a warm-up that is not measured, then its measured load, while the
// CPU ticks of the worker's runtime process (and, for context, of wrangler's dev proxy and Node
// process) are read before and after.
//
//   oauth         the whole OAuth flow of a new client in a new browser (scripts/lib/bench/oauth_flow.mjs),
//                 sequential; unit: one flow (5 requests to the worker; the browser and the worker
//                 each make 2 to the stand-in).
//   initialize    POST /mcp initialize (a new session) + notifications/initialized, sequential;
//                 unit: the pair.
//   mcp-add-seq   POST /mcp tools/call add {a:1,b:2}, one at a time.
//   mcp-add-conc  the same over --concurrency lanes (one keep-alive socket each).
//   sse-add-seq   on a legacy SSE session (GET /sse, then initialize and notifications/initialized
//                 through POST /sse/message, not measured): POST /sse/message tools/call add, each
//                 timed from the POST until its reply arrived on the stream; one at a time.
//   sse-add-conc  the same over --concurrency lanes sharing the one stream (as one client would).
//   userinfo      POST /mcp tools/call userInfoOctokit (the worker reads GET /user from the stand-in
//                 with the user's GitHub token), sequential.
// Every reply is checked (status, and the tool's text); failures are counted and reported.
import os from "node:os";
import { newAgent, post, runLoad } from "./http.mjs";
import { INITIALIZED_BODY, SSE_PROTOCOL_VERSION, addBody, initializeBody, isAddReply, isUserInfoReply, userInfoBody } from "./mcp.mjs";
import { oauthFlow } from "./oauth_flow.mjs";
import { MS_PER_TICK, machineBusyTicks, ticks } from "./proc.mjs";
import { openSseSession, sseCall, sseNotify } from "./sse_client.mjs";

const tenth = (n) => Math.max(1, Math.ceil(n / 10));

// Streamable HTTP: one POST /mcp, checked by `check(body)`.
function mcpCaller(ctx, agent, body, check) {
  return async (i) => {
    const r = await post(agent, ctx.server.port, "/mcp", ctx.session.mcpHeaders, body(i));
    return { ok: r.status === 200 && check(r.body), status: r.status, error: r.error, body: r.body };
  };
}

// A legacy SSE session with the access token, initialized as a client does; `call` posts add.
async function sseAdd(ctx, lanes) {
  const headers = { authorization: ctx.session.mcpHeaders.authorization };
  const session = await openSseSession(ctx.server.port, headers);
  const agent = newAgent(lanes);
  const postHeaders = { "content-type": "application/json", ...headers };
  try {
    const init = await sseCall(session, agent, ctx.server.port, postHeaders, initializeBody(1, SSE_PROTOCOL_VERSION), 1, (b) => b.includes('"protocolVersion"'));
    if (!init.ok) throw new Error(`initialize on /sse: ${JSON.stringify(init)}`);
    const note = await sseNotify(session, agent, ctx.server.port, postHeaders, INITIALIZED_BODY);
    if (!note.ok) throw new Error(`notifications/initialized on /sse: ${JSON.stringify(note)}`);
  } catch (e) {
    session.close();
    agent.destroy();
    throw e;
  }
  return {
    call: (i) => sseCall(session, agent, ctx.server.port, postHeaders, addBody(i), i, isAddReply),
    close: () => {
      session.close();
      agent.destroy();
    },
  };
}

export const PHASES = {
  oauth: {
    label: "OAuth flow", unit: "flow",
    count: (o) => o.flows, warmup: (o) => tenth(o.flows), concurrency: () => 1,
    open: async (ctx) => ({
      call: async () => {
        await oauthFlow(ctx.server.url);
        return { ok: true, status: 200 };
      },
      close() {},
    }),
  },
  initialize: {
    label: "initialize + initialized", unit: "session",
    count: (o) => o.inits, warmup: (o) => tenth(o.inits), concurrency: () => 1,
    open: async (ctx) => {
      const agent = newAgent(1);
      // initialize carries neither a session id nor MCP-Protocol-Version (it negotiates the version).
      const { "mcp-session-id": _s, "mcp-protocol-version": version, ...headers } = ctx.session.mcpHeaders;
      return {
        call: async (i) => {
          const init = await post(agent, ctx.server.port, "/mcp", headers, initializeBody(i));
          const sessionId = init.headers?.["mcp-session-id"];
          if (init.status !== 200 || !sessionId || !init.body.includes('"protocolVersion"')) return { ok: false, status: init.status, error: init.error, body: init.body };
          const note = await post(agent, ctx.server.port, "/mcp", { ...headers, "mcp-protocol-version": version, "mcp-session-id": sessionId }, INITIALIZED_BODY);
          return { ok: note.status === 202, status: note.status, error: note.error, body: note.body };
        },
        close: () => agent.destroy(),
      };
    },
  },
  "mcp-add-seq": {
    label: "add on /mcp, sequential", unit: "call",
    count: (o) => o.requests, warmup: (o) => o.warmup, concurrency: () => 1,
    open: async (ctx) => {
      const agent = newAgent(1);
      return { call: mcpCaller(ctx, agent, addBody, isAddReply), close: () => agent.destroy() };
    },
  },
  "mcp-add-conc": {
    label: "add on /mcp, concurrent", unit: "call",
    count: (o) => o.requests, warmup: (o) => o.warmup, concurrency: (o) => o.concurrency,
    open: async (ctx) => {
      const agent = newAgent(ctx.opts.concurrency);
      return { call: mcpCaller(ctx, agent, addBody, isAddReply), close: () => agent.destroy() };
    },
  },
  "sse-add-seq": {
    label: "add on /sse, sequential", unit: "call",
    count: (o) => o.requests, warmup: (o) => o.warmup, concurrency: () => 1,
    open: (ctx) => sseAdd(ctx, 1),
  },
  "sse-add-conc": {
    label: "add on /sse, concurrent", unit: "call",
    count: (o) => o.requests, warmup: (o) => o.warmup, concurrency: (o) => o.concurrency,
    open: (ctx) => sseAdd(ctx, ctx.opts.concurrency),
  },
  userinfo: {
    label: "userInfoOctokit on /mcp", unit: "call",
    count: (o) => o.userinfo, warmup: (o) => tenth(o.userinfo), concurrency: () => 1,
    open: async (ctx) => {
      const agent = newAgent(1);
      return { call: mcpCaller(ctx, agent, userInfoBody, isUserInfoReply), close: () => agent.destroy() };
    },
  },
};

export function percentile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

const WARMUP_ID_BASE = 1_000_000;
const MEASURED_ID_BASE = 2_000_000;

// Runs one phase on a started server. `procs` = { workerPid, proxyPid, nodePid }.
// Returns its figures (per unit: CPU ms of each process, latency, units per second) and failures.
export async function runPhase(key, ctx, procs) {
  const phase = PHASES[key];
  const { opts } = ctx;
  const n = phase.count(opts);
  const concurrency = phase.concurrency(opts);
  const handle = await phase.open(ctx);
  try {
    const warm = await runLoad({ n: phase.warmup(opts), concurrency, call: (i) => handle.call(WARMUP_ID_BASE + i) });
    const w0 = ticks(procs.workerPid), p0 = ticks(procs.proxyPid), n0 = ticks(procs.nodePid), m0 = machineBusyTicks();
    const r = await runLoad({ n, concurrency, call: (i) => handle.call(MEASURED_ID_BASE + i) });
    const w1 = ticks(procs.workerPid), p1 = ticks(procs.proxyPid), n1 = ticks(procs.nodePid), m1 = machineBusyTicks();
    const sorted = Array.from(r.latencies).sort((a, b) => a - b);
    const ownMs = (w1 - w0 + p1 - p0 + n1 - n0) * MS_PER_TICK + r.clientCpuMs;
    return {
      unit: phase.unit,
      count: n,
      concurrency,
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
      meanMs: sorted.reduce((a, b) => a + b, 0) / sorted.length,
      maxMs: sorted[sorted.length - 1],
      perSecond: n / (r.wallMs / 1000),
      wallMs: r.wallMs,
      workerTicks: w1 - w0,
      cpuMs: ((w1 - w0) * MS_PER_TICK) / n,
      proxyCpuMs: ((p1 - p0) * MS_PER_TICK) / n,
      wranglerNodeCpuMs: ((n1 - n0) * MS_PER_TICK) / n,
      clientCpuMs: r.clientCpuMs / n,
      // CPU spent by everything else on the machine during the phase, as a share of all cores (a
      // noisy neighbour shows here; the client's own CPU is estimated from process.cpuUsage).
      otherCpuShare: Math.max(0, (m1 - m0) * MS_PER_TICK - ownMs) / (r.wallMs * os.cpus().length),
      failures: r.failures,
      warmup: { count: phase.warmup(opts), failures: warm.failures },
    };
  } finally {
    handle.close();
  }
}

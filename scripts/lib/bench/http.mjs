// The benchmark's HTTP client: node:http with keep-alive agents (no fetch: its pooling and stream
// machinery would cost the client more CPU on a 2-core machine), a timed request, and a load runner
// that drives any async call with N concurrent lanes.
import http from "node:http";

export const HOST = "127.0.0.1";

export const newAgent = (sockets) => new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });

// One request; resolves (never rejects) with { status, headers, body, ms }, status 0 on a transport
// error (with `error`). `ms` runs from the request start to the end of the body.
export function request(agent, port, method, path, headers, body = "", timeoutMs = 30000) {
  return new Promise((resolveRequest) => {
    const t0 = process.hrtime.bigint();
    const done = (r) => resolveRequest({ ...r, ms: Number(process.hrtime.bigint() - t0) / 1e6 });
    const h = { ...headers };
    if (method !== "GET") h["content-length"] = Buffer.byteLength(body);
    const req = http.request({ host: HOST, port, path, method, agent, headers: h }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => done({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", (e) => done({ status: 0, error: String(e) }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`request timed out after ${timeoutMs} ms`)));
    req.on("error", (e) => done({ status: 0, error: String(e) }));
    req.end(method === "GET" ? undefined : body);
  });
}

export const post = (agent, port, path, headers, body, timeoutMs) => request(agent, port, "POST", path, headers, body, timeoutMs);

// Runs call(i) for i in [0, n) over `concurrency` lanes sharing one counter. call resolves with
// { ok, status, error?, body? }; status 0 means a transport error. Each call is timed here, from
// its start to its resolution. Returns { latencies (ms, by i), wallMs, failures, clientCpuMs }.
export async function runLoad({ n, concurrency, call }) {
  const latencies = new Float64Array(n);
  const failures = { transport: 0, bad: 0, statuses: {}, samples: [] };
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  async function lane() {
    for (;;) {
      const i = next++;
      if (i >= n) return;
      const s = process.hrtime.bigint();
      let r;
      try {
        r = await call(i);
      } catch (e) {
        r = { ok: false, status: 0, error: String(e?.message ?? e) };
      }
      latencies[i] = Number(process.hrtime.bigint() - s) / 1e6;
      if (!r.ok) {
        if (r.status === 0) failures.transport++;
        else failures.bad++;
        failures.statuses[r.status] = (failures.statuses[r.status] ?? 0) + 1;
        if (failures.samples.length < 5) failures.samples.push({ status: r.status, error: r.error, body: r.body?.slice(0, 300) });
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, lane));
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  return { latencies, wallMs, failures, clientCpuMs: (cpu.user + cpu.system) / 1000 };
}

export const failureCount = (f) => f.transport + f.bad;

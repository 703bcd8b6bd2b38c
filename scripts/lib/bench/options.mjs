// Command-line options of `npm run bench` / scripts/bench (also its help text).
import { resolve } from "node:path";

export const USAGE = `usage: bash scripts/bench [options]            (npm run bench -- [options])

Runs hello, kv-floor, ours and the TypeScript peer, each under wrangler dev on 127.0.0.1, over
fresh starts; prints every figure with its ratios to the peer, kv-floor and hello, the issue's
targets with pass/miss, and writes bench-results/bench-<timestamp>.json. Method: docs/performance.md.

  --rounds N        fresh wrangler dev starts per worker; figures are medians over them (3)
  --requests N      measured tools/call add per load: /mcp and /sse, sequential and concurrent (2000)
  --warmup N        unmeasured add calls before each add load (200)
  --concurrency N   lanes of the concurrent loads (16)
  --flows N         measured whole OAuth flows per start, ours and peer (requests/20: 100)
  --inits N         measured initialize + notifications/initialized per start (requests/10: 200)
  --userinfo N      measured tools/call userInfoOctokit per start (requests/4: 500)
  --startups N      runs of wrangler check startup per worker (rounds, at most 3)
  --targets LIST    comma-separated subset of hello,kv-floor,ours,peer (all four); also
                    ours-log-errors: ours with REQUEST_LOG=errors (the request log line only
                    for failures), run only when named, to show the line's cost in the same run
  --peer DIR        the TypeScript peer (../shared/peer-ts relative to the repository). The bench
                    copies it to a temporary directory and runs npm ci there (its wrangler needs the
                    Node 22 of its devDependencies); it never copies it into the project. When DIR
                    holds no peer, the peer is skipped with a message.
  --no-build        do not run scripts/build first (ours uses the release build already there)
  --no-static       skip upload sizes and wrangler check startup
  --profile         after the measured rounds, one more start of ours (core.wasm linked with
                    --profiling-funcs) and of the peer, with a V8 CPU profile of each phase
                    through the inspector (bench-results/*.cpuprofile; top frames printed)
  -h, --help        this text

A quick look while developing:  bash scripts/bench --rounds 1 --requests 200 --targets ours,peer`;

export function parseArgs(argv, { root, targetNames, optIn = [] }) {
  const o = {
    rounds: 3, warmup: 200, requests: 2000, concurrency: 16, flows: null, inits: null, userinfo: null, startups: null,
    targets: targetNames.filter((t) => !optIn.includes(t)), peer: resolve(root, "../shared/peer-ts"), build: true, static: true, profile: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v <= 0) throw new UsageError(`${a} needs a positive integer`);
      return v;
    };
    if (a === "--rounds") o.rounds = num();
    else if (a === "--warmup") o.warmup = num();
    else if (a === "--requests") o.requests = num();
    else if (a === "--concurrency") o.concurrency = num();
    else if (a === "--flows") o.flows = num();
    else if (a === "--inits") o.inits = num();
    else if (a === "--userinfo") o.userinfo = num();
    else if (a === "--startups") o.startups = num();
    else if (a === "--targets") o.targets = String(argv[++i] ?? "").split(",").filter(Boolean);
    else if (a === "--peer") o.peer = resolve(String(argv[++i] ?? ""));
    else if (a === "--no-build") o.build = false;
    else if (a === "--no-static") o.static = false;
    else if (a === "--profile") o.profile = true;
    else if (a === "-h" || a === "--help") o.help = true;
    else throw new UsageError(`unknown option ${a}`);
  }
  o.flows ??= Math.max(1, Math.round(o.requests / 20));
  o.inits ??= Math.max(1, Math.round(o.requests / 10));
  o.userinfo ??= Math.max(1, Math.min(2000, Math.round(o.requests / 4)));
  o.startups ??= Math.min(3, o.rounds);
  // Bounded load: this machine is shared and small. (The GitHub stand-in allows 5000 /user calls
  // per token and hour, hence the userinfo cap.)
  if (o.requests > 20000 || o.warmup > 5000 || o.concurrency > 64 || o.rounds > 9 || o.flows > 1000 || o.inits > 5000 || o.userinfo > 4000 || o.startups > 9)
    throw new UsageError("counts are capped: requests<=20000, warmup<=5000, concurrency<=64, rounds<=9, flows<=1000, inits<=5000, userinfo<=4000, startups<=9");
  if (!o.targets.length) throw new UsageError("--targets needs at least one worker");
  for (const t of o.targets) if (!targetNames.includes(t)) throw new UsageError(`unknown target ${t} (known: ${targetNames.join(", ")})`);
  o.targets = targetNames.filter((t) => o.targets.includes(t)); // a fixed order
  return o;
}

export class UsageError extends Error {}

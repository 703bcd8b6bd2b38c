// The benchmark's pure helpers (scripts/lib/bench/): parsing /proc, SSE, MCP replies, consent
// forms, wrangler's output and CPU profiles; options; medians, ratios and the targets' pass/miss.
// Fast and deterministic: no server, no timing. The benchmark itself is `npm run bench`, never a test.
import assert from "node:assert/strict";
import { test } from "node:test";
import { replyMessages, toolText, isAddReply } from "../../scripts/lib/bench/mcp.mjs";
import { consentForm } from "../../scripts/lib/bench/oauth_flow.mjs";
import { UsageError, parseArgs } from "../../scripts/lib/bench/options.mjs";
import { parseDevVars } from "../../scripts/lib/bench/peer.mjs";
import { parseListeningPorts, parseMachineBusy, parseStat, parseVmRssKiB } from "../../scripts/lib/bench/proc.mjs";
import { moduleIndex, shortName, topFrames } from "../../scripts/lib/bench/profile.mjs";
import { evaluateGoals, fmtRatio, median, summarise } from "../../scripts/lib/bench/report.mjs";
import { createSseParser } from "../../scripts/lib/bench/sse_client.mjs";
import { parseUploadSize, profileFigures } from "../../scripts/lib/bench/static_figures.mjs";

test("parseStat counts fields after the last ')' of the command name", () => {
  // fields 3.. : state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime priority nice threads itreal starttime
  const text = "4242 (work (er) d) S 17 4242 4242 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 9 0 123456 1000 200\n";
  assert.deepEqual(parseStat(text), { state: "S", ppid: 17, utime: 250, stime: 75, starttime: 123456 });
  assert.equal(parseStat("1 (x) S 0"), null);
});

test("parseVmRssKiB, parseMachineBusy and parseListeningPorts read /proc's formats", () => {
  assert.equal(parseVmRssKiB("Name:\tworkerd\nVmPeak:\t  900 kB\nVmRSS:\t  123456 kB\n"), 123456);
  assert.ok(Number.isNaN(parseVmRssKiB("Name:\tzombie\n")));
  // user nice system idle iowait irq softirq steal
  assert.equal(parseMachineBusy("cpu  100 5 50 9999 7 3 2 1 0 0\ncpu0 1 2 3\n"), 100 + 5 + 50 + 3 + 2 + 1);
  const tcp = [
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
    "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1111 1 0 100 0 0 10 0",
    "   1: 0100007F:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2222 1 0 100 0 0 10 0",
    "   2: 0100007F:1F92 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 1111 1 0 100 0 0 10 0",
  ].join("\n");
  assert.deepEqual(parseListeningPorts(tcp, new Set(["1111"])), [8080]);
});

test("the SSE parser joins events split across chunks, handles CRLF and skips comments", () => {
  const events = [];
  const feed = createSseParser((e) => events.push(e));
  feed("event: endpoint\r\ndata: /sse/message?sessionId=ab");
  feed("c\r\n\r\n: keepalive\n\ndata: {\"id\":7}\n");
  assert.equal(events.length, 1);
  feed("\n");
  assert.deepEqual(events, [{ event: "endpoint", data: "/sse/message?sessionId=abc" }, { event: "message", data: '{"id":7}' }]);
});

test("MCP replies are read from JSON and from SSE-framed bodies", () => {
  const json = '{"jsonrpc":"2.0","id":3,"result":{"content":[{"type":"text","text":"3"}]}}';
  const sse = `event: message\nid: x:1\ndata: ${json}\n\n`;
  assert.equal(toolText(json, 3), "3");
  assert.equal(toolText(sse, 3), "3");
  assert.equal(toolText(sse, 4), undefined);
  assert.equal(replyMessages("not json").length, 0);
  assert.equal(toolText('{"jsonrpc":"2.0","id":3,"result":{"isError":true,"content":[{"type":"text","text":"3"}]}}', 3), undefined);
  assert.ok(isAddReply(sse));
  assert.ok(!isAddReply('{"result":{"isError":true,"content":[{"type":"text","text":"3"}]}}'));
});

test("consentForm reads ours' and the peer's consent forms", () => {
  const ours = '<form method="post" action="/authorize"><input type="hidden" name="request" value="a&amp;b">' +
    '<input type="hidden" name="csrf" value="c1"><div><button class="primary" type="submit" name="action" value="approve">Approve</button>' +
    '<button type="submit" name="action" value="deny">Deny</button></div></form>';
  assert.deepEqual(consentForm(ours), { method: "POST", action: "/authorize", fields: [["request", "a&b"], ["csrf", "c1"], ["action", "approve"]] });
  const peer = '<form method="post" action="/authorize">\n<input type="hidden" name="state" value="eyJ9">\n' +
    '<input type="hidden" name="csrf_token" value="u-u-i-d">\n<div class="buttons"><button type="button" class="cancel" onclick="history.back()">Cancel</button>' +
    '<button type="submit" class="ok">Approve</button></div>\n</form>';
  assert.deepEqual(consentForm(peer), { method: "POST", action: "/authorize", fields: [["state", "eyJ9"], ["csrf_token", "u-u-i-d"]] });
  assert.throws(() => consentForm("<p>no form</p>"));
});

test("wrangler's upload line and a startup CPU profile are read", () => {
  assert.deepEqual(parseUploadSize("Total Upload: 2669.84 KiB / gzip: 480.16 KiB\nYour Worker has access"), { totalKiB: 2669.84, gzipKiB: 480.16 });
  assert.equal(parseUploadSize("nothing"), null);
  const profile = {
    startTime: 1_000_000, endTime: 1_096_000,
    nodes: [{ id: 1, callFrame: { functionName: "(root)" }, children: [2, 3] }, { id: 2, callFrame: { functionName: "(idle)" } }, { id: 3, callFrame: { functionName: "init" } }],
    samples: [2, 3, 3], timeDeltas: [10_000, 20_000, 5_000],
  };
  assert.deepEqual(profileFigures(profile), { spanMs: 96, busyMs: 25, samples: 3 });
});

test("topFrames ranks frames by self and total time, idle and (root) excluded", () => {
  const cf = (functionName, url = "", lineNumber = 0) => ({ functionName, url, lineNumber });
  const profile = {
    nodes: [
      { id: 1, callFrame: cf("(root)"), children: [2, 4] },
      { id: 2, callFrame: cf("handle", "file:///x/index.js", 9), children: [3] },
      { id: 3, callFrame: cf("$json_parse") },
      { id: 4, callFrame: cf("(idle)") },
    ],
    samples: [3, 3, 3, 2, 4], timeDeltas: [100, 100, 100, 100, 1000],
  };
  const top = topFrames(profile, 5);
  assert.equal(top.busyMs, 0.4);
  assert.deepEqual(top.self.map((f) => [f.name, f.share]), [["$json_parse", 0.75], ["handle index.js:10", 0.25]]);
  assert.deepEqual(top.total.map((f) => [f.name, f.share]), [["handle index.js:10", 1], ["$json_parse", 0.75]]);
});

test("profile frames: C++ names shortened, bundle lines named by their module", () => {
  assert.equal(shortName("nlohmann::json_abi_v3_11_2::detail::parser<nlohmann::json_abi_v3_11_2::basic_json<std::__2::map, bool>, x<char const*> >::get_token()"),
    "nlohmann::detail::parser::get_token()");
  assert.equal(shortName("app::Sessions::verify(host::Host&, std::__2::basic_string<char, std::__2::char_traits<char> > const&) (.resume)"), "app::Sessions::verify() (.resume)");
  assert.equal(shortName("(anonymous namespace)::set_output((anonymous namespace)::RunSlot&)"), "{anon}::set_output()");
  const bundle = ["var a = 1;", "// ../../repo/worker-shim/run_request.js", "async function runRequest() {}", "// ../node_modules/wrangler/templates/middleware/middleware-patch-console-prefix.ts", "apply() {}"].join("\n");
  const moduleOf = moduleIndex([["5", bundle]]);
  assert.equal(moduleOf("5", 1), null);
  assert.equal(moduleOf("5", 3), "worker-shim/run_request.js");
  assert.equal(moduleOf("5", 5), "middleware/middleware-patch-console-prefix.ts");
  assert.equal(moduleOf("6", 5), null);
});

test("options: defaults, derived counts, caps and unknown names", () => {
  const names = ["hello", "kv-floor", "ours", "peer"];
  const d = parseArgs([], { root: "/repo", targetNames: names });
  assert.equal(d.peer, "/shared/peer-ts");
  assert.deepEqual([d.rounds, d.requests, d.flows, d.inits, d.userinfo, d.startups], [3, 2000, 100, 200, 500, 3]);
  const q = parseArgs(["--rounds", "1", "--requests", "200", "--targets", "peer,ours", "--peer", "/x/p"], { root: "/repo", targetNames: names });
  assert.deepEqual([q.targets, q.flows, q.inits, q.userinfo, q.startups, q.peer], [["ours", "peer"], 10, 20, 50, 1, "/x/p"]);
  assert.throws(() => parseArgs(["--targets", "nope"], { root: "/repo", targetNames: names }), UsageError);
  // An opt-in worker runs only when named.
  const withOptIn = { root: "/repo", targetNames: ["hello", "ours", "ours-log-errors", "peer"], optIn: ["ours-log-errors"] };
  assert.deepEqual(parseArgs([], withOptIn).targets, ["hello", "ours", "peer"]);
  assert.deepEqual(parseArgs(["--targets", "ours-log-errors,ours"], withOptIn).targets, ["ours", "ours-log-errors"]);
  assert.throws(() => parseArgs(["--requests", "0"], { root: "/repo", targetNames: names }), UsageError);
  assert.throws(() => parseArgs(["--requests", "999999"], { root: "/repo", targetNames: names }), UsageError);
});

test("parseDevVars reads KEY=VALUE lines", () => {
  assert.deepEqual(parseDevVars('# c\nA=1\n  B = "two"\n\nbad line\nC=x=y\n'), { A: "1", B: "two", C: "x=y" });
});

test("medians, ratios and the targets' pass/miss", () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([NaN])));
  assert.equal(fmtRatio(0.25), "0.25x");
  assert.equal(fmtRatio(12.34), "12.3x");
  assert.equal(fmtRatio(NaN), "–");
  assert.equal(fmtRatio(0.23 / 480.16), "0.00048x");
  assert.equal(fmtRatio(0), "0.00x");

  const phase = (cpuMs, perSecond) => ({ unit: "call", count: 10, concurrency: 1, cpuMs, perSecond, p50Ms: 1, p99Ms: 2 });
  const run = (target, cpu, perSecond, rssAfterKiB) => ({
    target, firstAnswerMs: 1000, rssIdleKiB: 1024, rssAfterKiB, auth: {},
    phases: { "mcp-add-seq": phase(cpu, perSecond), "mcp-add-conc": phase(cpu, perSecond) },
  });
  const runs = [run("ours", 1.0, 900, 100 * 1024), run("ours", 1.2, 1000, 100 * 1024), run("ours", 5, 1100, 100 * 1024),
    run("peer", 8, 300, 400 * 1024), run("kv-floor", 1.0, 1500, 50 * 1024)];
  const summary = summarise(runs, { ours: { upload: { gzipKiB: 120, totalKiB: 300 }, startups: [{ spanMs: 30 }] }, peer: { upload: { gzipKiB: 480, totalKiB: 2600 }, startups: [{ spanMs: 96 }] } }, ["ours", "peer", "kv-floor"]);
  assert.equal(summary.ours.phases["mcp-add-seq"].cpuMs, 1.2); // the median of 3 starts
  const goals = Object.fromEntries(evaluateGoals(summary).map((g) => [`${g.goal} / ${g.target}`, g]));
  const floorSeq = goals["CPU per add on /mcp, sequential / ≤ 1.25× kv-floor"];
  assert.equal(floorSeq.pass, true);
  assert.ok(Math.abs(floorSeq.ratio - 1.2) < 1e-9);
  const peerSeq = goals["CPU per add on /mcp, sequential / ≤ 1/4 peer"];
  assert.equal(peerSeq.pass, true); // 1.2 / 8 = 0.15
  const gzip = goals["gzipped upload / ≤ 1/5 peer"];
  assert.equal(gzip.pass, false); // 120 / 480 = 0.25 > 0.2
  assert.ok(Math.abs(gzip.change - (0.2 / 0.25 - 1)) < 1e-9); // cut by 20 %
  const rps = goals["add on /mcp, concurrent, req/s / ≥ 3× peer"];
  assert.equal(rps.pass, true); // 1000 / 300
  assert.equal(goals["CPU for the whole OAuth flow / ≤ 1/4 peer"].pass, null); // not measured
  const rss = goals["worker RSS after the run / ≤ 1/3 peer"];
  assert.equal(rss.pass, true); // 100 / 400
});

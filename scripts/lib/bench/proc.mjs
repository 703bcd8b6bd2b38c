// Reading processes from Linux /proc for the benchmark: CPU ticks, RSS, the process tree, the TCP
// ports a process listens on, and how busy the whole machine is. The parse* functions are pure (and
// tested in tests/integration/bench_helpers.test.mjs); the others read /proc and return null / NaN
// when a process is gone.
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, readlinkSync } from "node:fs";

// Clock ticks per second of utime/stime in /proc/<pid>/stat (100 on Linux x86-64).
export const CLK_TCK = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();
export const MS_PER_TICK = 1000 / CLK_TCK;

// `/proc/<pid>/stat` -> { ppid, utime, stime, starttime } (ticks). The command name (field 2) is in
// parentheses and may itself hold spaces and ")", so fields are counted from the last ")".
export function parseStat(text) {
  const f = text.slice(text.lastIndexOf(")") + 2).trim().split(" "); // f[0] is field 3 (state)
  if (f.length < 20) return null;
  return { state: f[0], ppid: Number(f[1]), utime: Number(f[11]), stime: Number(f[12]), starttime: Number(f[19]) };
}

// `/proc/<pid>/status` -> VmRSS in KiB (NaN when absent, e.g. a zombie).
export function parseVmRssKiB(text) {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
  return m ? Number(m[1]) : NaN;
}

// The first line of /proc/stat -> busy ticks of all CPUs (user nice system irq softirq steal).
export function parseMachineBusy(procStatText) {
  const f = procStatText.split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  return f[0] + f[1] + f[2] + f[5] + f[6] + f[7];
}

// Rows of /proc/net/tcp{,6} -> ports in LISTEN state (st 0A) whose socket inode is in `inodes`.
export function parseListeningPorts(netTcpText, inodes) {
  const ports = [];
  for (const line of netTcpText.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length > 9 && f[3] === "0A" && inodes.has(f[9])) ports.push(parseInt(f[1].split(":")[1], 16));
  }
  return ports;
}

const read = (path) => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
};

export function readStat(pid) {
  const text = read(`/proc/${pid}/stat`);
  return text === null ? null : parseStat(text);
}

// utime + stime of one process, in ticks (NaN when it is gone).
export function ticks(pid) {
  const s = readStat(pid);
  return s ? s.utime + s.stime : NaN;
}

export function rssKiB(pid) {
  const text = read(`/proc/${pid}/status`);
  return text === null ? NaN : parseVmRssKiB(text);
}

export function cmdline(pid) {
  const text = read(`/proc/${pid}/cmdline`);
  return text === null ? "" : text.split("\0").join(" ").trim();
}

export function machineBusyTicks() {
  return parseMachineBusy(readFileSync("/proc/stat", "utf8"));
}

// Every descendant of rootPid (by PPid links), breadth first.
export function descendants(rootPid) {
  const children = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const st = readStat(name);
    if (!st) continue;
    if (!children.has(st.ppid)) children.set(st.ppid, []);
    children.get(st.ppid).push(Number(name));
  }
  const out = [];
  const queue = [rootPid];
  while (queue.length) {
    for (const c of children.get(queue.shift()) ?? []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

// Descendants running `workerd serve`: { pid, cmd, start }.
export function workerdDescendants(rootPid) {
  return descendants(rootPid)
    .map((pid) => ({ pid, cmd: cmdline(pid), start: readStat(pid)?.starttime }))
    .filter((p) => /(^|\/)workerd$/.test(p.cmd.split(" ")[0]) && p.cmd.includes(" serve "));
}

// TCP ports a process listens on: its socket inodes matched against the LISTEN rows.
export function listeningPorts(pid) {
  const inodes = new Set();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]);
      } catch {}
    }
  } catch {}
  const ports = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    const text = read(file);
    if (text !== null) ports.push(...parseListeningPorts(text, inodes));
  }
  return [...new Set(ports)];
}

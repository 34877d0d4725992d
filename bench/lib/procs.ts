import { type ChildProcess, spawn, type SpawnOptions } from "node:child_process";
import { closeSync, fstatSync, openSync, readFileSync, readSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The processes the bench starts: each one is stopped by its own pid, never by name,
 * and any still running when the bench exits is killed by pid then.
 */
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, "SIGKILL");
});

export interface Started {
  child: ChildProcess;
  pid: number;
  /** The last 64 KiB the process printed, for error messages. */
  output(): string;
  exited: Promise<number | null>;
}

/**
 * Spawns a process whose output is drained (never left to fill a pipe) and kept short;
 * with `logFile`, its output goes to that file instead, as a server's log would, and
 * costs the bench nothing to read.
 */
export function launch(cmd: string, args: string[], options: SpawnOptions & { logFile?: string; ipc?: boolean } = {}): Started {
  const { logFile, ipc, ...spawnOptions } = options;
  const fd = logFile ? openSync(logFile, "a") : null;
  const out = fd ?? "pipe";
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ["ignore", out, out, ...(ipc ? ["ipc" as const] : [])], ...spawnOptions });
  if (fd !== null) closeSync(fd);
  if (child.pid === undefined) throw new Error(`cannot start ${cmd}`);
  running.add(child);
  let tail = "";
  const keep = (c: Buffer) => {
    tail = (tail + c.toString()).slice(-65536);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const output = () => (logFile ? lastBytes(logFile, 65536) : tail);
  return { child, pid: child.pid, output, exited };
}

/** The end of a file: a server's log can outgrow the longest string V8 makes (its access log holds every request). */
function lastBytes(file: string, n: number): string {
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    const bytes = Buffer.alloc(Math.min(n, size));
    readSync(fd, bytes, 0, bytes.length, size - bytes.length);
    return bytes.toString("utf8");
  } finally {
    closeSync(fd);
  }
}

/** Resolves with the first match of `ready` in the process's output; rejects if it exits first. */
export function waitForOutput(p: Started, ready: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready after ${timeoutMs} ms:\n${p.output()}`)), timeoutMs);
    const check = () => {
      const m = p.output().match(ready);
      if (!m) return;
      clearTimeout(timer);
      p.child.stdout?.off("data", check);
      p.child.stderr?.off("data", check);
      resolve(m);
    };
    p.child.stdout?.on("data", check);
    p.child.stderr?.on("data", check);
    void p.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`process exited ${code} before it was ready:\n${p.output()}`));
    });
  });
}

/** SIGTERM (or `signal`) to the pid, SIGKILL to the same pid after `graceMs`. */
export async function stop(p: Started, signal: NodeJS.Signals = "SIGTERM", graceMs = 15_000): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  process.kill(p.pid, signal);
  const timer = setTimeout(() => p.child.exitCode === null && process.kill(p.pid, "SIGKILL"), graceMs);
  await p.exited;
  clearTimeout(timer);
}

/** Resident memory of a process, in bytes (VmRSS). */
export function rssBytes(pid: number): number {
  const m = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+) kB/m);
  return m ? Number(m[1]) * 1024 : NaN;
}

/** The soft limit on open files of a process. */
export function openFileLimit(pid: number): number {
  const m = readFileSync(`/proc/${pid}/limits`, "utf8").match(/^Max open files\s+(\d+)/m);
  return m ? Number(m[1]) : NaN;
}

const TICKS = 100;

interface Stat {
  comm: string;
  ppid: number;
  /** utime + stime + cutime + cstime, in seconds. */
  cpu: number;
}

function stat(pid: number): Stat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
    // Fields after the command name: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14).
    return {
      comm: text.slice(text.indexOf("(") + 1, text.lastIndexOf(")")),
      ppid: Number(f[1]),
      cpu: (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / TICKS,
    };
  } catch {
    return null;
  }
}

/** CPU seconds of one process (its reaped children included). */
export const cpuSeconds = (pid: number): number => stat(pid)?.cpu ?? NaN;

/** The bench and everything it started, alive or not yet reaped: the hub, wrk, PostgreSQL's backends. */
function ownTree(): Map<number, Stat> {
  const all = new Map<number, Stat>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const s = stat(Number(name));
    if (s) all.set(Number(name), s);
  }
  const ours = new Map<number, Stat>([[process.pid, all.get(process.pid)!]]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, s] of all) {
      if (!ours.has(pid) && ours.has(s.ppid)) {
        ours.set(pid, s);
        grew = true;
      }
    }
  }
  return ours;
}

/** CPU seconds used by the bench's whole process tree; a reaped child's time is in its parent's. */
export function ownCpuSeconds(): number {
  let total = 0;
  for (const s of ownTree().values()) total += s.cpu;
  return total;
}

/** CPU seconds of the bench's process tree by command name, with some pids given names of their own. */
export function cpuByCommand(names: Record<number, string> = {}): Map<string, number> {
  const out = new Map<string, number>();
  for (const [pid, s] of ownTree()) {
    const name = names[pid] ?? (pid === process.pid ? "bench" : s.comm);
    out.set(name, (out.get(name) ?? 0) + s.cpu);
  }
  return out;
}

/** `sessionhub 0.97, postgres 0.61, wrk 0.30 cores` between two snapshots. */
export function cpuSplit(before: Map<string, number>, after: Map<string, number>, seconds: number): string {
  return [...after]
    .map(([name, cpu]) => [name, (cpu - (before.get(name) ?? 0)) / seconds] as const)
    .filter(([, cores]) => cores >= 0.02)
    .sort((a, b) => b[1] - a[1])
    .map(([name, cores]) => `${name} ${cores.toFixed(2)}`)
    .join(", ")
    .concat(" cores");
}

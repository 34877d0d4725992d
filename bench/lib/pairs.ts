import { cpuSeconds, rssBytes } from "./procs.js";
import { type Load, type Measured, measure } from "./wrk.js";

export interface Contestant {
  name: string;
  url: string;
  load: Load;
  /** The server's pid: its CPU use and memory are read around each run. */
  pid?: number;
  /** A measurement wrk cannot make (queries from a database client): it replaces the wrk run. */
  run?: (opts: PairOptions) => Promise<Run>;
}

export interface Run extends Measured {
  /** Cores' worth of CPU the server used during the run. */
  serverCores: number;
  rssBytes: number;
}

export interface Series {
  runs: Run[];
  /** Field by field, the median of the runs. */
  median: Run;
}

export interface PairOptions {
  rounds: number;
  seconds: number;
  connections: number;
  dir: string;
  timeoutSeconds?: number;
}

/** Every wrk run of the bench has its own number, so that Lua loads take disjoint slices of their pairs. */
let runCount = 0;
export const nextRun = () => runCount++;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function medianRun(runs: Run[]): Run {
  const m = (k: keyof Run) => median(runs.map((r) => r[k]));
  return {
    rps: m("rps"), p50ms: m("p50ms"), p99ms: m("p99ms"), maxms: m("maxms"), seconds: m("seconds"),
    requests: runs.reduce((s, r) => s + r.requests, 0),
    non2xx: runs.reduce((s, r) => s + r.non2xx, 0),
    errors: runs.reduce((s, r) => s + r.errors, 0),
    serverCores: m("serverCores"),
    rssBytes: Math.max(...runs.map((r) => r.rssBytes)),
  };
}

/**
 * Microseconds of the server's CPU per answered request, the median over a series' runs.
 * Steadier than a rate when the server and the load generator share two cores: a rate
 * also moves with how the cores were shared in that run.
 */
export const cpuPerRequest = (s: Series): number => median(s.runs.map((r) => (r.serverCores / r.rps) * 1e6));

/** A run measured by the bench itself (not wrk): the latency of every request and the time it all took. */
export function runFromLatencies(latencies: number[], seconds: number, failures = 0): Run {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  return { rps: sorted.length / seconds, requests: sorted.length, non2xx: failures, errors: 0, seconds, p50ms: at(0.5), p99ms: at(0.99), maxms: sorted.at(-1) ?? NaN, serverCores: NaN, rssBytes: NaN };
}

/**
 * Waits until the server has finished what the last run left queued: wrk counts only the
 * answers inside its window, but the server still works through every request sent, and
 * that work must not land in the next contestant's run.
 */
export async function settle(pid: number, maxMs = 30_000): Promise<void> {
  const until = Date.now() + maxMs;
  while (Date.now() < until) {
    const cpu0 = cpuSeconds(pid);
    await new Promise((r) => setTimeout(r, 200));
    if ((cpuSeconds(pid) - cpu0) / 0.2 < 0.15) return;
  }
}

/** One wrk run against one contestant, with its server's CPU and memory. */
export async function runOnce(c: Contestant, opts: PairOptions & { until?: Promise<unknown> }): Promise<Run> {
  const cpu0 = c.pid ? cpuSeconds(c.pid) : NaN;
  const run = nextRun();
  const m = await measure(c.url, c.load, { ...opts, run, name: `${c.name}-${run}` });
  const measured = { ...m, serverCores: c.pid ? (cpuSeconds(c.pid) - cpu0) / m.seconds : NaN, rssBytes: c.pid ? rssBytes(c.pid) : NaN };
  if (c.pid) await settle(c.pid);
  return measured;
}

/**
 * Round-robin: every contestant once per round (bare, ours, bare, ours, …), `rounds`
 * rounds, so drift in the machine's speed touches them alike; the median of each.
 */
export async function interleave(contestants: Contestant[], opts: PairOptions): Promise<Map<string, Series>> {
  const byName = new Map<string, Run[]>(contestants.map((c) => [c.name, []]));
  for (let round = 0; round < opts.rounds; round += 1) {
    for (const c of contestants) byName.get(c.name)!.push(await (c.run ? c.run(opts) : runOnce(c, opts)));
  }
  return new Map([...byName].map(([name, rs]) => [name, { runs: rs, median: medianRun(rs) }]));
}

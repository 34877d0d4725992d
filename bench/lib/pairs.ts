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

/** One wrk run against one contestant, with its server's CPU and memory. */
export async function runOnce(c: Contestant, opts: PairOptions & { until?: Promise<unknown> }): Promise<Run> {
  const cpu0 = c.pid ? cpuSeconds(c.pid) : NaN;
  const run = nextRun();
  const m = await measure(c.url, c.load, { ...opts, run, name: `${c.name}-${run}` });
  return { ...m, serverCores: c.pid ? (cpuSeconds(c.pid) - cpu0) / m.seconds : NaN, rssBytes: c.pid ? rssBytes(c.pid) : NaN };
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

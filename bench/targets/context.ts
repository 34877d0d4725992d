import { join } from "node:path";
import { type Bare, capture, startBare } from "../lib/ceiling.js";
import type { Hub } from "../lib/hub.js";
import { type Contestant, type PairOptions, type Run, type Series, cpuPerRequest, interleave, runOnce } from "../lib/pairs.js";
import { type ProfileSummary, limitingLine, summarise } from "../lib/profile.js";
import type { Budget } from "../lib/scenario.js";
import type { Load } from "../lib/wrk.js";
import { int, ratio } from "../report/types.js";

/** What every target gets from the run. */
export interface Ctx {
  /** Scratch files of this run (wrk scripts, captured answers, data directories). */
  dir: string;
  /** Where the CPU profiles are kept (bench/out/profiles). */
  profiles: string;
  budget: Budget;
  pairs: PairOptions;
  /** Seconds of the profiled run that follows each measurement. */
  profileSeconds: number;
}

export interface Profiled {
  run: Run;
  summary: ProfileSummary;
  limiting: string;
  file: string;
}

/** One more run of sessionhub under the load, with its CPU profile summarised. */
export async function profiled(ctx: Ctx, hub: Hub, name: string, load: Load): Promise<Profiled> {
  const file = join(ctx.profiles, `${name.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}.cpuprofile`);
  const run = await hub.profile(file, () =>
    runOnce({ name: `profile-${name}`, url: hub.url, load, pid: hub.pid }, { ...ctx.pairs, seconds: ctx.profileSeconds }),
  );
  const summary = summarise(file);
  return { run, summary, limiting: limitingLine(summary, run.serverCores), file };
}

export interface VersusCeiling {
  ours: Series;
  bare: Series;
  bytes: number;
  profile: Profiled;
}

/**
 * sessionhub against a bare node:http server answering the very bytes sessionhub
 * answered to the same request, in interleaved runs; then a profiled run.
 */
export async function versusCeiling(ctx: Ctx, hub: Hub, name: string, load: Load): Promise<VersusCeiling> {
  const captured = await capture(hub.url, load);
  const bare: Bare = await startBare(captured, ctx.dir, name);
  let series: Map<string, Series>;
  try {
    const contestants: Contestant[] = [
      { name: `bare ${name}`, url: bare.url, load, pid: bare.process.pid },
      { name, url: hub.url, load, pid: hub.pid },
    ];
    series = await interleave(contestants, ctx.pairs);
  } finally {
    await bare.stop();
  }
  const profile = await profiled(ctx, hub, name, load);
  return { ours: series.get(name)!, bare: series.get(`bare ${name}`)!, bytes: captured.bytes, profile };
}

/** The server's CPU per request against another's (cpuPerRequest), and the ratio it gives. */
export function cpuAgainst(ours: Series, other: Series, whose: string): string {
  const a = cpuPerRequest(ours);
  const b = cpuPerRequest(other);
  return `CPU per request ${int(a)} µs against ${whose} ${int(b)} µs (${ratio(b / a)})`;
}

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { dataset, workingCopy } from "./lib/scale-store.js";
import { Hub } from "./lib/hub.js";
import { machine } from "./lib/machine.js";
import { ROOT } from "./lib/procs.js";
import { Budget } from "./lib/scenario.js";
import { chartSvg } from "./report/chart.js";
import { markdown } from "./report/markdown.js";
import type { Report, Target } from "./report/types.js";
import { type CeilingResults, ceilingTarget } from "./targets/ceiling.js";
import type { Ctx } from "./targets/context.js";
import { eventsTarget } from "./targets/events.js";
import { familiesTarget } from "./targets/families.js";
import { jsonServerTarget } from "./targets/json-server.js";
import { postgresTarget } from "./targets/postgres.js";
import { scaleTarget } from "./targets/scale.js";

/**
 * `npm run bench`: builds sessionhub, measures the targets of issue 11 in one run and
 * writes bench/RESULTS.md, bench/results.svg and bench/out/results.json.
 *
 *   npm run bench              every target
 *   npm run bench -- 1 4       only targets 1 and 4 (RESULTS.md then holds only those)
 *
 *   BENCH_SECONDS (4)            seconds of each wrk run; three interleaved rounds per figure
 *   BENCH_CONNECTIONS (50)       wrk connections (one thread)
 *   BENCH_RERUN_SECONDS (120)    time allowed for running disturbed scenarios again
 *   BENCH_SESSIONS (1000000)     the SQLite data set (cached in bench/out/cache per schema version)
 *   BENCH_STREAMS (10000)        live event streams
 */
const TITLES: Record<number, string> = {
  1: "Each operation against its ceiling",
  2: "Every API against its native counterpart",
  3: "Scale on SQLite",
  4: "Live events (SSE)",
  5: "PostgreSQL",
  6: "json-server",
};

function failed(id: number, e: unknown): Target {
  console.error(e);
  const message = String((e as Error)?.message ?? e).split("\n")[0]!;
  return { id, title: TITLES[id]!, figures: [{ name: "the scenario failed", measured: message, goal: "—", met: false, limiting: "see the bench's output" }], notes: [] };
}

async function main() {
  const started = Date.now();
  const { positionals } = parseArgs({ allowPositionals: true });
  const wanted = (id: number) => positionals.length === 0 || positionals.includes(String(id));
  const budget = new Budget(Number(process.env.BENCH_RERUN_SECONDS ?? 120));
  execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });

  const out = join(ROOT, "bench", "out");
  const dir = join(out, "run");
  const profiles = join(out, "profiles");
  for (const d of [dir, profiles]) {
    rmSync(d, { recursive: true, force: true });
    mkdirSync(d, { recursive: true });
  }
  const ctx: Ctx = {
    dir,
    profiles,
    budget,
    pairs: { rounds: 3, seconds: Number(process.env.BENCH_SECONDS ?? 4), connections: Number(process.env.BENCH_CONNECTIONS ?? 50), dir },
    profileSeconds: 3,
  };

  const targets: Target[] = [];
  const attempt = async (id: number, fn: () => Promise<Target>) => {
    if (!wanted(id)) return;
    try {
      targets.push(await fn());
    } catch (e) {
      targets.push(failed(id, e));
    }
  };

  if ([1, 2, 3, 4, 6].some(wanted)) {
    const data = await dataset();
    console.log(`data set: ${data.sessions} sessions in ${data.dir}${data.builtSeconds ? ` (built in ${data.builtSeconds.toFixed(0)} s)` : " (cached)"}`);
    const dataDir = workingCopy(data, join(dir, "data"));
    let hub = await Hub.start({ dataDir });
    try {
      let t1: CeilingResults | null = null;
      await attempt(1, async () => (t1 = await ceilingTarget(ctx, hub, data, dataDir)).target);
      await attempt(2, () => familiesTarget(ctx, hub, data));
      await attempt(6, () => jsonServerTarget(ctx, hub));
      await attempt(4, () => eventsTarget(ctx, hub, data));
      await attempt(3, async () => {
        const r = await scaleTarget(ctx, hub, data, t1, dataDir);
        hub = r.hub;
        return r.target;
      });
    } finally {
      await hub.stop();
    }
  }
  await attempt(5, () => postgresTarget(ctx));
  targets.sort((a, b) => a.id - b.id);

  const report: Report = {
    date: new Date(started).toISOString(),
    machine: machine(),
    durationSeconds: (Date.now() - started) / 1000,
    settings: `wrk 4.1, one thread, ${ctx.pairs.connections} connections, ${ctx.pairs.seconds} s per run, on loopback; each figure is the median of ${ctx.pairs.rounds} runs interleaved with its ceiling's (ceiling, sessionhub, ceiling, sessionhub, …), followed by a ${ctx.profileSeconds} s profiled run. Server, load generators and databases share the machine's cores; the server is one Node process (one core at most).`,
    targets,
  };
  const results = join(ROOT, "bench", "RESULTS.md");
  writeFileSync(join(ROOT, "bench", "results.svg"), await chartSvg(report));
  writeFileSync(results, markdown(report, existsSync(results) ? readFileSync(results, "utf8") : ""));
  writeFileSync(join(out, "results.json"), JSON.stringify({ ...report, budget: budget.log }, null, 2));
  for (const t of targets) for (const f of t.figures) console.log(`${t.id}. ${f.name}: ${f.measured} [${f.goal}: ${f.met === null ? "—" : f.met ? "met" : "NOT met"}]`);
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

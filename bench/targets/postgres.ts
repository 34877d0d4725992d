import { join } from "node:path";
import pg from "pg";
import { startPostgres } from "../../test/helpers/postgres.js";
import { ADMIN_TOKEN, Hub, parallel } from "../lib/hub.js";
import { rotateLua } from "../lib/lua.js";
import { type Contestant, type Run, interleave, runFromLatencies, runOnce } from "../lib/pairs.js";
import { cpuByCommand, cpuSplit } from "../lib/procs.js";
import { type Figure, type Target, int, ms, ratio } from "../report/types.js";
import { type Ctx, profiled } from "./context.js";

const SESSIONS = 1000;

/** Primary-key selects from a pool of `width` connections with `width` queries always in flight. */
async function rawSelects(url: string, ids: string[], seconds: number, width: number): Promise<Run> {
  const pool = new pg.Pool({ connectionString: url, max: width });
  await Promise.all(Array.from({ length: width }, () => pool.query("SELECT 1")));
  const latencies: number[] = [];
  const t0 = performance.now();
  const until = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: width }, async (_, c) => {
      for (let i = c; performance.now() < until; i += width) {
        const q0 = performance.now();
        await pool.query("SELECT * FROM sessions WHERE id = $1", [ids[i % ids.length]]);
        latencies.push(performance.now() - q0);
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  await pool.end();
  return runFromLatencies(latencies, elapsed);
}

/** One node on an embedded PostgreSQL: GET one against raw primary-key selects at the same concurrency. */
export async function postgresTarget(ctx: Ctx): Promise<Target> {
  const cluster = await startPostgres();
  try {
    const url = await cluster.createDatabase();
    const hub = await Hub.start({ dataDir: join(ctx.dir, "pg-node"), env: { SESSIONHUB_DATABASE_URL: url } });
    try {
      await hub.api("POST", "/api/v1/services", { id: "pg-bench" });
      const ids: string[] = [];
      await parallel(SESSIONS, 16, async (i) => void ids.push((await hub.api<{ id: string }>("POST", "/api/v1/sessions", { serviceId: "pg-bench", name: `s${i}`, capacity: 8 })).id));
      const load = {
        method: "GET",
        path: `/api/v1/sessions/${ids[0]}`,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        lua: rotateLua(ids, `wrk.format("GET", "/api/v1/sessions/" .. s, { ["Authorization"] = "Bearer ${ADMIN_TOKEN}" })`),
      };
      const r = await ctx.budget.run("PostgreSQL", async () => {
        const splits: string[] = [];
        const node: Contestant = { name: "GET one", url: hub.url, load, pid: hub.pid };
        const series = await interleave(
          [
            { name: "raw", url, load, run: (o) => rawSelects(url, ids, o.seconds, o.connections) },
            {
              ...node,
              async run(o) {
                const before = cpuByCommand({ [hub.pid]: "sessionhub" });
                const m = await runOnce(node, o);
                splits.push(cpuSplit(before, cpuByCommand({ [hub.pid]: "sessionhub" }), m.seconds));
                return m;
              },
            },
          ],
          ctx.pairs,
        );
        const profile = await profiled(ctx, hub, "GET one on PostgreSQL", load);
        return { raw: series.get("raw")!.median, ours: series.get("GET one")!.median, split: splits[Math.floor(splits.length / 2)]!, profile };
      });
      const { raw, ours, split, profile } = r.result;
      const rr = ours.rps / raw.rps;
      const figure: Figure = {
        name: "one node's GET one against raw primary-key selects",
        measured: `${ratio(rr)} (${int(ours.rps)} vs ${int(raw.rps)}/s; p99 ${ms(ours.p99ms)} vs ${ms(raw.p99ms)} ms)`,
        goal: "≥ 0.5×",
        met: rr >= 0.5,
        limiting: `${profile.limiting}; CPU while serving: ${split}`,
        chart: { ours: ours.rps, ceiling: raw.rps, ceilingName: "raw pg selects, pool of 50", goal: 0.5 },
        profile: profile.summary,
        conditions: r.conditions,
      };
      return {
        id: 5,
        title: "PostgreSQL: one node against the database's own rate",
        figures: [figure],
        notes: [
          `An embedded PostgreSQL 18 (test/helpers/postgres.ts: fsync off) with ${SESSIONS} sessions made through the API; wrk reads them in turn (admin token, 50 connections) and, alternating with it, the bench process runs \`SELECT * FROM sessions WHERE id = $1\` over the same ids from a pg pool of 50 with 50 queries always in flight. The node's own pool holds 10 connections (src/store/postgres/index.ts).`,
          "Scaling out: nodes share nothing but the database, so N nodes on N machines multiply the HTTP work (auth, rendering, Fastify, sockets — what the profile shows) until the database is the bound: every GET is one primary-key select plus the members aggregate, every write a row lock and a NOTIFY. With the raw select rate above as the database's ceiling on this machine, nodes add throughput roughly until their combined GET rate approaches it; writes reach the bound sooner (each is a transaction of several statements). Two nodes on this one 2-core machine would only compete for the cores the first node and PostgreSQL already use.",
        ],
      };
    } finally {
      await hub.stop();
    }
  } finally {
    await cluster.stop();
  }
}

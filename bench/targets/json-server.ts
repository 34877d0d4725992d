import { createServer } from "node:net";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { serviceId } from "../lib/scale-store.js";
import { ADMIN_TOKEN, type Hub } from "../lib/hub.js";
import { type Contestant, type PairOptions, type Run, interleave, runFromLatencies } from "../lib/pairs.js";
import { launch, stop } from "../lib/procs.js";
import { sleep } from "../lib/scenario.js";
import type { Load } from "../lib/wrk.js";
import { type Figure, type Target, int, ms, ratio } from "../report/types.js";
import type { Ctx } from "./context.js";

/** Services no other scenario writes to, so the export holds exactly their bulk-loaded sessions. */
const FIRST = 10;
const SERVICES = 10;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * One request after another for `seconds`, at least two: json-server answers one request
 * at a time and each list or write takes seconds, so more connections would only queue
 * (and leave it working long after the run) without changing its rate.
 */
async function sequential(url: string, load: Load, seconds: number): Promise<Run> {
  const latencies: number[] = [];
  let failures = 0;
  const t0 = performance.now();
  while (latencies.length < 2 || performance.now() - t0 < seconds * 1000) {
    const q0 = performance.now();
    const res = await fetch(url + load.path, { method: load.method, headers: load.headers, body: load.body });
    await res.arrayBuffer();
    if (!res.ok) failures += 1;
    latencies.push(performance.now() - q0);
  }
  return runFromLatencies(latencies, (performance.now() - t0) / 1000, failures);
}

/** The sessions of the first services as the native API renders them: json-server's database. */
async function exportSessions(hub: Hub): Promise<{ sessions: unknown[]; one: string }> {
  const sessions: { id: string }[] = [];
  for (let k = FIRST; k < FIRST + SERVICES; k += 1) {
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = await hub.api(
        "GET",
        `/api/v1/sessions?service=${serviceId(k)}&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      sessions.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
  }
  return { sessions, one: sessions[Math.floor(sessions.length / 2)]!.id };
}

/** json-server 0.17 (its CLI, as its README runs it) and sessionhub on the same sessions, interleaved per operation. */
export async function jsonServerTarget(ctx: Ctx, hub: Hub): Promise<Target> {
  const { sessions, one } = await exportSessions(hub);
  const db = join(ctx.dir, "json-server-db.json");
  writeFileSync(db, JSON.stringify({ sessions }));
  const port = await freePort();
  const js = launch(process.execPath, ["node_modules/json-server/lib/cli/bin.js", "--quiet", "--host", "127.0.0.1", "--port", String(port), db]);
  const jsUrl = `http://127.0.0.1:${port}`;
  // It prints nothing with --quiet: ready when it answers (reading the file takes a few seconds).
  for (let i = 0; !(await fetch(`${jsUrl}/sessions/${one}`).then((r) => r.ok, () => false)); i += 1) {
    if (i > 480 || js.child.exitCode !== null) throw new Error(`json-server did not start:\n${js.output()}`);
    await sleep(250);
  }
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const json = { "content-type": "application/json" };
  const listed = serviceId(FIRST + 3);
  const ops: { name: string; ours: Load; theirs: Load; goal: number | null }[] = [
    { name: "GET one session", ours: { method: "GET", path: `/api/v1/sessions/${one}`, headers: admin }, theirs: { method: "GET", path: `/sessions/${one}` }, goal: null },
    {
      name: "list 100 filtered by service, newest first",
      ours: { method: "GET", path: `/api/v1/sessions?service=${listed}&sort=-createdAt&limit=100`, headers: admin },
      theirs: { method: "GET", path: `/sessions?serviceId=${listed}&_sort=createdAt&_order=desc&_limit=100` },
      goal: 100,
    },
    {
      name: "create",
      ours: { method: "POST", path: "/api/v1/sessions", headers: { ...admin, ...json }, body: JSON.stringify({ serviceId: listed, name: "load", capacity: 8 }) },
      theirs: { method: "POST", path: "/sessions", headers: json, body: JSON.stringify({ serviceId: listed, name: "load", capacity: 8 }) },
      goal: 100,
    },
  ];
  const figures: Figure[] = [];
  try {
    for (const op of ops) {
      const slow = op.goal !== null;
      const contestants: Contestant[] = [
        { name: "json-server", url: jsUrl, load: op.theirs, pid: js.pid, ...(slow ? { run: (o: PairOptions) => sequential(jsUrl, op.theirs, o.seconds) } : {}) },
        { name: "sessionhub", url: hub.url, load: op.ours, pid: hub.pid },
      ];
      const r = await ctx.budget.run(`json-server: ${op.name}`, () => interleave(contestants, ctx.pairs));
      const theirs = r.result.get("json-server")!.median;
      const ours = r.result.get("sessionhub")!.median;
      const x = ours.rps / theirs.rps;
      figures.push({
        name: op.name,
        measured: `sessionhub ${ratio(x)} (${int(ours.rps)} vs ${theirs.rps < 10 ? theirs.rps.toFixed(2) : int(theirs.rps)} req/s; p99 ${ms(ours.p99ms)} vs ${ms(theirs.p99ms)} ms${theirs.errors + theirs.non2xx ? `; json-server: ${theirs.errors + theirs.non2xx} failed` : ""})`,
        goal: op.goal === null ? "—" : `≥ ${op.goal}×`,
        met: op.goal === null ? null : x >= op.goal,
        limiting:
          op.name === "create"
            ? "json-server rewrites its whole JSON file (all the sessions) on every write"
            : op.name.startsWith("list")
              ? "json-server filters and sorts every session in memory for each request"
              : "both answer from memory; json-server's Express stack against Fastify's",
        conditions: r.conditions,
        chart: { ours: ours.rps, ceiling: theirs.rps, ceilingName: "json-server", goal: op.goal },
        series: Object.fromEntries(r.result),
      });
    }
  } finally {
    await stop(js);
  }
  return {
    id: 6,
    title: "The quick alternative: json-server on the same 100,000 sessions",
    figures,
    notes: [
      `json-server 0.17.4 serves a db.json of the ${int(sessions.length)} sessions of ${SERVICES} services exactly as sessionhub's native API renders them (exported through it in this run); sessionhub answers the same requests while holding them among its million. Interleaved as everywhere; json-server's list and create are measured one request after another by the bench (it answers one at a time and takes seconds each: 50 connections would only queue), its GET one with wrk like sessionhub.`,
    ],
  };
}

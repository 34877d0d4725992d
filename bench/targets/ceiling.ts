import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Dataset, serviceId } from "../lib/scale-store.js";
import { ADMIN_TOKEN, Hub } from "../lib/hub.js";
import { pairsLua, rotateLua } from "../lib/lua.js";
import { interleave } from "../lib/pairs.js";
import { capture, startBare } from "../lib/ceiling.js";
import { storeCeiling } from "../lib/store-ceiling.js";
import type { Load } from "../lib/wrk.js";
import { type Figure, type Target, int, mb, ms, ratio } from "../report/types.js";
import { type Ctx, type VersusCeiling, cpuAgainst, profiled, versusCeiling } from "./context.js";

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const json = { "content-type": "application/json" };

/** Every session id of some services, through the native list (1,000 a page). */
export async function sessionIds(hub: Hub, services: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const service of services) {
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = await hub.api(
        "GET",
        `/api/v1/sessions?service=${service}&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      ids.push(...page.items.map((s) => s.id));
      cursor = page.nextCursor;
    } while (cursor);
  }
  return ids;
}

export interface CeilingResults {
  target: Target;
  /** What later targets compare with: the medians of this run. */
  getOne: VersusCeiling;
  list: VersusCeiling;
  create: VersusCeiling;
  loads: { getOne: Load; list: Load; create: Load };
  listService: string;
}

function figure(name: string, v: VersusCeiling, goal: number, ceiling = v.bare.median.rps, ceilingName = "bare node:http, same bytes"): Figure {
  const r = v.ours.median.rps / ceiling;
  return {
    name,
    measured: `${ratio(r)} (${int(v.ours.median.rps)} vs ${int(ceiling)} req/s; p99 ${ms(v.ours.median.p99ms)} ms; ${int(v.bytes)} B)`,
    goal: `≥ ${goal}×`,
    met: r >= goal,
    limiting: `${v.profile.limiting}; ${cpuAgainst(v.ours, v.bare, "the bare server's")}`,
    chart: { ours: v.ours.median.rps, ceiling, ceilingName, goal },
    profile: v.profile.summary,
    series: { ours: v.ours, ceiling: v.bare },
  };
}

/** /healthz with the house hooks against the same app without them, each on a fresh data directory. */
async function houseHooks(ctx: Ctx): Promise<Figure> {
  const load: Load = { method: "GET", path: "/healthz" };
  const dirs = ["hooks", "no-hooks"].map((d) => join(ctx.dir, `healthz-${d}`));
  dirs.forEach((d) => mkdirSync(d, { recursive: true }));
  const withHooks = await Hub.start({ dataDir: dirs[0]! });
  const without = await Hub.start({ dataDir: dirs[1]!, houseHooks: false });
  const bare = await startBare(await capture(withHooks.url, load), ctx.dir, "healthz");
  try {
    const series = await interleave(
      [
        { name: "bare /healthz", url: bare.url, load, pid: bare.process.pid },
        { name: "/healthz, house hooks", url: withHooks.url, load, pid: withHooks.pid },
        { name: "/healthz, no hooks", url: without.url, load, pid: without.pid },
      ],
      ctx.pairs,
    );
    const hooks = series.get("/healthz, house hooks")!.median;
    const none = series.get("/healthz, no hooks")!.median;
    const b = series.get("bare /healthz")!.median;
    const cost = 1 - hooks.rps / none.rps;
    const profile = await profiled(ctx, withHooks, "healthz with house hooks", load);
    return {
      name: "house hooks on /healthz (request id, metrics, access log; CORS is not on this path)",
      measured: `cost ${(cost * 100).toFixed(1)} % (${int(hooks.rps)} with vs ${int(none.rps)} req/s without; bare ${int(b.rps)}: ${ratio(hooks.rps / b.rps)} and ${ratio(none.rps / b.rps)})`,
      goal: "≤ 15 %",
      met: cost <= 0.15,
      limiting: `${profile.limiting}; ${cpuAgainst(series.get("/healthz, house hooks")!, series.get("/healthz, no hooks")!, "the app without them:")}`,
      chart: { ours: hooks.rps, ceiling: none.rps, ceilingName: "same app without the house hooks", goal: 0.85 },
      profile: profile.summary,
      series: Object.fromEntries(series),
    };
  } finally {
    await bare.stop();
    await withHooks.stop();
    await without.stop();
  }
}

export async function ceilingTarget(ctx: Ctx, hub: Hub, data: Dataset, dataDir: string): Promise<CeilingResults> {
  const figures: Figure[] = [];
  const run = <T>(name: string, fn: () => Promise<T>) => ctx.budget.run(name, fn);

  const oneId = (await hub.api<{ items: { id: string }[] }>("GET", `/api/v1/sessions?service=${serviceId(0)}&limit=1`)).items[0]!.id;
  const getOne: Load = { method: "GET", path: `/api/v1/sessions/${oneId}`, headers: admin };
  const g = await run("GET one session", () => versusCeiling(ctx, hub, "GET one session (token auth)", getOne));
  figures.push({ ...figure("GET one session (admin API token)", g.result, 0.5), conditions: g.conditions });

  const listService = serviceId(42);
  const list: Load = { method: "GET", path: `/api/v1/sessions?service=${listService}&sort=-createdAt&limit=100`, headers: { authorization: `Bearer ${data.tokens.reader}` } };
  const l = await run("list 100", () => versusCeiling(ctx, hub, "list 100 of 1M (service filter, sort -createdAt)", list));
  const lf = figure(`list 100 of ${int(data.sessions)} (service filter, sort=-createdAt, a user's token)`, l.result, 0.3);
  lf.goal = "≥ 0.3× and p99 ≤ 50 ms";
  lf.met = lf.met! && l.result.ours.median.p99ms <= 50;
  figures.push({ ...lf, conditions: l.conditions });

  const create: Load = {
    method: "POST",
    path: "/api/v1/sessions",
    headers: { ...admin, ...json },
    body: JSON.stringify({ serviceId: serviceId(3), name: "load", capacity: 8 }),
  };
  const c = await run("create", () => versusCeiling(ctx, hub, "create session", create));
  // The goal is against the bare server's GET rate; the bare server answering the 201's own bytes is shown too.
  const cf = figure("create session", c.result, 0.3, g.result.bare.median.rps, "bare node:http, GET one's bytes");
  cf.measured += `; bare with the 201's bytes ${int(c.result.bare.median.rps)} req/s`;
  const createFigure: Figure = { ...cf, conditions: c.conditions };
  figures.push(createFigure);

  const joinSessions = await sessionIds(hub, [serviceId(4), serviceId(5)]);
  const spare = await hub.api<{ id: string }>("POST", "/api/v1/sessions", { serviceId: serviceId(4), capacity: 16 });
  const join: Load = {
    method: "POST",
    path: `/api/v1/sessions/${spare.id}/members`,
    headers: { authorization: `Bearer ${data.tokens.joiners[0]}`, ...json },
    body: "{}",
    lua: pairsLua(data.tokens.joiners, joinSessions, `wrk.format("POST", "/api/v1/sessions/" .. s .. "/members", { ["Authorization"] = "Bearer " .. t, ["Content-Type"] = "application/json" }, "{}")`),
  };
  const j = await run("join", () => versusCeiling(ctx, hub, "join (a first join each time)", join));
  figures.push({ ...figure("join (each request a first join of a new user)", j.result, 0.25), conditions: j.conditions });

  const beatSessions = await sessionIds(hub, [serviceId(1)]);
  const heartbeat: Load = {
    method: "POST",
    path: `/api/v1/sessions/${beatSessions[0]}/heartbeat`,
    headers: { authorization: `Bearer ${data.tokens.owners[1]}` },
    lua: rotateLua(beatSessions, `wrk.format("POST", "/api/v1/sessions/" .. s .. "/heartbeat", { ["Authorization"] = "Bearer ${data.tokens.owners[1]}" })`),
  };
  const h = await run("heartbeat", () => versusCeiling(ctx, hub, "heartbeat", heartbeat));
  const heartbeatFigure: Figure = { ...figure("heartbeat (the owner, across 10,000 sessions)", h.result, 0.25), conditions: h.conditions };
  figures.push(heartbeatFigure);

  // What SQLite alone makes of these writes on the node's file, in the same run.
  const store = storeCeiling(dataDir, serviceId(3));
  const getRate = g.result.bare.median.rps;
  createFigure.limiting += `; SQLite alone on this file (bench/lib/store-ceiling.ts): ${int(store.insert)} inserts of a session row and its event/s, each its own transaction (${ratio(store.insert / getRate)} of the bare GET), ${int(store.insertGrouped)}/s fifty to a transaction (${ratio(store.insertGrouped / getRate)})`;
  heartbeatFigure.limiting += `; SQLite alone on this file: ${int(store.touch)} heartbeat writes (the row's activity and an event)/s, each its own transaction (${ratio(store.touch / h.result.bare.median.rps)} of the bare server)`;

  const hooks = await run("house hooks", () => houseHooks(ctx));
  figures.push({ ...hooks.result, conditions: hooks.conditions });

  const rss = Math.max(...[g, l, c, j, h].map((x) => x.result.ours.median.rssBytes));
  return {
    target: {
      id: 1,
      title: "Each operation against its ceiling",
      figures,
      notes: [
        `The ceiling of each operation is a bare node:http server (bench/bare.mjs) answering the bytes sessionhub answered to the same request, captured first (status, body and headers but the per-connection ones node sets itself). The store holds ${int(data.sessions)} sessions; GET reads one of them, the list is one service's 10,000 sorted newest first, create adds to another service, join and heartbeat walk through 20,000 and 10,000 of them.`,
        `Largest server RSS during these runs: ${mb(rss)}.`,
      ],
    },
    getOne: g.result,
    list: l.result,
    create: c.result,
    loads: { getOne, list, create },
    listService,
  };
}

import type { Dataset } from "../lib/scale-store.js";
import { ADMIN_TOKEN, type Hub, jwt, parallel } from "../lib/hub.js";
import { type Bare, capture, startBare } from "../lib/ceiling.js";
import { type Contestant, type Series, interleave } from "../lib/pairs.js";
import type { Load } from "../lib/wrk.js";
import { type Figure, type Target, int, ms, ratio } from "../report/types.js";
import { type Ctx, cpuAgainst, profiled } from "./context.js";

const GAME_LOBBIES = 1000;
const MAXSCALE_SESSIONS = 1000;
const ROUNDWARE_SESSIONS = 100;
const SAS_SESSIONS = 50;
const SAS_CONTEXT = "sas-job-execution";

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const get = (path: string, headers: Record<string, string>): Load => ({ method: "GET", path, headers });

/** A family's request beside the native request that reads the same sessions as the same user. */
interface Pair {
  name: string;
  family: Load;
  native: Load;
  nativeName: string;
  /**
   * Also measure a bare node:http server sending the family's own bytes: where the family's
   * answer is much larger than the native one, that shows how far the ratio can go at all.
   */
  bare?: boolean;
}

/**
 * Each family's sessions, made through the family's own API (so they carry what its
 * clients would make), next to the million: 1,000 game lobbies, 1,000 sessions in a
 * service MaxScale lists, 100 in a Roundware project, 50 SAS compute sessions.
 */
async function familySessions(hub: Hub, data: Dataset) {
  const matchmaker = await jwt("bench-matchmaker", ["admin"]);
  const player = await jwt("bench-player");
  const lobbies: string[] = [];
  await parallel(GAME_LOBBIES, 16, async (i) => {
    const res = await fetch(`${hub.url}/sessions`, {
      method: "POST",
      headers: { authorization: `jwt ${matchmaker}`, "content-type": "application/json" },
      body: JSON.stringify({ hostUid: "", status: i % 3 === 0 ? "in-game" : "lobby", numTeams: (i % 4) + 1, teamSize: 0, visibility: "public" }),
    });
    if (res.status !== 201) throw new Error(`game create → ${res.status} ${await res.text()}`);
    lobbies.push(((await res.json()) as { uid: string }).uid);
  });

  await hub.api("POST", "/api/v1/services", { id: "mx-bench", name: "MaxScale bench" });
  const mx: { id: string; number: number }[] = [];
  await parallel(MAXSCALE_SESSIONS, 16, async (i) => void mx.push(await hub.api("POST", "/api/v1/sessions", { serviceId: "mx-bench", name: `conn ${i}`, inactiveTimeoutSeconds: 0 })));

  await hub.api("POST", "/api/v1/services", { id: "rw-bench", kind: "roundware", number: 901, name: "Roundware bench" });
  const device = (await (
    await fetch(`${hub.url}/api/2/users/`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ device_id: "bench-device", client_type: "bench" }),
    })
  ).json()) as { token: string };
  await parallel(ROUNDWARE_SESSIONS, 16, async () => {
    const res = await fetch(`${hub.url}/api/2/sessions/`, {
      method: "POST",
      headers: { authorization: `token ${device.token}`, "content-type": "application/json" },
      body: JSON.stringify({ project_id: 901, client_system: "iOS 17", timezone: "-0800", language: "en" }),
    });
    if (!res.ok) throw new Error(`roundware create → ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  });
  const rw = (await hub.api<{ items: { id: string; number: number }[] }>("GET", "/api/v1/sessions?service=rw-bench&limit=1", undefined, device.token)).items[0]!;

  // Five compute sessions per user is SAS's default quota: ten users make fifty.
  await parallel(SAS_SESSIONS, 8, async (i) => {
    const res = await fetch(`${hub.url}/compute/contexts/${SAS_CONTEXT}/sessions`, {
      method: "POST",
      headers: { ...bearer(data.tokens.joiners[Math.floor(i / 5)]!), "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ name: `bench ${i}` }),
    });
    if (res.status !== 201) throw new Error(`SAS create → ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  });
  const sasCore = (await hub.api<{ items: { id: string }[] }>("GET", `/api/v1/sessions?service=${SAS_CONTEXT}&sort=createdAt&limit=1`)).items[0]!;
  // SAS names a session by its core id and a suffix (src/api/sas-compute/ids.ts).
  const sasHref = `/compute/sessions/${sasCore.id}-ses0000`;
  return { player, lobby: lobbies[0]!, mx: mx[0]!, deviceToken: device.token, rw, sasHref, sasCore };
}

function pairs(f: Awaited<ReturnType<typeof familySessions>>): { one: Pair[]; lists: Pair[] } {
  const admin = bearer(ADMIN_TOKEN);
  const mxFilter = `filter=${encodeURIComponent('/relationships/services/data/0/id="mx-bench"')}`;
  const nativeGet = (id: string, headers: Record<string, string>) => get(`/api/v1/sessions/${id}`, headers);
  const sasAccept = { ...admin, accept: "application/json" };
  const one: Pair[] = [
    { name: "game FindById", family: get(`/sessions/${f.lobby}`, { authorization: `jwt ${f.player}` }), native: nativeGet(f.lobby, bearer(f.player)), nativeName: "native GET, same lobby, same JWT" },
    { name: "MaxScale GET /v1/sessions/:id (pretty)", family: get(`/v1/sessions/${f.mx.number}`, admin), native: nativeGet(f.mx.id, admin), nativeName: "native GET, same session" },
    { name: "MaxScale GET /v1/sessions/:id (compact)", family: get(`/v1/sessions/${f.mx.number}?pretty=false`, admin), native: nativeGet(f.mx.id, admin), nativeName: "native GET, same session" },
    { name: "SAS GET /compute/sessions/:id", family: get(f.sasHref, sasAccept), native: nativeGet(f.sasCore.id, admin), nativeName: "native GET, same session" },
    { name: "Roundware GET /api/2/sessions/:id", family: get(`/api/2/sessions/${f.rw.number}`, { authorization: `token ${f.deviceToken}` }), native: nativeGet(f.rw.id, bearer(f.deviceToken)), nativeName: "native GET, same session, same token" },
  ];
  const lists: Pair[] = [
    {
      name: "game FindAll (status, sort, limit 100 of 1,000)",
      family: get(`/sessions?status=lobby&sort=${encodeURIComponent('{"dateCreated":"DESC"}')}&limit=100`, { authorization: `jwt ${f.player}` }),
      native: get("/api/v1/sessions?service=game&status=lobby&sort=-createdAt&limit=100", bearer(f.player)),
      nativeName: "native list, same filter, same JWT",
    },
    {
      name: "MaxScale GET /v1/sessions (1,000, pretty)",
      bare: true,
      family: get(`/v1/sessions?${mxFilter}`, admin),
      native: get("/api/v1/sessions?service=mx-bench&sort=number&limit=1000", admin),
      nativeName: "native list of the same 1,000",
    },
    {
      name: "MaxScale GET /v1/sessions (1,000, compact)",
      bare: true,
      family: get(`/v1/sessions?${mxFilter}&pretty=false`, admin),
      native: get("/api/v1/sessions?service=mx-bench&sort=number&limit=1000", admin),
      nativeName: "native list of the same 1,000",
    },
    {
      name: "SAS GET /compute/sessions (50)",
      family: get(`/compute/sessions?limit=${SAS_SESSIONS}`, sasAccept),
      native: get(`/api/v1/sessions?service=${SAS_CONTEXT}&sort=createdAt&limit=${SAS_SESSIONS}`, admin),
      nativeName: "native list of the same 50",
    },
    {
      name: "Roundware GET /api/2/sessions/?project_id (100)",
      family: get("/api/2/sessions/?project_id=901", { authorization: `token ${f.deviceToken}` }),
      native: get(`/api/v1/sessions?service=rw-bench&limit=${ROUNDWARE_SESSIONS}`, bearer(f.deviceToken)),
      nativeName: "native list of the same 100, same token",
    },
  ];
  return { one, lists };
}

async function compare(ctx: Ctx, hub: Hub, group: Pair[]): Promise<Figure[]> {
  const bares = new Map<string, { bare: Bare; bytes: number }>();
  try {
    for (const p of group.filter((x) => x.bare)) {
      const captured = await capture(hub.url, p.family);
      bares.set(p.name, { bare: await startBare(captured, ctx.dir, p.name), bytes: captured.bytes });
    }
    const contestants: Contestant[] = group.flatMap((p) => [
      { name: `${p.name} | native`, url: hub.url, load: p.native, pid: hub.pid },
      { name: p.name, url: hub.url, load: p.family, pid: hub.pid },
      ...(bares.has(p.name) ? [{ name: `${p.name} | bare`, url: bares.get(p.name)!.bare.url, load: p.family, pid: bares.get(p.name)!.bare.process.pid }] : []),
    ]);
    // Twenty contestants: shorter runs keep the target inside its share of the run's time.
    const series = await interleave(contestants, { ...ctx.pairs, seconds: Math.min(3, ctx.pairs.seconds) });
    const figures: Figure[] = [];
    for (const p of group) {
      const fam: Series = series.get(p.name)!;
      const nat: Series = series.get(`${p.name} | native`)!;
      const bare = series.get(`${p.name} | bare`);
      const r = fam.median.rps / nat.median.rps;
      const profile = await profiled(ctx, hub, p.name, p.family);
      const reach = bare
        ? `; a bare node:http server sending the same ${int(bares.get(p.name)!.bytes)} bytes answers ${int(bare.median.rps)} req/s, ${ratio(bare.median.rps / nat.median.rps)} of the native list (sessionhub ${ratio(fam.median.rps / bare.median.rps)} of that bare server)`
        : "";
      figures.push({
        name: p.name,
        measured: `${ratio(r)} (${int(fam.median.rps)} vs ${int(nat.median.rps)} req/s, p99 ${ms(fam.median.p99ms)} vs ${ms(nat.median.p99ms)} ms)`,
        goal: "≥ 0.8× native",
        met: r >= 0.8,
        limiting: `${profile.limiting}; ${cpuAgainst(fam, nat, "native's")}${reach}`,
        chart: { ours: fam.median.rps, ceiling: nat.median.rps, ceilingName: p.nativeName, goal: 0.8 },
        profile: profile.summary,
        series: { family: fam, native: nat, ...(bare ? { bare } : {}) },
      });
    }
    return figures;
  } finally {
    for (const { bare } of bares.values()) await bare.stop();
  }
}

export async function familiesTarget(ctx: Ctx, hub: Hub, data: Dataset): Promise<Target> {
  const f = await familySessions(hub, data);
  const { one, lists } = pairs(f);
  const a = await ctx.budget.run("families: GET one", () => compare(ctx, hub, one));
  const b = await ctx.budget.run("families: lists", () => compare(ctx, hub, lists));
  return {
    id: 2,
    title: "Every API against its native counterpart",
    figures: [...a.result.map((x) => ({ ...x, conditions: a.conditions })), ...b.result.map((x) => ({ ...x, conditions: b.conditions }))],
    notes: [
      `Each family request is interleaved with the native request that reads the same session(s) as the same caller, on the node that holds the million sessions. The families' sessions are made through their own APIs in this run: ${GAME_LOBBIES} game lobbies, ${MAXSCALE_SESSIONS} sessions in the service MaxScale lists (its collection is filtered to that service with MaxScale's own filter, pushed down to the store, since the hub holds a million), ${ROUNDWARE_SESSIONS} in a Roundware project, ${SAS_SESSIONS} SAS compute sessions (SAS's default quota of five per user, ten users).`,
    ],
  };
}

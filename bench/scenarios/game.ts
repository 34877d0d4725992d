import { type BenchContext, type Scenario, rotatingLua } from "../context.js";

const BULK = Number(process.env.BENCH_BULK ?? 100_000);
const FIND_ALL = `/sessions?status=lobby&numTeams=gte(2)&sort=${encodeURIComponent('{"dateCreated":"DESC"}')}&limit=100`;

async function parallel(n: number, width: number, make: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) await make(next++);
  }));
}

let bulk: Promise<{ player: string; sessions: string[] }> | null = null;

/**
 * BULK lobby sessions in the `game` service, made by an administrator's JWT through the
 * game API (so they carry their game fields): every third `in-game`, team counts 1–4.
 */
function bulkLobbies(ctx: BenchContext) {
  bulk ??= (async () => {
    const admin = await ctx.jwt("bench-matchmaker", ["admin"]);
    const player = await ctx.jwt("bench-player");
    const sessions: string[] = [];
    await parallel(BULK, 32, async (i) => {
      const res = await fetch(`${ctx.url}/sessions`, {
        method: "POST",
        headers: { authorization: `jwt ${admin}`, "content-type": "application/json" },
        body: JSON.stringify({ hostUid: "", status: i % 3 === 0 ? "in-game" : "lobby", numTeams: (i % 4) + 1, teamSize: 0, visibility: "public" }),
      });
      const body = (await res.json()) as { uid: string };
      if (sessions.length < 2000) sessions.push(body.uid);
    });
    return { player, sessions };
  })();
  return bulk;
}

export const gameScenarios: Scenario[] = [
  {
    name: `native list filter+sort over ${BULK} (status, sort -createdAt, limit 100)`,
    async setup(ctx) {
      const { player } = await bulkLobbies(ctx);
      return { method: "GET", path: "/api/v1/sessions?service=game&status=lobby&sort=-createdAt&limit=100", headers: { authorization: `Bearer ${player}` } };
    },
  },
  {
    name: `game FindAll filter+sort over ${BULK} (status, numTeams=gte(2), sort, limit 100)`,
    compareWith: `native list filter+sort over ${BULK} (status, sort -createdAt, limit 100)`,
    async setup(ctx) {
      const { player } = await bulkLobbies(ctx);
      return { method: "GET", path: FIND_ALL, headers: { authorization: `jwt ${player}` } };
    },
  },
  {
    name: "game FindById",
    compareWith: "native GET one session (token auth)",
    async setup(ctx) {
      const { player, sessions } = await bulkLobbies(ctx);
      return { method: "GET", path: `/sessions/${sessions[0]}`, headers: { authorization: `jwt ${player}` } };
    },
  },
  {
    name: "game Join (distinct players and sessions)",
    compareWith: "native join (distinct users and sessions)",
    async setup(ctx) {
      const { sessions } = await bulkLobbies(ctx);
      const players = await Promise.all(Array.from({ length: 200 }, (_, i) => ctx.jwt(`bench-joiner-${i}`)));
      return {
        method: "GET",
        path: "/",
        lua: rotatingLua(players, sessions, `wrk.format("GET", "/sessions/" .. s .. "/join", { ["Authorization"] = "jwt " .. t })`),
      };
    },
  },
];

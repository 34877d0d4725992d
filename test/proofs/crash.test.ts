import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import Database from "better-sqlite3";
import pg from "pg";
import { type Prng, prng, seedFrom } from "../helpers/prng.js";
import { startPostgres } from "../helpers/postgres.js";
import { type ServerProcess, spawnServer } from "../helpers/process.js";
import { ADMIN_TOKEN, client } from "../helpers/server.js";
import { type Query, memberViolations } from "./invariants.js";

/**
 * Kill -9 under load (issue "Trust"): workers create, join, leave and rename sessions
 * concurrently; at a seeded moment the server process gets SIGKILL; it is started again on
 * the same data and every write that was answered 2xx must be there, member counts must
 * agree with member rows and no session may hold more members than its capacity. A few
 * rounds, on SQLite and on PostgreSQL. CRASH_SEED replays another schedule.
 */

const SEED = seedFrom("CRASH_SEED", 9);
const ROUNDS = 3;
const WORKERS = 6;

interface Tracked {
  id: string;
  number: number;
  capacity: number;
  /** The last name answered 2xx, and names sent but never answered (they may or may not have landed). */
  name: string;
  maybeNames: Set<string>;
}

/** Per (session, user): member or not as last answered; `unsure` once a request went unanswered. */
interface Membership {
  member: boolean;
  unsure: boolean;
}

class Ledger {
  sessions = new Map<string, Tracked>();
  members = new Map<string, Membership>();
  acknowledged = 0;

  membership(session: string, user: string): Membership {
    const key = `${session} ${user}`;
    if (!this.members.has(key)) this.members.set(key, { member: false, unsure: true });
    return this.members.get(key)!;
  }
}

type Api = ReturnType<typeof client>;

/** One worker: its own user, its own sessions to rename, joins and leaves anywhere. */
async function work(api: Api, user: string, r: Prng, ledger: Ledger, round: number, worker: number, alive: () => boolean) {
  const mine: string[] = [];
  const joined: string[] = [];
  for (let k = 0; alive(); k += 1) {
    const op = r.weighted<string>([[2, "create"], [5, "join"], [2, "leave"], [2, "rename"]]);
    try {
      if (op === "create" || mine.length === 0) {
        const capacity = 2 + r.int(3);
        const name = `c-${round}-${worker}-${k}`;
        const res = await api("POST", "/api/v1/sessions", { body: { serviceId: "crash", name, capacity, visibility: "public" } });
        if (res.status === 201) {
          ledger.acknowledged += 1;
          ledger.sessions.set(res.body.id, { id: res.body.id, number: res.body.number, capacity, name, maybeNames: new Set() });
          for (const m of res.body.members as { userId: string }[]) ledger.membership(res.body.id, m.userId);
          mine.push(res.body.id);
        }
      } else if (op === "join") {
        const target = r.pick([...ledger.sessions.keys()]);
        const m = ledger.membership(target, user);
        const res = await api("POST", `/api/v1/sessions/${target}/members`, { body: {} }).catch((e) => {
          m.unsure = true;
          throw e;
        });
        if (res.status === 200 || res.status === 201) {
          ledger.acknowledged += 1;
          Object.assign(m, { member: true, unsure: false });
          joined.push(target);
        } else if (res.status === 409 && !m.unsure) m.member = false;
      } else if (op === "leave" && joined.length > 0) {
        const target = joined.splice(r.int(joined.length), 1)[0]!;
        const m = ledger.membership(target, user);
        const res = await api("DELETE", `/api/v1/sessions/${target}/members/me`).catch((e) => {
          m.unsure = true;
          throw e;
        });
        if (res.status === 204) {
          ledger.acknowledged += 1;
          Object.assign(m, { member: false, unsure: false });
        }
      } else if (op === "rename") {
        const tracked = ledger.sessions.get(r.pick(mine))!;
        const name = `r-${round}-${worker}-${k}`;
        tracked.maybeNames.add(name);
        const res = await api("PATCH", `/api/v1/sessions/${tracked.id}`, { body: { name } });
        if (res.status === 200) {
          ledger.acknowledged += 1;
          tracked.name = name;
          tracked.maybeNames.clear();
        } else tracked.maybeNames.delete(name);
      }
    } catch {
      // The server was killed under this request: it counts as unanswered.
      return;
    }
  }
}

/** What the restarted server must show for every answered write. */
async function verify(base: string, ledger: Ledger, query: Query): Promise<string[]> {
  const api = client(base, ADMIN_TOKEN);
  const problems: string[] = [];
  const list = await api("GET", "/api/v1/sessions?service=crash&limit=1000");
  const maxscale = await api("GET", "/v1/sessions?fields[sessions]=sessionhub&pretty=false");
  if (list.status !== 200 || maxscale.status !== 200) return [`lists answered ${list.status} and ${maxscale.status}`];
  type Listed = { id: string; number: number; name: string; members: { userId: string }[]; memberCount: number };
  const stored = new Map((list.body.items as Listed[]).map((s) => [s.id, s]));
  const reported = new Map((maxscale.body.data as { id: string; attributes: { sessionhub: { members: number } } }[]).map((d) => [Number(d.id), d.attributes.sessionhub.members]));
  for (const s of ledger.sessions.values()) {
    const body = stored.get(s.id);
    if (!body) {
      problems.push(`session ${s.number} (${s.id}) was answered 201 but is gone`);
      continue;
    }
    if (body.name !== s.name && !s.maybeNames.has(body.name)) problems.push(`session ${s.number}: name ${body.name}, last answered rename ${s.name}`);
    if (body.memberCount !== body.members.length) problems.push(`session ${s.number}: memberCount ${body.memberCount}, ${body.members.length} members`);
    if (body.members.length > s.capacity) problems.push(`session ${s.number}: ${body.members.length} members over capacity ${s.capacity}`);
    if (reported.get(s.number) !== body.members.length) problems.push(`session ${s.number}: MaxScale reports ${reported.get(s.number)} members, native ${body.members.length}`);
    const users = new Set(body.members.map((m) => m.userId));
    for (const [key, m] of ledger.members) {
      const [session, user] = key.split(" ");
      if (session !== s.id || m.unsure) continue;
      if (m.member !== users.has(user!)) problems.push(`session ${s.number}: ${user} ${m.member ? "joined (answered 2xx) but is no member" : "left (answered 204) but is a member"}`);
    }
  }
  problems.push(...(await memberViolations(query)));
  return problems;
}

async function crashRounds(env: Record<string, string>, query: () => Promise<{ query: Query; close: () => Promise<void> }>) {
  let server: ServerProcess = await spawnServer(env);
  const admin = client(server.url, ADMIN_TOKEN);
  assert.equal((await admin("POST", "/api/v1/services", { body: { id: "crash" } })).status, 201);
  const tokens: string[] = [];
  for (let w = 0; w < WORKERS; w += 1) {
    assert.equal((await admin("POST", "/api/v1/users", { body: { id: `w${w}` } })).status, 201);
    tokens.push((await admin("POST", "/api/v1/tokens", { body: { userId: `w${w}` } })).body.secret);
  }
  const ledger = new Ledger();
  const root = prng(SEED);
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      const r = root.fork(round);
      let alive = true;
      const workers = tokens.map((token, w) => work(client(server.url, token), `w${w}`, r.fork(w), ledger, round, w, () => alive));
      // The kill lands at a seeded moment of the load: after a seeded number of answered
      // writes (time alone would mean little on a loaded machine), then a seeded delay.
      const until = ledger.acknowledged + 30 + r.int(60);
      const deadline = Date.now() + 20_000;
      while (ledger.acknowledged < until && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
      await new Promise((resolve) => setTimeout(resolve, r.int(20)));
      server.child.kill("SIGKILL");
      assert.equal((await server.exited).signal, "SIGKILL");
      alive = false;
      await Promise.all(workers);
      server = await spawnServer(env);
      const { query: q, close } = await query();
      try {
        const problems = await verify(server.url, ledger, q);
        assert.deepEqual(problems.slice(0, 20), [], `round ${round} (seed ${SEED}): ${problems.length} problems after SIGKILL`);
      } finally {
        await close();
      }
    }
    assert.ok(ledger.acknowledged > 90, `the load did little: ${ledger.acknowledged} answered writes`);
  } finally {
    server.child.kill("SIGTERM");
    await server.exited;
  }
}

describe("proof: SIGKILL under concurrent writes", () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), "sessionhub-kill-"));
    dirs.push(d);
    return d;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test("SQLite: every answered write survives, member counts agree, capacity holds", async () => {
    const dataDir = dir();
    await crashRounds({ SESSIONHUB_DATA_DIR: dataDir, SESSIONHUB_ADMIN_TOKEN: ADMIN_TOKEN }, async () => {
      const db = new Database(join(dataDir, "sessionhub.db"), { readonly: true });
      return { query: async (sql) => db.prepare(sql).all() as Record<string, unknown>[], close: async () => void db.close() };
    });
  });

  test("PostgreSQL: every answered write survives, member counts agree, capacity holds", async () => {
    const cluster = await startPostgres();
    try {
      const url = await cluster.createDatabase();
      await crashRounds({ SESSIONHUB_DATA_DIR: dir(), SESSIONHUB_DATABASE_URL: url, SESSIONHUB_ADMIN_TOKEN: ADMIN_TOKEN }, async () => {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        return { query: async (sql) => (await c.query(sql)).rows, close: () => c.end() };
      });
    } finally {
      await cluster.stop();
    }
  });
});

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { spawnServer } from "../helpers/process.js";
import { type PostgresCluster, startPostgres } from "../helpers/postgres.js";
import { ADMIN_TOKEN, type TestServer, client, http, startServer } from "../helpers/server.js";
import { until } from "../helpers/wait.js";

/** Issue 3 faults: the database unreachable at start, and lost while running. */
describe("PostgreSQL outages", () => {
  let cluster: PostgresCluster;
  let url: string;
  let nodes: TestServer[] = [];

  before(async () => {
    cluster = await startPostgres();
    url = await cluster.createDatabase();
    nodes = await Promise.all([0, 1].map(() => startServer({ env: { SESSIONHUB_DATABASE_URL: url } })));
    await client(nodes[0]!.url, ADMIN_TOKEN)("POST", "/api/v1/services", { body: { id: "load" } });
  });

  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await cluster?.stop();
  });

  test("unreachable at start: a clear message naming the server, no password, and a non-zero exit", async () => {
    const closed = url.replace(/:(\d+)\//, ":1/");
    await assert.rejects(spawnServer({ SESSIONHUB_DATABASE_URL: closed, SESSIONHUB_ADMIN_TOKEN: ADMIN_TOKEN }), (e: Error) => {
      assert.match(e.message, /server exited with 1/);
      assert.match(e.message, /Cannot connect to PostgreSQL at 127\.0\.0\.1:1/);
      const password = new URL(url).password;
      if (password) assert.ok(!e.message.includes(password));
      return true;
    });
  });

  test("lost while running: 503 problem bodies, not-ready, then recovery by itself with no partial writes", async () => {
    const created: string[] = [];
    let stop = false;
    const outcomes = { ok: 0, unavailable: 0, other: [] as string[] };
    // Load: creates and joins over both nodes while the database goes away and comes back.
    const worker = async (n: number) => {
      for (let i = 0; !stop; i += 1) {
        const base = nodes[(n + i) % 2]!.url;
        const r = await http(base, "POST", "/api/v1/sessions", { body: { serviceId: "load", capacity: 3 } });
        if (r.status === 201) {
          outcomes.ok += 1;
          created.push(r.body.id);
          await http(base, "POST", `/api/v1/sessions/${r.body.id}/members`, { body: {} });
        } else if (r.status === 503) {
          outcomes.unavailable += 1;
          assert.equal(r.headers.get("content-type"), "application/problem+json; charset=utf-8");
          assert.equal(r.body.status, 503);
          await new Promise((res) => setTimeout(res, 50));
        } else outcomes.other.push(`${r.status} ${r.text.slice(0, 120)}`);
      }
    };
    const workers = [0, 1, 2, 3].map((n) => worker(n));
    await until("the load to write", () => outcomes.ok >= 5);
    await cluster.suspend();
    await until("the load to meet the outage", () => outcomes.unavailable > 0);
    await until("not ready while the database is away", async () => (await http(nodes[0]!.url, "GET", "/readyz", { token: null })).status === 503);
    const during = await http(nodes[1]!.url, "GET", "/api/v1/sessions?limit=1");
    assert.equal(during.status, 503);
    assert.equal(during.body.type, "https://sessionhub.dev/problems/unavailable");
    await cluster.resume();
    await until("both nodes to recover without a restart", async () => {
      const r = await http(nodes[0]!.url, "GET", "/readyz", { token: null });
      const s = await http(nodes[1]!.url, "POST", "/api/v1/sessions", { body: { serviceId: "load" } });
      return r.status === 200 && s.status === 201;
    });
    const written = outcomes.ok;
    await until("the load to write again", () => outcomes.ok > written);
    stop = true;
    await Promise.all(workers);
    assert.deepEqual(outcomes.other, [], "only 201s and 503s");
    assert.ok(outcomes.unavailable > 0 && outcomes.ok > 0, JSON.stringify(outcomes));

    // No partial writes: every acknowledged create exists, and every session's member
    // count, members and version agree with each other.
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      const rows = await db.query(
        `SELECT s.id, s.member_count, s.version, (SELECT COUNT(*) FROM session_members m WHERE m.session_id = s.id)::int AS members,
                (SELECT COUNT(*) FROM events e WHERE e.session_id = s.id AND e.type = 'member.joined')::int AS joins
         FROM sessions s WHERE s.service_id = 'load'`,
      );
      const byId = new Map(rows.rows.map((r) => [r.id as string, r]));
      for (const id of created) assert.ok(byId.has(id), `acknowledged session ${id} exists`);
      for (const r of rows.rows) {
        assert.equal(r.member_count, r.members, `member count of ${r.id}`);
        assert.equal(r.version, r.members, `version of ${r.id} is its number of joins`);
        assert.equal(r.joins, r.members, `one member.joined event per member of ${r.id}`);
      }
    } finally {
      await db.end();
    }
  });
});

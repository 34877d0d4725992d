import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import Database from "better-sqlite3";
import pg from "pg";
import { uuidv7 } from "../../src/core/ids.js";
import type { Session } from "../../src/core/types.js";
import { CORE_MIGRATIONS } from "../../src/store/migrations.js";
import { PostgresStore } from "../../src/store/postgres/index.js";
import { SqliteStore } from "../../src/store/sqlite/index.js";
import type { Store } from "../../src/core/store.js";
import { startPostgres } from "../helpers/postgres.js";

/** The schema as the version before team layouts left it. */
const BEFORE_TEAMS = CORE_MIGRATIONS.slice(0, CORE_MIGRATIONS.findIndex((m) => m.id === "0004_session_teams"));

/** Attributes as the game family stored them, and what the migration makes of each. */
const ROWS: { attributes: string; teams: Session["teams"]; after: unknown }[] = [
  {
    attributes: '{"game":{"numTeams":2,"teamSize":3,"data":{"k":1},"serverUid":"s","visibility":""}}',
    teams: { count: 2, size: 3 },
    after: { game: { data: { k: 1 }, serverUid: "s", visibility: "" } },
  },
  { attributes: '{"game":{"numTeams":"2","teamSize":-1,"data":{}}}', teams: { count: 0, size: 0 }, after: { game: { data: {} } } },
  { attributes: '{"game":{"numTeams":0,"teamSize":8}}', teams: { count: 0, size: 8 }, after: { game: {} } },
  { attributes: '{"x":{"numTeams":2}}', teams: null, after: { x: { numTeams: 2 } } },
  // A document SQLite cannot parse (older versions stored them) is left as it is.
  { attributes: `${'{"x":'.repeat(1001)}1${"}".repeat(1001)}`, teams: null, after: "unchanged" },
];

const INSERT_SESSION = (p: (n: number) => string) =>
  `INSERT INTO sessions (id, service_id, node_id, state, visibility, timeout_seconds, created_at, updated_at, state_changed_at, last_activity_at, version, attributes)
   VALUES (${p(1)}, 'svc', 'node', 'idle', 'public', 0, 1, 1, 1, 1, 0, ${p(2)})`;

async function assertMigrated(store: Store, ids: string[]): Promise<void> {
  await store.migrate();
  for (const [i, row] of ROWS.entries()) {
    const s = (await store.getSession({ id: ids[i]! }))!;
    assert.deepEqual(s.teams, row.teams, row.attributes.slice(0, 80));
    assert.deepEqual(s.attributes, row.after === "unchanged" ? JSON.parse(row.attributes) : row.after);
  }
}

describe("migration 0004: the game family's team layout becomes the session's", () => {
  const dir = mkdtempSync(join(tmpdir(), "sessionhub-migrate-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("SQLite", async () => {
    const file = join(dir, "old.db");
    const db = new Database(file);
    db.exec("CREATE TABLE schema_migrations (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)");
    for (const m of BEFORE_TEAMS) {
      db.exec(m.sqlite);
      db.prepare("INSERT INTO schema_migrations (id, applied_at) VALUES (?, 1)").run(m.id);
    }
    db.exec("INSERT INTO services (id, number, kind, name, created_at, updated_at) VALUES ('svc', 1, 'game', 'S', 1, 1)");
    const ids = ROWS.map((row) => {
      const id = uuidv7();
      db.prepare(INSERT_SESSION(() => "?")).run(id, row.attributes);
      return id;
    });
    db.close();
    const store = new SqliteStore({ file, nodeId: "node" });
    try {
      await assertMigrated(store, ids);
    } finally {
      await store.close();
    }
  });

  test("PostgreSQL", async () => {
    const cluster = await startPostgres();
    const url = await cluster.createDatabase();
    const raw = new pg.Client({ connectionString: url });
    await raw.connect();
    const store = new PostgresStore({ url, nodeId: "node" });
    try {
      await raw.query("CREATE TABLE schema_migrations (id TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)");
      for (const m of BEFORE_TEAMS) {
        await raw.query(m.postgres);
        await raw.query("INSERT INTO schema_migrations (id, applied_at) VALUES ($1, 1)", [m.id]);
      }
      await raw.query("INSERT INTO services (id, number, kind, name, created_at, updated_at) VALUES ('svc', 1, 'game', 'S', 1, 1)");
      const ids: string[] = [];
      for (const row of ROWS) {
        ids.push(uuidv7());
        await raw.query(INSERT_SESSION((n) => `$${n}`), [ids.at(-1), row.attributes]);
      }
      await assertMigrated(store, ids);
    } finally {
      await store.close();
      await raw.end();
      await cluster.stop();
    }
  });
});

describe("migration 0006: SQLite's tallies of sessions per service and state start from the sessions already held", () => {
  const dir = mkdtempSync(join(tmpdir(), "sessionhub-migrate-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("SQLite", async () => {
    const file = join(dir, "counts.db");
    const db = new Database(file);
    db.exec("CREATE TABLE schema_migrations (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)");
    for (const m of CORE_MIGRATIONS.slice(0, CORE_MIGRATIONS.findIndex((x) => x.id === "0006_counts"))) {
      db.exec(m.sqlite);
      db.prepare("INSERT INTO schema_migrations (id, applied_at) VALUES (?, 1)").run(m.id);
    }
    db.exec("INSERT INTO services (id, number, kind, name, created_at, updated_at) VALUES ('svc', 1, 'generic', 'S', 1, 1), ('other', 2, 'generic', 'O', 1, 1)");
    const insert = db.prepare(
      `INSERT INTO sessions (id, service_id, node_id, state, visibility, timeout_seconds, created_at, updated_at, state_changed_at, last_activity_at, version, member_count)
       VALUES (?, ?, 'node', ?, 'public', 0, 1, 1, 1, 1, 0, ?)`,
    );
    const held: [string, string, number][] = [["svc", "idle", 2], ["svc", "idle", 0], ["svc", "ended", 3], ["other", "running", 1]];
    for (const [service, state, members] of held) insert.run(uuidv7(), service, state, members);
    db.close();
    const store = new SqliteStore({ file, nodeId: "node" });
    try {
      await store.migrate();
      const counts = (await store.sessionCounts()).sort((x, y) => `${x.serviceId}${x.state}`.localeCompare(`${y.serviceId}${y.state}`));
      assert.deepEqual(counts, [
        { serviceId: "other", state: "running", count: 1 },
        { serviceId: "svc", state: "ended", count: 1 },
        { serviceId: "svc", state: "idle", count: 2 },
      ]);
      const groups = (await store.sessionStats({ field: "serviceId", op: "eq", value: "svc" }, 0)).groups;
      assert.deepEqual(groups.find((g) => g.state === "idle")?.members, 2);
    } finally {
      await store.close();
    }
  });
});

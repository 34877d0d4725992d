import assert from "node:assert/strict";
import { CORE_MIGRATIONS } from "../../src/store/migrations.js";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { CoreError } from "../../src/core/errors.js";
import type { EventDraft, HubEvent } from "../../src/core/events.js";
import { uuidv7 } from "../../src/core/ids.js";
import { PostgresStore } from "../../src/store/postgres/index.js";
import { type PostgresCluster, startPostgres } from "../helpers/postgres.js";
import { until } from "../helpers/wait.js";
import { storeConformance } from "./conformance.js";

const cluster: PostgresCluster = await startPostgres();
after(() => cluster.stop());

const conformanceUrl = await cluster.createDatabase();
storeConformance({
  name: "PostgreSQL (embedded server)",
  open: async (nodeId, clock, filterLimits) => new PostgresStore({ url: conformanceUrl, nodeId, clock, filterLimits }),
  spansNodes: true,
});

const NODE_A = "0190f3c2-aaaa-7000-8000-000000000001";
const NODE_B = "0190f3c2-bbbb-7000-8000-000000000002";
const update: EventDraft = { type: "session.updated", sessionId: null, serviceId: null, data: {}, access: null };

describe("PostgreSQL: what only a shared server has", () => {
  let url: string;
  let a: PostgresStore;
  let b: PostgresStore;
  let raw: pg.Client;

  before(async () => {
    url = await cluster.createDatabase();
    raw = new pg.Client({ connectionString: url });
    await raw.connect();
  });

  after(async () => {
    await a?.close();
    await b?.close();
    await raw.end();
  });

  test("nodes starting at once migrate one database once", async () => {
    const nodes = Array.from({ length: 5 }, (_, i) => new PostgresStore({ url, nodeId: `node-${i}` }));
    await Promise.all(nodes.map((n) => n.migrate()));
    const applied = (await raw.query("SELECT id FROM schema_migrations ORDER BY id")).rows.map((r) => r.id);
    assert.deepEqual(applied, CORE_MIGRATIONS.map((m) => m.id).sort(), "each migration recorded exactly once");
    await Promise.all(nodes.map((n) => n.close()));
    a = new PostgresStore({ url, nodeId: NODE_A });
    b = new PostgresStore({ url, nodeId: NODE_B });
  });

  test("an event whose transaction commits after a later one is still delivered, once", async () => {
    const got: HubEvent[] = [];
    const stop = await b.listen((events) => got.push(...events));
    try {
      await raw.query("BEGIN");
      const early = Number((await raw.query("INSERT INTO events (type, node_id, at, data) VALUES ('session.updated', 'raw', 1, '{}') RETURNING seq")).rows[0].seq);
      const [later] = await a.insertEvents([update]);
      assert.ok(later && later.seq > early);
      await until("the later event", () => got.length === 1);
      await raw.query("SELECT pg_notify('sessionhub_events', 'raw')");
      await raw.query("COMMIT");
      await until("the late commit", () => got.length === 2);
      await a.insertEvents([update]);
      await until("one more event", () => got.length === 3);
      assert.deepEqual(got.map((e) => e.seq).slice(0, 2), [later.seq, early]);
      assert.equal(new Set(got.map((e) => e.seq)).size, 3);
    } finally {
      await stop();
    }
  });

  test("a dropped LISTEN connection is re-established, and what committed meanwhile arrives", async () => {
    const got: HubEvent[] = [];
    const stop = await b.listen((events) => got.push(...events));
    try {
      const killed = await raw.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
        [`sessionhub ${NODE_B} (events)`],
      );
      assert.equal(killed.rowCount, 1);
      const written = await a.insertEvents([update, update]);
      await until("events committed while the listener was away", () => got.length === 2);
      assert.deepEqual(got.map((e) => e.seq), written.map((e) => e.seq));
    } finally {
      await stop();
    }
  });

  test("text PostgreSQL cannot hold (NUL characters) is refused as invalid, not a server error", async () => {
    await a.migrate();
    await a.insertService({ id: "nul", kind: "generic", name: "N", description: null, settings: {}, defaultInactiveTimeoutSeconds: 0 }, () => [], 1);
    const now = Date.now();
    const session = {
      id: uuidv7(now), serviceId: "nul", owner: null, nodeId: NODE_A, state: "idle" as const, endReason: null, status: null,
      name: "a\u0000b", description: null, visibility: "public" as const, passwordHash: null, capacity: null, members: [], teams: null, invited: [],
      client: {}, attributes: {}, inactiveTimeoutSeconds: null, timeoutSeconds: 0, expiresAt: null, endAt: null, endAtReason: null,
      createdAt: now, updatedAt: now, stateChangedAt: now, lastActivityAt: now, endedAt: null, version: 0,
    };
    const refused = (e: unknown) => e instanceof CoreError && e.kind === "invalid";
    await assert.rejects(a.insertSession(session, () => []), refused);
    await assert.rejects(a.insertSession({ ...session, name: null, attributes: { x: "\u0000" } }, () => []), refused);
  });
});

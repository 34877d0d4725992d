import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { CoreError } from "../../src/core/errors.js";
import type { EventDraft, HubEvent } from "../../src/core/events.js";
import { uuidv7 } from "../../src/core/ids.js";
import { PostgresStore } from "../../src/store/postgres/index.js";
import { type PostgresCluster, startPostgres } from "../helpers/postgres.js";
import { PROMPT_MS, until } from "../helpers/wait.js";

/** A cluster of its own: these tests take the server away. */
const cluster: PostgresCluster = await startPostgres();
after(() => cluster.stop());

const update: EventDraft = { type: "session.updated", sessionId: null, serviceId: null, data: {}, access: null };
const unavailable = (e: unknown) => e instanceof CoreError && e.kind === "unavailable";

/**
 * The LISTEN connection of each of a store's event feeds. Private to the store: read here
 * to see the moment a listener gives up a connection that went silent.
 */
const listenClients = (store: PostgresStore) => [...(store as unknown as { feeds: Set<{ client: unknown }> }).feeds].map((f) => f.client);

async function elapsed(fn: () => Promise<unknown>): Promise<number> {
  const start = Date.now();
  await fn();
  return Date.now() - start;
}

describe("PostgreSQL: the database goes away", () => {
  const secret = "hunter2-not-to-be-shown";

  test("unreachable at start: migrate names host:port, never the password", async () => {
    const store = new PostgresStore({ url: `postgres://sessionhub:${secret}@127.0.0.1:1/sessionhub`, nodeId: "n", connectTimeoutMs: 1000 });
    const error = await store.migrate().then(() => null, (e: unknown) => e);
    await store.close();
    assert.ok(unavailable(error), String(error));
    assert.match((error as Error).message, /127\.0\.0\.1:1\b/);
    assert.ok(!(error as Error).message.includes(secret));
  });

  test("refused credentials at start: the same, without the password", async () => {
    const url = new URL(await cluster.createDatabase());
    url.password = secret;
    const store = new PostgresStore({ url: url.href, nodeId: "n", connectTimeoutMs: 1000 });
    const error = await store.migrate().then(() => null, (e: unknown) => e);
    await store.close();
    assert.ok(unavailable(error), String(error));
    assert.ok((error as Error).message.includes(`127.0.0.1:${cluster.port}`));
    assert.ok(!(error as Error).message.includes(secret));
  });

  describe("while running", () => {
    let url: string;
    let a: PostgresStore;
    let b: PostgresStore;
    let stopListening: () => Promise<void>;
    const got: HubEvent[] = [];
    // Short bounds, so a test shows them holding.
    const open = (url: string, nodeId: string) => new PostgresStore({ url, nodeId, connectTimeoutMs: 500, statementTimeoutMs: 500 });

    before(async () => {
      url = await cluster.createDatabase();
      a = open(url, "node-a");
      b = open(url, "node-b");
      await a.migrate();
      stopListening = await b.listen((events) => got.push(...events));
      await a.insertEvents([update]);
      await until("the first event", () => got.length === 1);
    });

    after(async () => {
      cluster.thaw();
      await stopListening();
      await a.close();
      await b.close();
    });

    test("a hung server: calls fail as unavailable within the bounds instead of hanging, and work once it answers", async () => {
      const c = open(url, "node-c");
      cluster.freeze();
      try {
        // A pooled connection waits out the statement bound plus the round-trip margin.
        const pooled = await elapsed(() => assert.rejects(a.ping(), unavailable));
        // A new connection waits out the connect bound.
        const fresh = await elapsed(() => assert.rejects(c.ping(), unavailable));
        assert.ok(pooled < PROMPT_MS, `pooled ${pooled} ms`);
        assert.ok(fresh < PROMPT_MS, `fresh ${fresh} ms`);
      } finally {
        cluster.thaw();
        await c.close();
      }
      await until("the database", () => a.ping().then(() => true, () => false));
    });

    test("a listener whose connection goes silent replaces it, and receives what committed after", async () => {
      const raw = new pg.Client({ connectionString: url });
      await raw.connect();
      try {
        const listeners = async () =>
          (await raw.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = 'sessionhub node-b (events)'")).rows.map((r) => r.pid);
        // The freeze of the test before may have sent the listener reconnecting: let it settle.
        let before: number | undefined;
        await until("the LISTEN connection", async () => ([before] = await listeners()).length === 1);
        const [silent] = listenClients(b);
        cluster.freeze();
        // Frozen until a heartbeat (every twice the connect bound) has gone unanswered.
        await until("the listener to give up its silent connection", () => listenClients(b)[0] !== silent);
        cluster.thaw();
        await until("a new LISTEN connection", async () => {
          const now = await listeners();
          return now.length === 1 && now[0] !== before;
        });
        const [written] = await a.insertEvents([update]);
        await until("the event on the new connection", () => got.some((e) => e.seq === written?.seq));
      } finally {
        cluster.thaw();
        await raw.end();
      }
    });

    test("a stopped server: every kind of call fails as unavailable, then the pool and the listener recover by themselves", async () => {
      await cluster.suspend();
      const took = await elapsed(async () => {
        await assert.rejects(a.ping(), unavailable);
        await assert.rejects(a.getSession({ id: uuidv7() }), unavailable);
        await assert.rejects(a.mutateSession(uuidv7(), (cur) => ({ next: cur, events: [] })), unavailable);
        await assert.rejects(a.insertEvents([update]), unavailable);
      });
      assert.ok(took < PROMPT_MS, `${took} ms`);
      await cluster.resume();
      await until("the database", () => a.ping().then(() => true, () => false));
      const written = await a.insertEvents([update, update]);
      await until("events after the outage on the other node", () => written.every((w) => got.some((e) => e.seq === w.seq)));
      assert.equal(new Set(got.map((e) => e.seq)).size, got.length, "each event once");
    });
  });
});

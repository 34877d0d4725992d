import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { uuidv7 } from "../../../src/core/ids.js";
import type { Session } from "../../../src/core/types.js";
import type { Store } from "../../../src/core/store.js";
import { type MaxscaleServer, addJob, createService, startMaxscale } from "./fixture.js";

/** The Store interface's methods (names checked by the compiler), each one statement or transaction. */
const STORE_METHODS: Partial<Record<keyof Store, true>> = {
  getService: true, listServices: true, sessionCounts: true, getSession: true, querySessions: true, countSessions: true,
  mutateSession: true, dueSessions: true, touchSessions: true, appendLog: true, readLog: true, logStats: true, tailLogs: true,
  getJob: true, listJobs: true, recentJobs: true, readEvents: true, countEvents: true, insertEvents: true, getUser: true,
  getTokenByHash: true, getRecord: true, listRecords: true, getMeta: true,
};

/** A thin counting wrapper: calls of the Store interface on this instance are counted by name. */
function countStoreCalls(store: Store): { counts: Map<string, number>; reset(): void } {
  const counts = new Map<string, number>();
  const target = store as unknown as Record<string, unknown>;
  for (const name of Object.keys(STORE_METHODS)) {
    const original = target[name];
    target[name] = (...args: unknown[]) => {
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return (original as (...a: unknown[]) => unknown).apply(store, args);
    };
  }
  return { counts, reset: () => counts.clear() };
}

const SESSIONS = 10_000;

/** Contract §9 item 42: listing issues a constant number of store statements per 500-row batch. */
describe("maxscale: batched reads", () => {
  let t: MaxscaleServer;
  let calls: ReturnType<typeof countStoreCalls>;

  before(async () => {
    // No reaper pass, activity flush or compute-runner rescan (every 5 s) may run while statements are counted.
    t = await startMaxscale({ env: { SESSIONHUB_REAPER_INTERVAL_MS: "3600000", SESSIONHUB_SAS_COMPUTE_ENABLED: "false" } });
    await createService(t, "rw");
    const now = t.clock.now();
    let sample: Session | null = null;
    for (let i = 0; i < SESSIONS; i += 1) {
      const row = {
        id: uuidv7(now), serviceId: "rw", owner: i % 2 ? "alice" : null, nodeId: t.server.nodeId, state: "idle" as const,
        endReason: null, status: null, name: null, description: null, visibility: "public" as const, passwordHash: null,
        capacity: null, members: [], teams: null, invited: [], client: { address: "192.0.2.1", port: i }, attributes: {},
        inactiveTimeoutSeconds: null, timeoutSeconds: 3600, expiresAt: now + 3_600_000, endAt: null, endAtReason: null,
        createdAt: now, updatedAt: now, stateChangedAt: now, lastActivityAt: now, endedAt: null, version: 0,
      };
      const { session } = await t.server.store.insertSession(row, () => []);
      if (i % 997 === 0) {
        await t.server.hub.sessions.writeLog(session, [{ type: "normal", text: `line of ${session.number}` }]);
        await addJob(t, session, `job of ${session.number}`);
        sample = session;
      }
    }
    assert.ok(sample);
    calls = countStoreCalls(t.server.store);
    assert.equal((await t.call("GET", "/v1/")).status, 200, "authentication is cached before counting");
  });

  after(() => t.stop());

  test("42. GET /v1/sessions over 10,000 sessions: one query, one log read, one job read and one event count per 500 rows", async () => {
    calls.reset();
    const r = await t.call("GET", "/v1/sessions?pretty=false");
    assert.equal(r.status, 200);
    assert.equal(r.body.data.length, SESSIONS);
    const batches = SESSIONS / 500;
    assert.deepEqual(Object.fromEntries(calls.counts), { querySessions: batches, tailLogs: batches, recentJobs: batches, countEvents: batches });
    const withLog = r.body.data.find((d: any) => d.attributes.log.length > 0);
    assert.match(withLog.attributes.log[0], new RegExp(`line of ${withLog.id}$`));
    assert.equal(withLog.attributes.queries[0].statement, `job of ${withLog.id}`);
  });

  test("42. reads that the fieldset makes useless are skipped", async () => {
    calls.reset();
    const r = await t.call("GET", "/v1/sessions?pretty=false&fields[sessions]=state,user");
    assert.equal(r.body.data.length, SESSIONS);
    assert.deepEqual(Object.fromEntries(calls.counts), { querySessions: SESSIONS / 500 });
    calls.reset();
    await t.call("GET", "/v1/sessions?pretty=false&fields[sessions]=io_activity");
    assert.deepEqual(Object.fromEntries(calls.counts), { querySessions: SESSIONS / 500, countEvents: SESSIONS / 500 });
  });

  test("42. a page with a pushed-down filter reads only that page: a count, one query and its batch reads", async () => {
    calls.reset();
    const r = await t.call("GET", `/v1/sessions?pretty=false&page[size]=50&page[number]=3&filter=${encodeURIComponent('/attributes/user="alice"')}`);
    assert.equal(r.body.data.length, 50);
    assert.equal(r.body.meta.total, SESSIONS / 2);
    assert.deepEqual(r.body.data.slice(0, 2).map((d: any) => d.id), ["302", "304"]);
    assert.deepEqual(Object.fromEntries(calls.counts), { countSessions: 1, querySessions: 1, tailLogs: 1, recentJobs: 1, countEvents: 1 });
  });
});

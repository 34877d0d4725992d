import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { DEFAULTS } from "../../src/config.js";
import { CoreError } from "../../src/core/errors.js";
import { Hub } from "../../src/core/hub.js";
import { SYSTEM_PRINCIPAL, type Session } from "../../src/core/types.js";
import { SqliteStore } from "../../src/store/sqlite/index.js";

const refuse = () => {
  throw new CoreError("precondition-failed", "no");
};
const is = (kind: string) => (e: unknown) => e instanceof CoreError && e.kind === kind;

/** Core additions for families: a guard run on the locked session, log lines written with an update, counts per service. */
describe("core: guarded changes, log lines with an update, session counts", () => {
  const dir = mkdtempSync(join(tmpdir(), "sessionhub-core-"));
  let store: SqliteStore;
  let hub: Hub;
  let now = 1_700_000_000_000;
  const admin = SYSTEM_PRINCIPAL;
  const session = async () => (await hub.sessions.create(admin, { serviceId: "svc" })).session;
  const current = async (s: Session) => (await hub.sessions.find(s.id))!;

  before(async () => {
    store = new SqliteStore({ file: join(dir, "db.sqlite"), nodeId: "node", clock: () => now });
    await store.migrate();
    hub = new Hub(
      store,
      { nodeId: "node", clock: () => now, filterLimits: DEFAULTS.limits, maxMembersPerSession: 100, closedStatuses: [], idempotencyTtlMs: 1000, passwordAttemptsPerMinute: 5, jsonDepth: 32,
        defaultInactiveTimeoutSeconds: 600, activityFlushMs: 1000, reaper: { intervalMs: 1000, retentionSeconds: 60, eventRetentionSeconds: 60 } },
      (e) => {
        throw e;
      },
    );
    await hub.services.create(admin, { id: "svc", defaultInactiveTimeoutSeconds: 600 });
  });

  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("update: a guard sees the locked session and refuses before any change", async () => {
    const s = await session();
    let seen: Session | null = null;
    await assert.rejects(hub.sessions.update(admin, s.id, { name: "x" }, { guard: (c) => ((seen = c), refuse()) }), is("precondition-failed"));
    assert.equal(seen!.version, 0);
    assert.equal((await current(s)).name, null);
    await hub.sessions.update(admin, s.id, { name: "x" }, { guard: () => {} });
    assert.equal((await current(s)).name, "x");
  });

  test("update: log lines are written in the same transaction, with a log.appended event; none when refused", async () => {
    const s = await session();
    const log = [{ type: "note" as const, text: "restarted" }];
    await assert.rejects(hub.sessions.update(admin, s.id, {}, { alwaysBump: true, log, guard: refuse }), is("precondition-failed"));
    assert.equal((await store.readLog(s.id, { stream: "log", limit: 10 })).total, 0);
    const { session: after } = await hub.sessions.update(admin, s.id, {}, { alwaysBump: true, log });
    assert.equal(after.version, 1);
    const lines = await store.readLog(s.id, { stream: "log", limit: 10 });
    assert.deepEqual(lines.lines.map((l) => [l.type, l.text]), [["note", "restarted"]]);
    const events = (await store.readEvents(0, 1000)).filter((e) => e.sessionId === s.id).map((e) => e.type);
    assert.deepEqual(events.slice(-2), ["session.updated", "log.appended"]);
  });

  test("update re-reads the service default for a session that follows it", async () => {
    const s = await session();
    await store.updateService("svc", null, { defaultInactiveTimeoutSeconds: 120 }, () => [], now);
    hub.bus.publish(await store.insertEvents([{ type: "service.updated", sessionId: null, serviceId: "svc", data: {}, access: null }]));
    const { session: after } = await hub.sessions.update(admin, s.id, {}, { alwaysBump: true });
    assert.equal(after.timeoutSeconds, 120);
    assert.equal(after.expiresAt, after.lastActivityAt + 120_000);
  });

  test("end and scheduleEnd: the guard refuses before the session ends or gets a deadline", async () => {
    const s = await session();
    await assert.rejects(hub.sessions.end(admin, s.id, "killed", { guard: refuse }), is("precondition-failed"));
    await assert.rejects(hub.sessions.scheduleEnd(admin, s.id, now + 5000, "killed", { guard: refuse }), is("precondition-failed"));
    const untouched = await current(s);
    assert.equal(untouched.state, "idle");
    assert.equal(untouched.endAt, null);
    await hub.sessions.scheduleEnd(admin, s.id, now + 5000, "killed", { guard: () => {} });
    assert.equal((await current(s)).endAt, now + 5000);
    const { changed } = await hub.sessions.end(admin, s.id, "killed", { guard: () => {} });
    assert.ok(changed);
    const again = await hub.sessions.end(admin, s.id, "killed", { guard: refuse });
    assert.equal(again.changed, false, "an ended session changes nothing, guard or not");
  });

  test("insights.sessionCounts: stored sessions per service and state, in one read", async () => {
    now += 1;
    const counts = await hub.insights.sessionCounts();
    const svc = Object.fromEntries(counts.filter((c) => c.serviceId === "svc").map((c) => [c.state, c.count]));
    const all = await hub.sessions.list(admin, { limit: 1000 });
    assert.equal((svc.idle ?? 0) + (svc.ended ?? 0), all.items.length);
    assert.equal(svc.ended, all.items.filter((s) => s.state === "ended").length);
  });
});

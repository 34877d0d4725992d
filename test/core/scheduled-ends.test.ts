import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Session } from "../../src/core/types.js";
import { type MaxscaleServer, createService, createSession, eventsOf, startMaxscale } from "../contracts/maxscale/fixture.js";
import { type PostgresCluster, startPostgres } from "../helpers/postgres.js";
import { until } from "../helpers/wait.js";

/** The reaper's default interval: the ends below must not wait for its sweep. */
const DEFAULT_REAPER = { SESSIONHUB_REAPER_INTERVAL_MS: "5000" };

/** Waits for the session to end and returns it as ended. */
function ended(t: MaxscaleServer, id: string): Promise<Session> {
  return until("the session to end", async () => {
    const s = (await t.server.store.getSession({ id }))!;
    return s.state === "ended" ? s : null;
  });
}

/** Schedules `DELETE ?ttl=N` through MaxScale and returns the deadline the core recorded. */
async function schedule(t: MaxscaleServer, s: Session, ttl: number): Promise<number> {
  assert.equal((await t.call("DELETE", `/v1/sessions/${s.number}?ttl=${ttl}`)).status, 204);
  return (await t.server.store.getSession({ id: s.id }))!.endAt!;
}

/**
 * Ended within a second of its deadline, as killed, by one node. A deadline that passed
 * before `t` was up (a restart that outlasted it) is due within a second of `upAt`.
 */
async function assertOnTime(t: MaxscaleServer, s: Session, endAt: number, upAt = endAt): Promise<void> {
  const done = await ended(t, s.id);
  assert.equal(done.endReason, "killed");
  assert.ok(done.endedAt! >= endAt, `ended ${endAt - done.endedAt!} ms before its time`);
  const late = done.endedAt! - Math.max(endAt, upAt);
  assert.ok(late < 1000, `ended ${late} ms after its time`);
  assert.equal((await eventsOf(t, s.id, "session.ended")).length, 1);
}

describe("scheduled ends land on time with the default reaper interval: SQLite", () => {
  const dir = mkdtempSync(join(tmpdir(), "sessionhub-ttl-"));
  let t: MaxscaleServer;
  before(async () => {
    t = await startMaxscale({ dataDir: dir, env: DEFAULT_REAPER });
    await createService(t, "rw");
  });
  after(async () => {
    await t?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("ttl=1 and ttl=2 end within 1 s of their time", async () => {
    assert.equal(t.server.config.reaper.intervalMs, 5000);
    const sessions = await Promise.all(Array.from({ length: 4 }, () => createSession(t, { serviceId: "rw" })));
    const deadlines = await Promise.all(sessions.map((s, i) => schedule(t, s, 1 + (i % 2))));
    await Promise.all(sessions.map((s, i) => assertOnTime(t, s, deadlines[i]!)));
  });

  test("a deadline made before a restart is ended on time by the next start", async () => {
    const s = await createSession(t, { serviceId: "rw" });
    const endAt = await schedule(t, s, 4);
    await t.stop();
    t = await startMaxscale({ dataDir: dir, env: DEFAULT_REAPER, users: false });
    await assertOnTime(t, s, endAt, t.clock.now());
  });
});

describe("scheduled ends land on time with the default reaper interval: PostgreSQL, two nodes", () => {
  let cluster: PostgresCluster;
  const nodes: MaxscaleServer[] = [];
  const dirs: string[] = [];
  before(async () => {
    cluster = await startPostgres();
    const env = { ...DEFAULT_REAPER, SESSIONHUB_DATABASE_URL: await cluster.createDatabase() };
    for (let i = 0; i < 2; i += 1) {
      dirs.push(mkdtempSync(join(tmpdir(), "sessionhub-ttl-pg-")));
      nodes.push(await startMaxscale({ dataDir: dirs[i]!, env, users: i === 0 }));
    }
    await createService(nodes[0]!, "rw");
  });
  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await cluster?.stop();
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  test("ttl=1 and ttl=2, scheduled on either node, end within 1 s of their time, exactly once", async () => {
    const sessions = await Promise.all(Array.from({ length: 4 }, () => createSession(nodes[0]!, { serviceId: "rw" })));
    const deadlines = await Promise.all(sessions.map((s, i) => schedule(nodes[i % 2]!, s, 1 + (i % 2))));
    await Promise.all(sessions.map((s, i) => assertOnTime(nodes[(i + 1) % 2]!, s, deadlines[i]!)));
  });

  test("a node learns another node's deadline from its events: it ends the session when the other has stopped", async () => {
    const [a, b] = nodes as [MaxscaleServer, MaxscaleServer];
    const s = await createSession(a, { serviceId: "rw" });
    // Were a slow stop to reach the deadline, the node that set it would end the session itself.
    await a.server.hub.reaper.stop();
    const endAt = await schedule(a, s, 3);
    await a.stop();
    nodes.shift();
    await assertOnTime(b, s, endAt);
    const [event] = await eventsOf(b, s.id, "session.ended");
    assert.equal(event!.nodeId, b.server.nodeId);
  });
});

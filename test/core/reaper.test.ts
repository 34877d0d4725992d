import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { HubEvent } from "../../src/core/events.js";
import { Hub } from "../../src/core/hub.js";
import type { Principal } from "../../src/core/types.js";
import { SqliteStore } from "../../src/store/sqlite/index.js";
import { hubOptions } from "../helpers/hub-options.js";

const NODE = "0190f3c2-7d1e-7a43-9b5e-4f6a2d8c1e77";
const alice: Principal = { userId: "alice", roles: [], isAdmin: false, method: "jwt" };

/** The reaper over SQLite, whose store answers synchronously: a sweep must still let requests in. */
describe("reaper: a backlog of due sessions is ended in batches that let the event loop run", () => {
  const dir = mkdtempSync(join(tmpdir(), "sessionhub-reaper-"));
  let store: SqliteStore;
  let hub: Hub;
  let now = 1_750_000_000_000;

  before(async () => {
    store = new SqliteStore({ file: join(dir, "hub.db"), nodeId: NODE, clock: () => now });
    await store.migrate();
    hub = new Hub(
      store,
      hubOptions(NODE, { clock: () => now, defaultInactiveTimeoutSeconds: 1, reaper: { intervalMs: 60_000, retentionSeconds: 3600, eventRetentionSeconds: 3600 } }),
      () => {},
    );
    await hub.services.create({ ...alice, isAdmin: true }, { id: "svc" });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("1,000 expired sessions: each ended once, with one event, and the event loop turned between batches", async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 1000; i++) ids.add((await hub.sessions.create(alice, { serviceId: "svc" })).session.id);
    const live = await hub.sessions.create(alice, { serviceId: "svc", inactiveTimeoutSeconds: 0 });
    const ended: HubEvent[] = [];
    const unsubscribe = hub.bus.subscribe((events) => ended.push(...events.filter((e) => e.type === "session.ended")));
    let reported: string[] = [];
    hub.reaper.onEnded = (endedIds) => (reported = reported.concat(endedIds));
    now += 5000;

    let turns = 0;
    let sweeping = true;
    const turn = () => {
      turns += 1;
      if (sweeping) setImmediate(turn);
    };
    setImmediate(turn);
    await hub.reaper.sweep();
    sweeping = false;
    unsubscribe();

    assert.ok(turns >= 4, `the loop turned ${turns} times during the sweep`);
    assert.equal(ended.length, 1000);
    assert.deepEqual(new Set(ended.map((e) => e.sessionId)), ids);
    assert.deepEqual(new Set(reported), ids);
    const counts = await store.sessionCounts();
    assert.deepEqual(counts.filter((c) => c.serviceId === "svc").map((c) => [c.state, c.count]).sort(), [["ended", 1000], ["idle", 1]]);
    assert.equal((await store.getSession({ id: live.session.id }))?.state, "idle");
  });
});

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { type MaxscaleServer, createService, createSession, startMaxscale } from "./fixture.js";
import { assertNoBody } from "./shape.js";

/**
 * "Start N nodes over one database": the scheduled end must be carried out by exactly one
 * of them, and must survive a restart. SQLite is one node; a PostgreSQL variant plugs in
 * here with N = 2 once that store exists.
 */
type StartNodes = (n: number, dataDir: string) => Promise<MaxscaleServer[]>;

const sqliteNodes: StartNodes = async (n, dataDir) => {
  assert.equal(n, 1, "SQLite is a single node");
  return [await startMaxscale({ dataDir, users: false })];
};

async function until(check: () => Promise<boolean>, ms = 4000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}

function scheduledEndSuite(label: string, startNodes: StartNodes, nodes: number): void {
  describe(`maxscale: a scheduled end (${label}, ${nodes} node${nodes > 1 ? "s" : ""})`, () => {
    const dirs: string[] = [];
    const dir = () => {
      const d = mkdtempSync(join(tmpdir(), "sessionhub-maxscale-"));
      dirs.push(d);
      return d;
    };
    after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

    test("18. DELETE ?ttl=2 survives a restart of the node and is carried out exactly once", async () => {
      const dataDir = dir();
      const first = await startMaxscale({ dataDir, keepData: true });
      await createService(first, "rw");
      const s = await createSession(first, { serviceId: "rw", owner: "alice" });
      assertNoBody(await first.call("DELETE", `/v1/sessions/${s.number}?ttl=2`), 204);
      const endAt = (await first.server.hub.sessions.find(s.id))!.endAt!;
      const offset = first.clock.offset;
      await first.stop();

      const again = await startNodes(nodes, dataDir);
      try {
        for (const node of again) node.clock.offset = offset;
        const kept = (await again[0]!.server.hub.sessions.find(s.id))!;
        assert.equal(kept.endAt, endAt, "the deadline is in the store");
        assert.equal(kept.state, "idle");
        for (const node of again) node.clock.advance(endAt - node.clock.now() + 100);
        assert.ok(await until(async () => (await again[0]!.server.hub.sessions.find(s.id))!.state === "ended"));
        const ended = (await again[0]!.server.hub.sessions.find(s.id))!;
        assert.equal(ended.endReason, "killed");
        await new Promise((r) => setTimeout(r, 300));
        const events = (await again[0]!.server.store.readEvents(0, 10_000)).filter((e) => e.sessionId === s.id && e.type === "session.ended");
        assert.equal(events.length, 1, "exactly one node ended it");
      } finally {
        for (const node of again) await node.stop();
      }
    });
  });
}

scheduledEndSuite("SQLite", sqliteNodes, 1);

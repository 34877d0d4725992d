import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type PostgresCluster, startPostgres } from "../../helpers/postgres.js";
import { type MaxscaleServer, createService, createSession, eventsOf, startMaxscale } from "./fixture.js";
import { eventually } from "../../helpers/eventually.js";
import { assertNoBody } from "./shape.js";

/**
 * Nodes over one database: `node(i)` starts node i (its own data directory, so its own
 * node id; the same database). SQLite is one node; PostgreSQL runs two.
 */
interface Backend {
  label: string;
  nodes: number;
  setUp(): Promise<void>;
  node(i: number, users: boolean): Promise<MaxscaleServer>;
  tearDown(): Promise<void>;
}

function dataDirs() {
  const dirs: string[] = [];
  return {
    of(i: number) {
      dirs[i] ??= mkdtempSync(join(tmpdir(), `sessionhub-maxscale-node${i}-`));
      return dirs[i]!;
    },
    remove: () => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })),
  };
}

function sqlite(): Backend {
  const dirs = dataDirs();
  return {
    label: "SQLite",
    nodes: 1,
    setUp: async () => {},
    node: (i, users) => startMaxscale({ dataDir: dirs.of(i), users }),
    tearDown: async () => dirs.remove(),
  };
}

function postgres(): Backend {
  const dirs = dataDirs();
  let cluster: PostgresCluster;
  let url = "";
  return {
    label: "PostgreSQL",
    nodes: 2,
    setUp: async () => {
      cluster = await startPostgres();
      url = await cluster.createDatabase();
    },
    node: (i, users) => startMaxscale({ dataDir: dirs.of(i), users, env: { SESSIONHUB_DATABASE_URL: url } }),
    tearDown: async () => {
      await cluster?.stop();
      dirs.remove();
    },
  };
}

function nodesSuite(backend: Backend): void {
  describe(`maxscale over ${backend.label}, ${backend.nodes} node${backend.nodes > 1 ? "s" : ""}`, () => {
    before(() => backend.setUp());
    after(() => backend.tearDown());

    test("18. DELETE ?ttl=N survives a restart and is carried out by exactly one node", async () => {
      const first = await backend.node(0, true);
      await createService(first, "rw");
      const s = await createSession(first, { serviceId: "rw", owner: "alice" });
      // Long enough that the restart (real time: starting nodes can take seconds) never
      // reaches the deadline; the clocks are moved past it below.
      assertNoBody(await first.call("DELETE", `/v1/sessions/${s.number}?ttl=60`), 204);
      const endAt = (await first.server.hub.sessions.find(s.id))!.endAt!;
      const offset = first.clock.offset;
      await first.stop();

      const nodes: MaxscaleServer[] = [];
      try {
        for (let i = 0; i < backend.nodes; i += 1) nodes.push(await backend.node(i, false));
        for (const node of nodes) node.clock.offset = offset;
        const kept = (await nodes[0]!.server.hub.sessions.find(s.id))!;
        assert.equal(kept.endAt, endAt, "the deadline is in the store");
        assert.equal(kept.state, "idle");
        const shown = (await nodes.at(-1)!.call("GET", `/v1/sessions/${s.number}`)).body.data.attributes;
        assert.equal(shown.state, "Session started");
        assert.equal(shown.sessionhub.kill_at, new Date(endAt).toUTCString());
        for (const node of nodes) node.clock.advance(endAt - node.clock.now() + 100);
        assert.ok(await eventually(async () => (await nodes[0]!.server.hub.sessions.find(s.id))!.state === "ended"));
        assert.equal((await nodes[0]!.server.hub.sessions.find(s.id))!.endReason, "killed");
        await new Promise((r) => setTimeout(r, 300));
        const ended = await eventsOf(nodes[0]!, s.id, "session.ended");
        assert.equal(ended.length, 1, "exactly one node ended it");
        for (const node of nodes) assertNoBody(await node.call("GET", `/v1/sessions/${s.number}`), 404);
      } finally {
        for (const node of nodes) await node.stop();
      }
    });

    test("21 and 26 across nodes: one of two DELETEs wins; PATCHes of different flags all take effect", async () => {
      const nodes: MaxscaleServer[] = [];
      try {
        for (let i = 0; i < backend.nodes; i += 1) nodes.push(await backend.node(i, false));
        const via = (i: number) => nodes[i % nodes.length]!;
        const doomed = await createSession(via(0), { serviceId: "rw" });
        const answers = await Promise.all([0, 1].map((i) => via(i).call("DELETE", `/v1/sessions/${doomed.number}`)));
        assert.deepEqual(answers.map((a) => a.status).sort(), [204, 404]);
        const ended = await eventsOf(via(0), doomed.id, "session.ended");
        assert.equal(ended.length, 1);
        const s = await createSession(via(0), { serviceId: "rw" });
        const flags = ["log_info", "log_notice", "log_warning", "log_error"];
        const patched = await Promise.all(
          flags.map((flag, i) => via(i).call("PATCH", `/v1/sessions/${s.number}`, { body: { data: { attributes: { parameters: { [flag]: true } } } } })),
        );
        assert.deepEqual(patched.map((a) => a.status), [204, 204, 204, 204]);
        const shown = (await via(1).call("GET", `/v1/sessions/${s.number}`)).body.data.attributes.parameters;
        assert.deepEqual(shown, { log_error: true, log_info: true, log_notice: true, log_warning: true });
      } finally {
        for (const node of nodes) await node.stop();
      }
    });

    test("15 and 16 on this store: pushed-down filters and store-side paging select the same rows", async () => {
      const t = await backend.node(0, false);
      try {
        await createService(t, "other");
        const made = [
          await createSession(t, { serviceId: "other", owner: "alice", state: "pending" }),
          await createSession(t, { serviceId: "other", owner: null }),
          await createSession(t, { serviceId: "other", owner: "bob", state: "running" }),
          await createSession(t, { serviceId: "other", owner: "alice" }),
        ];
        assertNoBody(await t.call("DELETE", `/v1/sessions/${made[3]!.number}?ttl=600`), 204);
        const numbers = made.map((s) => String(s.number));
        const only = (q: string) => `/v1/sessions?filter[relationships.services.data[0].id]=${encodeURIComponent('"other"')}&filter=${encodeURIComponent(q)}`;
        const ids = async (path: string) => (await t.call("GET", path)).body.data.map((d: { id: string }) => d.id);
        assert.deepEqual(await ids(only('/attributes/state="Session created"')), [numbers[0]]);
        assert.deepEqual(await ids(only('/attributes/state="Session started"')), [numbers[1], numbers[2], numbers[3]], "scheduled to end, still started");
        assert.deepEqual(await ids(only('/attributes/state="Stopping session"')), []);
        assert.deepEqual(await ids(only('/attributes/state="nonsense"')), []);
        assert.deepEqual(await ids(only('/attributes/state=ne("Session started")')), [numbers[0]]);
        assert.deepEqual(await ids(only('/attributes/user=ne("bob")')), [numbers[0], numbers[3]]);
        assert.deepEqual(await ids(only('/attributes/user=or(eq("bob"),gt("b"))')), [numbers[2]]);
        assert.deepEqual(await ids(only(`/id=and(gt(${made[0]!.number}),lt(${made[3]!.number}))`)), [numbers[1], numbers[2]]);
        assert.deepEqual(await ids(only(`/id=not(eq("${numbers[1]}"))`)), [numbers[0], numbers[2], numbers[3]]);
        const page = await t.call("GET", `${only('/attributes/user="alice"')}&page[size]=1&page[number]=1`);
        assert.deepEqual(page.body.data.map((d: { id: string }) => d.id), [numbers[3]]);
        assert.equal(page.body.meta.total, 2);
      } finally {
        await t.stop();
      }
    });
  });
}

nodesSuite(sqlite());
nodesSuite(postgres());

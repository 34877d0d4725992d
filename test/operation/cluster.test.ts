import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type PostgresCluster, startPostgres } from "../helpers/postgres.js";
import { ADMIN_TOKEN, type Answer, type TestServer, client, http, reaperPass, startServer, usersWithTokens } from "../helpers/server.js";
import { openEventStream } from "../helpers/sse.js";
import { until } from "../helpers/wait.js";

/** Issue 3: three stateless nodes behind a load balancer, over one PostgreSQL database. */
describe("three nodes over one PostgreSQL database", () => {
  let cluster: PostgresCluster;
  let nodes: TestServer[] = [];
  const tokens: string[] = [];

  before(async () => {
    cluster = await startPostgres();
    const url = await cluster.createDatabase();
    nodes = await Promise.all([0, 1, 2].map(() => startServer({ env: { SESSIONHUB_DATABASE_URL: url } })));
    const admin = client(nodes[0]!.url, ADMIN_TOKEN);
    assert.equal((await admin("POST", "/api/v1/services", { body: { id: "arena" } })).status, 201);
    tokens.push(...Object.values(await usersWithTokens(nodes[0]!.url, Array.from({ length: 300 }, (_, i) => `player${i}`))));
  });

  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await cluster?.stop();
  });

  const node = (i: number) => nodes[i % nodes.length]!;

  /**
   * One request, sent again while it is answered 503 unavailable: a node whose pool has no
   * connection free within its bound says so (the database is busy with the others on a busy
   * machine), and a client behind a load balancer retries. Everything else is the answer.
   */
  const decided = (send: () => Promise<Answer>) =>
    until("an answer other than 503", async () => {
      const r = await send();
      if (r.status !== 503) return r;
      assert.match(r.body.type, /\/unavailable$/, r.text);
      return null;
    });

  test("300 concurrent joins over three nodes on a capacity-10 session: exactly 10 members, 290 clean conflicts", async () => {
    const s = (await client(node(0).url, ADMIN_TOKEN)("POST", "/api/v1/sessions", { body: { serviceId: "arena", capacity: 10 } })).body;
    const answers = await Promise.all(
      tokens.map((token, i) => decided(() => http(node(i).url, "POST", `/api/v1/sessions/${s.id}/members`, { token, body: {} }))),
    );
    const joined = answers.filter((r) => r.status === 201);
    const full = answers.filter((r) => r.status === 409 && r.body.type.endsWith("/session-full"));
    const statuses = JSON.stringify(answers.map((r) => `${r.status} ${r.body?.type ?? ""}`).filter((a) => !a.startsWith("201") && !a.endsWith("/session-full")));
    assert.equal(joined.length, 10);
    assert.equal(full.length, 290, statuses);
    for (const n of nodes) {
      const seen = await client(n.url, ADMIN_TOKEN)("GET", `/api/v1/sessions/${s.id}`);
      assert.equal(seen.body.memberCount, 10);
      assert.equal(seen.body.version, 10);
    }
  });

  test("100 concurrent PATCHes with one version over three nodes: exactly one succeeds", async () => {
    const s = (await client(node(1).url, ADMIN_TOKEN)("POST", "/api/v1/sessions", { body: { serviceId: "arena" } })).body;
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => decided(() => http(node(i).url, "PATCH", `/api/v1/sessions/${s.id}`, { body: { status: `s${i}`, version: 0 } }))),
    );
    assert.equal(answers.filter((r) => r.status === 200).length, 1);
    assert.equal(answers.filter((r) => r.status === 409).length, 99);
    const final = await client(node(2).url, ADMIN_TOKEN)("GET", `/api/v1/sessions/${s.id}`);
    assert.equal(final.body.version, 1);
    assert.equal(final.body.status, answers.find((r) => r.status === 200)!.body.status);
  });

  test("an event stream on node A sees a join made on node C", async () => {
    const s = (await client(node(1).url, ADMIN_TOKEN)("POST", "/api/v1/sessions", { body: { serviceId: "arena" } })).body;
    const stream = await openEventStream(`${node(0).url}/api/v1/events?session=${s.id}`, ADMIN_TOKEN);
    try {
      assert.equal((await http(node(2).url, "POST", `/api/v1/sessions/${s.id}/members`, { token: tokens[0], body: {} })).status, 201);
      // Only a notification brings it (no node polls the record), however long a busy machine takes.
      const event = await stream.waitFor((e) => e.event === "member.joined");
      assert.equal(event.data.nodeId, node(2).server.nodeId);
      assert.equal(event.data.data.userId, "player0");
    } finally {
      stream.close();
    }
  });

  test("the reapers of three nodes end an idle session once: one session.ended event", async () => {
    const admin = client(node(0).url, ADMIN_TOKEN);
    const made = await Promise.all(
      Array.from({ length: 5 }, () => admin("POST", "/api/v1/sessions", { body: { serviceId: "arena", inactiveTimeoutSeconds: 1 } })),
    );
    const ids = made.map((r) => r.body.id as string);
    // Read the store directly: a GET by the owner would count as activity.
    await until("the reapers to end every session", async () => {
      const states = await Promise.all(ids.map(async (id) => (await node(1).server.store.getSession({ id }))?.state));
      return states.every((s) => s === "ended");
    });
    // A second end could only come from a pass that began before the first: each node finishes one.
    await Promise.all(nodes.map((n) => reaperPass(n)));
    const events = await node(0).server.store.readEvents(0, 100_000);
    for (const id of ids) {
      const ended = events.filter((e) => e.type === "session.ended" && e.sessionId === id);
      assert.equal(ended.length, 1, `session ${id} ended ${ended.length} times`);
      assert.equal(ended[0]!.data.reason, "expired");
    }
  });

  test("each node has its own stable id, recorded on the sessions it creates", async () => {
    assert.equal(new Set(nodes.map((n) => n.server.nodeId)).size, 3);
    for (const [i, n] of nodes.entries()) {
      const s = (await client(n.url, ADMIN_TOKEN)("POST", "/api/v1/sessions", { body: { serviceId: "arena" } })).body;
      assert.equal(s.nodeId, n.server.nodeId, `node ${i}`);
      const elsewhere = await client(node(i + 1).url, ADMIN_TOKEN)("GET", `/api/v1/sessions/${s.id}`);
      assert.equal(elsewhere.body.nodeId, n.server.nodeId);
    }
  });
});

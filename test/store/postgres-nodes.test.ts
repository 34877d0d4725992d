import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ADMIN_TOKEN, type TestServer, client, startServer } from "../helpers/server.js";
import { type PostgresCluster, startPostgres } from "../helpers/postgres.js";
import { openEventStream } from "../helpers/sse.js";

/** Whole servers, as an operator runs them: two nodes over one PostgreSQL database. */
describe("two sessionhub nodes over one PostgreSQL database", () => {
  let cluster: PostgresCluster;
  let one: TestServer;
  let two: TestServer;

  before(async () => {
    cluster = await startPostgres();
    const url = await cluster.createDatabase();
    one = await startServer({ env: { SESSIONHUB_DATABASE_URL: url } });
    two = await startServer({ env: { SESSIONHUB_DATABASE_URL: url } });
  });

  after(async () => {
    await one?.stop();
    await two?.stop();
    await cluster?.stop();
  });

  test("each node is ready, and they are different nodes", async () => {
    assert.equal(one.server.store.kind, "postgres");
    assert.notEqual(one.server.nodeId, two.server.nodeId);
    for (const node of [one, two]) assert.equal((await client(node.url, ADMIN_TOKEN)("GET", "/readyz")).status, 200);
  });

  test("a session made on one node is served by the other, and its events stream from the other", async () => {
    const viaOne = client(one.url, ADMIN_TOKEN);
    const viaTwo = client(two.url, ADMIN_TOKEN);
    assert.equal((await viaOne("POST", "/api/v1/services", { body: { id: "shared" } })).status, 201);
    const stream = await openEventStream(`${two.url}/api/v1/events`, ADMIN_TOKEN);
    try {
      const made = await viaOne("POST", "/api/v1/sessions", { body: { serviceId: "shared", name: "across" } });
      assert.equal(made.status, 201);
      const seen = await viaTwo("GET", `/api/v1/sessions/${made.body.id}`);
      assert.equal(seen.status, 200);
      assert.equal(seen.body.name, "across");
      const event = await stream.waitFor((e) => e.event === "session.created" && e.data.sessionId === made.body.id, 5000);
      assert.equal(event.data.nodeId, one.server.nodeId);
    } finally {
      stream.close();
    }
  });
});

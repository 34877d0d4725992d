import { after, before, describe, test } from "node:test";
import { type PostgresCluster, startPostgres } from "../../helpers/postgres.js";
import { type TestServer, startServer } from "../../helpers/server.js";
import { type Fixture, type StartNodes, startFixture } from "./fixture.js";
import { concurrentRegistration, sessionAcrossNodes } from "./nodes.js";

/** Checklist items 8 and 43 with two nodes over one PostgreSQL database. */
describe("roundware: two nodes over one PostgreSQL database", () => {
  let cluster: PostgresCluster;
  let databaseUrl: string;
  let f: Fixture;
  const extra: TestServer[] = [];

  before(async () => {
    cluster = await startPostgres();
    databaseUrl = await cluster.createDatabase();
    f = await startFixture({ env: { SESSIONHUB_DATABASE_URL: databaseUrl } });
  });

  after(async () => {
    await Promise.all(extra.map((t) => t.stop()));
    await f?.t.stop();
    await cluster?.stop();
  });

  const postgresNodes: StartNodes = async (fixture, n) => {
    while (extra.length < n - 1) {
      extra.push(await startServer({ env: { SESSIONHUB_DATABASE_URL: databaseUrl, SESSIONHUB_ROUNDWARE_PORT: "0" } }));
    }
    return [fixture.t, ...extra.slice(0, n - 1)];
  };

  test("8. 50 concurrent first R1 calls with one device id, split over two nodes → 50 × 200, one user", async () => {
    await concurrentRegistration(f, postgresNodes);
  });

  test("43. a session created on node A reads the same on node B; one create → one session.created on each node's stream", async () => {
    await sessionAcrossNodes(f, postgresNodes);
  });
});

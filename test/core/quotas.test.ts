import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { HubEvent } from "../../src/core/events.js";
import { type Sas, startSas } from "../contracts/sas-compute/fixture.js";
import { type PostgresCluster, startPostgres } from "../helpers/postgres.js";
import { ADMIN_TOKEN, http } from "../helpers/server.js";
import { until } from "../helpers/wait.js";

const PATH = "/compute/contexts/sas-job-execution/sessions";
const LIMITS = { sessionsPerUser: 3, sessionsTotal: 5 };

/**
 * SAS per-user and total session limits, decided in the create's transaction: however
 * many creates race (on one node, or spread over several over one PostgreSQL database),
 * no more sessions than the limit exist at any time, and a refused create leaves no trace
 * (no session.created followed by a session.deleted).
 */
function quotaSuite(label: string, nodes: () => Sas[]): void {
  test(`${label}: 24 concurrent creates by one user, then 24 by three users → at most the per-user limit, then the total`, async () => {
    const all = nodes();
    const seen: HubEvent[] = [];
    const offs = all.map((n) => n.t.server.hub.bus.subscribe((events) => seen.push(...events)));
    try {
      const node = (i: number) => all[i % all.length]!;
      const alice = await Promise.all(Array.from({ length: 24 }, (_, i) => node(i).alice("POST", PATH, { body: {} })));
      assert.equal(alice.filter((r) => r.status === 201).length, LIMITS.sessionsPerUser);
      assert.ok(alice.every((r) => r.status === 201 || (r.status === 429 && r.body.errorCode === 9429)), "refused as 429 9429");

      const users = ["alice", "bob", "ops"] as const;
      const mixed = await Promise.all(
        Array.from({ length: 24 }, (_, i) => node(i).as(node(i).tokens[users[i % 3]!])("POST", PATH, { body: {} })),
      );
      const made = mixed.filter((r) => r.status === 201).length;
      assert.equal(made, LIMITS.sessionsTotal - LIMITS.sessionsPerUser);
      const live = await node(0).as(node(0).tokens.ops)("GET", "/compute/sessions?limit=100");
      assert.equal(live.body.count, LIMITS.sessionsTotal);

      // Every node saw every event (its own, and the others' by LISTEN/NOTIFY): a marker after
      // the creates, once on every node's bus, shows whatever came before it has come.
      const marker = await http(node(0).t.url, "POST", "/api/v1/services", { token: ADMIN_TOKEN, body: { id: "quota-marker" } });
      assert.equal(marker.status, 201);
      await until("the marker on every node", () => seen.filter((e) => e.type === "service.created" && e.serviceId === "quota-marker").length === all.length);
      const stored = await node(0).t.server.store.readEvents(0, 100_000);
      const created = stored.filter((e) => e.type === "session.created" && e.serviceId === "sas-job-execution");
      assert.equal(created.length, LIMITS.sessionsTotal, "only admitted sessions were ever created");
      assert.equal(stored.filter((e) => e.type === "session.deleted").length, 0, "nothing created, then deleted");
      assert.equal(seen.filter((e) => e.type === "session.deleted").length, 0);
    } finally {
      offs.forEach((off) => off());
    }
  });
}

describe("session quotas in the create's transaction: SQLite", () => {
  let sas: Sas;
  before(async () => {
    sas = await startSas({ sasLimits: LIMITS });
  });
  after(() => sas.stop());
  quotaSuite("SQLite", () => [sas]);
});

describe("session quotas in the create's transaction: PostgreSQL, three nodes", () => {
  let cluster: PostgresCluster;
  const nodes: Sas[] = [];
  before(async () => {
    cluster = await startPostgres();
    const env = { SESSIONHUB_DATABASE_URL: await cluster.createDatabase() };
    nodes.push(await startSas({ sasLimits: LIMITS, env }));
    nodes.push(...(await Promise.all([1, 2].map(() => startSas({ sasLimits: LIMITS, env })))));
  });
  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await cluster?.stop();
  });
  quotaSuite("PostgreSQL", () => nodes);
});

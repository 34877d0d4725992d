import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { Users } from "../../src/auth/users.js";
import { EventBus } from "../../src/core/events.js";
import { digest } from "../../src/core/secrets.js";
import { PostgresStore } from "../../src/store/postgres/index.js";
import { SqliteStore } from "../../src/store/sqlite/index.js";
import type { Store } from "../../src/core/store.js";
import { type PostgresCluster, startPostgres } from "../helpers/postgres.js";
import { ADMIN_TOKEN, type TestServer, client, startServer } from "../helpers/server.js";

/** The users and tokens a database holds, read directly. */
async function accounts(store: Store) {
  return { users: await store.listUsers(), tokens: await store.listTokens() };
}

describe("bootstrap: nodes starting at once over one database make one admin and one admin token", () => {
  let cluster: PostgresCluster;
  before(async () => {
    cluster = await startPostgres();
  });
  after(() => cluster?.stop());

  /** Four servers started at once; if one fails to start, the others are stopped and its error thrown. */
  async function startNodes(url: string, token: string): Promise<TestServer[]> {
    const started = await Promise.allSettled(
      Array.from({ length: 4 }, () => startServer({ env: { SESSIONHUB_DATABASE_URL: url, SESSIONHUB_ADMIN_TOKEN: token } })),
    );
    const nodes = started.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const failed = started.find((r) => r.status === "rejected");
    if (!failed) return nodes;
    await Promise.all(nodes.map((n) => n.stop()));
    throw failed.reason;
  }

  test("four servers started together, three times over fresh databases, then again with a new SESSIONHUB_ADMIN_TOKEN", async () => {
    for (let round = 0; round < 3; round += 1) {
      const url = await cluster.createDatabase();
      let nodes: TestServer[] = await startNodes(url, ADMIN_TOKEN);
      try {
        const { users, tokens } = await accounts(nodes[0]!.server.store);
        assert.deepEqual(users.map((u) => [u.id, u.roles]), [["admin", ["admin"]]], `round ${round}`);
        assert.deepEqual(tokens.map((t) => t.hash), [digest(ADMIN_TOKEN)], `round ${round}`);
        for (const n of nodes) assert.equal((await client(n.url, ADMIN_TOKEN)("GET", "/api/v1/me")).body.isAdmin, true);

        await Promise.all(nodes.map((n) => n.stop()));
        const rotated = `${ADMIN_TOKEN}-round-${round}`;
        nodes = await startNodes(url, rotated);
        const again = await accounts(nodes[0]!.server.store);
        assert.equal(again.users.length, 1);
        assert.equal(again.tokens.filter((t) => t.hash === digest(rotated)).length, 1, "the new token exists once");
        for (const n of nodes) assert.equal((await client(n.url, rotated)("GET", "/api/v1/me")).status, 200);
      } finally {
        await Promise.all(nodes.map((n) => n.stop()));
      }
    }
  });

  test("eight nodes' bootstraps at once, ten times: each given token exists once", async () => {
    for (let round = 0; round < 10; round += 1) {
      const url = await cluster.createDatabase();
      const stores = Array.from({ length: 8 }, (_, i) => new PostgresStore({ url, nodeId: `node-${i}` }));
      try {
        await stores[0]!.migrate();
        for (const token of [ADMIN_TOKEN, `${ADMIN_TOKEN}-rotated`]) {
          await Promise.all(stores.map((store) => new Users(store, new EventBus(), Date.now, 32).bootstrap(token)));
          const { users, tokens } = await accounts(stores[0]!);
          assert.equal(users.length, 1, `round ${round}`);
          assert.equal(tokens.filter((t) => t.hash === digest(token)).length, 1, `round ${round}`);
        }
      } finally {
        await Promise.all(stores.map((store) => store.close()));
      }
    }
  });

  test("with no token given, exactly one of the nodes starting together makes and prints one", async () => {
    const url = await cluster.createDatabase();
    const nodes = await startNodes(url, "");
    try {
      const printed = nodes.map((n) => n.server.bootstrapToken).filter((t): t is string => t !== null);
      assert.equal(printed.length, 1);
      const { users, tokens } = await accounts(nodes[0]!.server.store);
      assert.equal(users.length, 1);
      assert.deepEqual(tokens.map((t) => t.hash), [digest(printed[0]!)]);
      const raw = new pg.Client({ connectionString: url });
      await raw.connect();
      assert.equal((await raw.query("SELECT COUNT(*)::int AS n FROM tokens")).rows[0].n, 1);
      await raw.end();
    } finally {
      await Promise.all(nodes.map((n) => n.stop()));
    }
  });
});

describe("bootstrap: concurrent calls on one SQLite store", () => {
  const dir = mkdtempSync(join(tmpdir(), "sessionhub-bootstrap-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const given of [ADMIN_TOKEN, undefined]) {
    test(given ? "with a given token" : "with a generated token", async () => {
      const store = new SqliteStore({ file: join(dir, `${given ? "given" : "generated"}.db`), nodeId: "node" });
      await store.migrate();
      try {
        const users = Array.from({ length: 4 }, () => new Users(store, new EventBus(), Date.now, 32));
        const results = await Promise.all(users.map((u) => u.bootstrap(given)));
        assert.equal(results.filter((r) => r.created).length, 1);
        assert.equal(results.filter((r) => r.secret !== null).length, given ? 0 : 1);
        const { users: stored, tokens } = await accounts(store);
        assert.equal(stored.length, 1);
        assert.equal(tokens.length, 1);
        assert.equal((await Promise.all(users.map((u) => u.bootstrap("a-later-token")))).filter((r) => r.created).length, 0);
        assert.equal((await store.listTokens()).length, 2, "a later given token is added once");
      } finally {
        await store.close();
      }
    });
  }
});

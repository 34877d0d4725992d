import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import Database from "better-sqlite3";
import { deeperThan } from "../../src/core/json-depth.js";
import { type Json, type JsonObject, type Principal, SYSTEM_PRINCIPAL } from "../../src/core/types.js";
import { gameClient, tokenFor } from "../contracts/game/fixture.js";
import { spawnServer } from "../helpers/process.js";
import { ADMIN_TOKEN, JWT_SECRET, type TestServer, client, startServer, usersWithTokens } from "../helpers/server.js";

/** `{"x":{"x":…1…}}`, `levels` objects deep, built without recursion. */
function nested(levels: number): JsonObject {
  let value: Json = 1;
  for (let i = 0; i < levels; i += 1) value = { x: value };
  return value as JsonObject;
}

/** The same document as text, for writing rows directly (JSON.stringify recurses). */
const nestedText = (levels: number) => `${'{"x":'.repeat(levels)}1${"}".repeat(levels)}`;

const alice: Principal = { userId: "alice", roles: [], isAdmin: false, method: "token" };
const refused = (pointer: string) => (e: any) => e.kind === "invalid" && e.fields.some((f: { pointer: string }) => f.pointer === pointer);

describe("deep JSON: the core refuses it, and rows stored before cannot break a start or a query", () => {
  let t: TestServer;
  let aliceToken: string;

  before(async () => {
    t = await startServer();
    await client(t.url)("POST", "/api/v1/services", { body: { id: "lobby" } });
    aliceToken = (await usersWithTokens(t.url, ["alice"])).alice!;
  });
  after(() => t.stop());

  test("depth is counted without recursion, 100,000 levels included", () => {
    assert.equal(deeperThan(1, 0), false);
    assert.equal(deeperThan({ a: [1] }, 2), false);
    assert.equal(deeperThan({ a: [1] }, 1), true);
    assert.equal(deeperThan([{}, [[{ b: 1 }]]], 3), true);
    assert.equal(deeperThan(nested(100_000), 32), true);
    assert.equal(deeperThan(nested(32), 32), false);
  });

  test("over HTTP: a non-administrator's session attributes 1,001 levels deep → 400 (at the edge, before the core); the list still answers", async () => {
    const api = client(t.url, aliceToken);
    const r = await api("POST", "/api/v1/sessions", { body: { serviceId: "lobby", attributes: nested(1001) } });
    assert.equal(r.status, 400, r.text);
    assert.match(r.body.detail, /nested deeper than 32 levels/, r.text);
    const made = await api("POST", "/api/v1/sessions", { body: { serviceId: "lobby", attributes: nested(20) } });
    assert.equal(made.status, 201, "documents within the limit are kept");
    assert.equal((await api("PATCH", `/api/v1/sessions/${made.body.id}`, { body: { attributes: { y: nested(40) } } })).status, 400);
    assert.equal((await api("GET", "/api/v1/sessions?attributes.x=1")).status, 200);
  });

  test("over HTTP: the game API's data 1,001 levels deep → 400, and its filters and sorts still answer", async () => {
    const game = gameClient(t, await tokenFor("bob"));
    const r = await game("POST", "/sessions", { body: { data: nested(1001) } });
    assert.equal(r.status, 400, r.text);
    for (const query of ["numTeams=2", "data.x=1", "sort=numTeams"]) assert.equal((await game("GET", `/sessions?${query}`)).status, 200, query);
  });

  test("in the core: every stored document 100,000 levels deep is refused as invalid, with a pointer", async () => {
    const { hub, users } = t.server;
    const deep = nested(100_000);
    await assert.rejects(hub.sessions.create(alice, { serviceId: "lobby", attributes: deep }), refused("/attributes"));
    await assert.rejects(hub.sessions.create(alice, { serviceId: "lobby", client: { deep } as never }), refused("/client"));
    const { session } = await hub.sessions.create(alice, { serviceId: "lobby" });
    await assert.rejects(hub.sessions.update(alice, session.id, { attributes: deep }), refused("/attributes"));
    await assert.rejects(hub.services.create(SYSTEM_PRINCIPAL, { id: "deep", settings: deep }), refused("/settings"));
    await assert.rejects(hub.services.update(SYSTEM_PRINCIPAL, "lobby", { settings: deep }), refused("/settings"));
    await assert.rejects(users.create(SYSTEM_PRINCIPAL, { id: "deep", attributes: deep }), refused("/attributes"));
    await assert.rejects(users.update(SYSTEM_PRINCIPAL, "alice", { attributes: deep }), refused("/attributes"));
    await assert.rejects(hub.records("test").put("docs", "k", deep), refused("/doc"));
    await assert.rejects(hub.jobs.submit(alice, session.id, { code: "x", attributes: deep }), refused("/attributes"));
  });
});

describe("deep JSON written by an older version", () => {
  test("a data dir holding rows nested 1,001 and 3,000 levels deep starts, and queries over them answer", async () => {
    const first = await startServer({ keepData: true });
    const api = client(first.url, ADMIN_TOKEN);
    await api("POST", "/api/v1/services", { body: { id: "lobby" } });
    const plain = (await api("POST", "/api/v1/sessions", { body: { serviceId: "lobby" } })).body;
    const game = gameClient(first, await tokenFor("bob"));
    const lobby = (await game("POST", "/sessions", { body: { numTeams: 2, teamSize: 2 } })).body;
    await first.stop();

    // What an older version let through, written as it would have stored it.
    const db = new Database(join(first.dataDir, "sessionhub.db"));
    db.prepare("UPDATE sessions SET attributes = ?, client = ? WHERE id = ?").run(nestedText(1001), `{"system":${nestedText(1001)}}`, plain.id);
    const attributes = JSON.parse(db.prepare("SELECT attributes FROM sessions WHERE id = ?").pluck().get(lobby.uid) as string);
    const text = JSON.stringify(attributes).replace('"data":{}', `"data":${nestedText(3000)}`);
    db.prepare("UPDATE sessions SET attributes = ? WHERE id = ?").run(text, lobby.uid);
    db.close();

    const served = await spawnServer({ SESSIONHUB_DATA_DIR: first.dataDir, SESSIONHUB_ADMIN_TOKEN: ADMIN_TOKEN, SESSIONHUB_JWT_SECRET: JWT_SECRET });
    try {
      const native = client(served.url, ADMIN_TOKEN);
      for (const query of ["attributes.x=1", "attributes.game.numTeams=2", "sort=-createdAt", "service=lobby"]) {
        assert.equal((await native("GET", `/api/v1/sessions?${query}`)).status, 200, query);
      }
      const read = await native("GET", `/api/v1/sessions/${plain.id}`);
      assert.equal(read.status, 200, "the row itself still reads");
      assert.equal(deeperThan(read.body.attributes, 1000), true);
      const players = gameClient({ url: served.url }, await tokenFor("bob"));
      for (const query of ["numTeams=2", "data.x=1", "sort=numTeams", "sort=%7B%22numTeams%22%3A%22DESC%22%7D", ""]) {
        assert.equal((await players("GET", `/sessions?${query}`)).status, 200, query);
      }
      assert.equal((await players("GET", `/sessions/${lobby.uid}`)).status, 200);
      assert.equal((await native("GET", "/v1/sessions")).status, 200, "MaxScale, which queries attributes at start, serves");
    } finally {
      served.child.kill("SIGTERM");
      assert.equal((await served.exited).code, 0);
      rmSync(first.dataDir, { recursive: true, force: true });
    }
  });
});

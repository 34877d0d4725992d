import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { A, B, type Players, SESSION_KEYS, assertEmpty, assertError, startGame } from "./fixture.js";

/**
 * Every request example of the seed (`003_e6380c73f6bebe05.txt`, "Session Routes"),
 * sent as written — `Authorization: jwt <token>` — with its placeholder values
 * ("string", "Team") replaced by values of the documented types, and the documented
 * response shape checked: the seed's keys, `password` replaced by `hasPassword`, plus `data`.
 */
const SEED_RESPONSE_KEYS = ["uid", "dateCreated", "dateModified", "version", "hostUid", "invited", "numTeams", "password", "serverUid", "status", "teams", "teamSize", "users", "visibility"];

function assertSeedShape(s: Record<string, unknown>): void {
  const expected = [...SEED_RESPONSE_KEYS.filter((k) => k !== "password"), "data", "hasPassword"].sort();
  assert.deepEqual(Object.keys(s).sort(), expected);
  assert.deepEqual(Object.keys(s), SESSION_KEYS);
  for (const key of ["uid", "dateCreated", "dateModified", "hostUid", "serverUid", "status", "visibility"]) assert.equal(typeof s[key], "string", key);
  for (const key of ["version", "numTeams", "teamSize"]) assert.ok(Number.isInteger(s[key]), key);
  for (const key of ["invited", "teams", "users"]) assert.ok(Array.isArray(s[key]), key);
  for (const team of s.teams as Record<string, unknown>[]) assert.deepEqual(Object.keys(team), ["id", "members"]);
}

describe("game API: the seed's request examples", () => {
  let g: Players;
  let uid: string;

  before(async () => {
    g = await startGame();
  });
  after(() => g.t.stop());

  test("Create: POST /sessions with the documented body → 201 CREATED and the documented session, host and server filled in", async () => {
    const r = await g.a("POST", "/sessions", {
      body: {
        invited: [B],
        numTeams: 2,
        password: "string",
        status: "lobby",
        teams: [{ id: 1, members: [A] }],
        teamSize: 4,
        users: [A],
        visibility: "public",
      },
    });
    assert.equal(r.status, 201, r.text);
    assert.match(r.headers.get("content-type") ?? "", /^application\/json/);
    assertSeedShape(r.body);
    assert.equal(r.body.hostUid, A);
    assert.equal(r.body.serverUid, g.t.server.nodeId);
    assert.equal(r.body.hasPassword, true);
    assert.deepEqual(r.body.teams, [{ id: 0, members: [] }, { id: 1, members: [A] }]);
    assert.equal(r.body.version, 0);
    assert.equal(r.body.dateCreated, r.body.dateModified);
    uid = r.body.uid;
  });

  test("Create with the seed's literal placeholder body → 400 api-003 (\"string\" is not a visibility, \"Team\" not a team), never a 500", async () => {
    const r = await g.a("POST", "/sessions", {
      body: { invited: ["string"], numTeams: 0, password: "string", status: "string", teams: ["Team"], teamSize: 0, users: ["string"], visibility: "string" },
    });
    assertError(r, 400, "api-003");
  });

  test("FindAll: GET /sessions → 200 with a JSON list of sessions (the seed's `{}` is its generator's placeholder)", async () => {
    const r = await g.a("GET", "/sessions");
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type") ?? "", /^application\/json/);
    assert.ok(Array.isArray(r.body));
    assert.equal(r.body.length, 1);
    assertSeedShape(r.body[0]);
    const documented = await g.a("GET", `/sessions?limit=100&skip=0&sort=${encodeURIComponent('{"dateCreated":"ASC"}')}`);
    assert.deepEqual(documented.body, r.body);
  });

  test("Count: GET /sessions/count → 200 {\"count\": n}", async () => {
    const r = await g.a("GET", "/sessions/count");
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { count: 1 });
  });

  test("FindById: GET /sessions/{id} → 200 with the session", async () => {
    const r = await g.a("GET", `/sessions/${uid}`);
    assert.equal(r.status, 200);
    assertSeedShape(r.body);
    assert.equal(r.body.uid, uid);
  });

  test("Join: GET /sessions/{id}/join → 200 with the session, the caller added", async () => {
    const r = await g.b("GET", `/sessions/${uid}/join`);
    assert.equal(r.status, 200, r.text);
    assertSeedShape(r.body);
    assert.deepEqual(r.body.users, [A, B]);
  });

  test("Update: PUT /sessions/{id} with the documented body and the version it requires → 200 with the session; without a version → 409", async () => {
    const body = { invited: [B], numTeams: 2, password: "string", status: "in-game", teams: [{ id: 0, members: [B] }, { id: 1, members: [A] }], teamSize: 4, users: [A, B], visibility: "public" };
    assertError(await g.a("PUT", `/sessions/${uid}`, { body }), 409, "api-012");
    const r = await g.a("PUT", `/sessions/${uid}`, { body: { ...body, version: 1 } });
    assert.equal(r.status, 200, r.text);
    assertSeedShape(r.body);
    assert.equal(r.body.status, "in-game");
    assert.equal(r.body.version, 2);
  });

  test("Leave: GET /sessions/{id}/leave → 200 OK", async () => {
    assertEmpty(await g.b("GET", `/sessions/${uid}/leave`));
    assert.deepEqual((await g.a("GET", `/sessions/${uid}`)).body.users, [A]);
  });

  test("Delete: DELETE /sessions/{id} → 200 OK", async () => {
    assertEmpty(await g.a("DELETE", `/sessions/${uid}`));
    assertError(await g.a("GET", `/sessions/${uid}`), 404, "api-010");
  });

  test("Truncate: DELETE /sessions → 200 OK", async () => {
    await g.a("POST", "/sessions", { body: {} });
    assertEmpty(await g.z("DELETE", "/sessions"));
    assert.deepEqual((await g.z("GET", "/sessions/count")).body, { count: 0 });
  });
});

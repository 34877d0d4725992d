import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { A, B, C, type Players, SESSION_KEYS, Z, assertError, create, startGame } from "./fixture.js";

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Game contract checklist items 8–14 (Create) and the create half of 57. */
describe("game API: create", () => {
  let g: Players;

  before(async () => {
    g = await startGame();
  });
  after(() => g.t.stop());

  test("8. `POST /sessions {}` → 201 with every key in the documented order and the documented defaults", async () => {
    const r = await g.a("POST", "/sessions", { body: {} });
    assert.equal(r.status, 201, r.text);
    const s = r.body;
    assert.deepEqual(Object.keys(s), SESSION_KEYS);
    assert.match(s.uid, UUID);
    assert.equal(s.version, 0);
    assert.equal(s.hostUid, A);
    assert.deepEqual(s.users, [A]);
    assert.deepEqual(s.teams, []);
    assert.deepEqual(s.invited, []);
    assert.equal(s.numTeams, 0);
    assert.equal(s.teamSize, 0);
    assert.equal(s.status, "");
    assert.equal(s.visibility, "");
    assert.equal(s.hasPassword, false);
    assert.deepEqual(s.data, {});
    assert.equal(s.serverUid, g.t.server.nodeId);
    assert.match(s.dateCreated, ISO_MS);
    assert.equal(s.dateModified, s.dateCreated);
    assert.ok(r.headers.get("location")?.endsWith(`/sessions/${s.uid}`));
    assert.ok(!("password" in s));
    assert.equal(r.headers.get("cache-control"), "no-store");
    assert.equal(r.headers.get("etag"), '"0"');
    assert.match(r.headers.get("content-type") ?? "", /^application\/json; charset=utf-8$/);
    assert.ok(!r.text.includes("\n"), "compact JSON");
  });

  test("9. `password: \"s3cret\"` → hasPassword true; the password is in no response body", async () => {
    const r = await g.a("POST", "/sessions", { body: { password: "s3cret" } });
    assert.equal(r.status, 201);
    assert.equal(r.body.hasPassword, true);
    const answers = [
      r,
      await g.a("GET", `/sessions/${r.body.uid}`),
      await g.a("GET", "/sessions"),
      await g.a("GET", `/sessions/${r.body.uid}/join`),
      await g.z("GET", `/sessions/${r.body.uid}/join`),
      await g.a("PUT", `/sessions/${r.body.uid}`, { body: { version: 1, status: "lobby" } }),
    ];
    // Sessions, not error bodies, are what must not carry the password.
    assert.deepEqual(answers.map((a) => a.status), [201, 200, 200, 200, 200, 200]);
    assert.ok(answers.every((a) => a.text.includes(r.body.uid)));
    for (const { text } of answers) {
      assert.ok(!text.includes("s3cret"));
      assert.ok(!text.includes("scrypt"));
    }
  });

  test("10. client-sent uid, dateCreated and version are ignored", async () => {
    const uid = "e10de325-cbb3-4c60-af00-499616632651";
    const s = await create(g.a, { uid, dateCreated: "2019-05-24T20:04:17.723Z", dateModified: "2019-05-24T20:04:17.723Z", version: 7 });
    assert.notEqual(s.uid, uid);
    assert.notEqual(s.dateCreated, "2019-05-24T20:04:17.723Z");
    assert.equal(s.version, 0);
  });

  test("11. numTeams 2, teamSize 2 → two teams, the host in team 0", async () => {
    const s = await create(g.a, { numTeams: 2, teamSize: 2 });
    assert.deepEqual(s.teams, [{ id: 0, members: [A] }, { id: 1, members: [] }]);
    assert.equal(s.numTeams, 2);
    assert.equal(s.teamSize, 2);
  });

  test("12. a non-admin cannot add others or name another host; `hostUid: \"\"` or their own id makes them host", async () => {
    assertError(await g.a("POST", "/sessions", { body: { users: [B] } }), 403, "api-102");
    assertError(await g.a("POST", "/sessions", { body: { users: [A, B] } }), 403, "api-102");
    assertError(await g.a("POST", "/sessions", { body: { hostUid: B } }), 403, "api-102");
    assert.equal((await create(g.a, { hostUid: "" })).hostUid, A);
    const own = await create(g.a, { hostUid: A, users: [A] });
    assert.equal(own.hostUid, A);
    assert.deepEqual(own.users, [A]);
    assert.deepEqual((await create(g.a, { users: [] })).users, [A]);
  });

  test("13. an admin creates system-owned sessions (`hostUid: \"\"`) with any users, or names any host", async () => {
    const matched = await create(g.z, { hostUid: "", users: [B, C] });
    assert.equal(matched.hostUid, "");
    assert.deepEqual(matched.users, [B, C]);
    const hosted = await create(g.z, { hostUid: B, users: [C, B] });
    assert.equal(hosted.hostUid, B);
    assert.deepEqual(hosted.users, [B, C], "the host is always first");
    assert.equal((await create(g.z, {})).hostUid, Z);
    assert.deepEqual((await create(g.z, { hostUid: "" })).users, []);
  });

  test("14. bad values, non-object bodies and invalid JSON → 400 api-003; text/plain → 415; 2 MiB → 413", async () => {
    for (const [body, field] of [
      [{ numTeams: -1 }, "numTeams"],
      [{ numTeams: 1001 }, "numTeams"],
      [{ teamSize: "4" }, "teamSize"],
      [{ visibility: "friends" }, "visibility"],
      [{ users: "x" }, "users"],
      [{ users: [""] }, "users"],
      [{ invited: Array.from({ length: 1001 }, (_, i) => `u${i}`) }, "invited"],
      [{ status: "x".repeat(65) }, "status"],
      [{ password: 5 }, "password"],
      [{ data: [1] }, "data"],
      [{ teams: [{ id: "0", members: [] }] }, "teams"],
    ] as const) {
      const r = await g.a("POST", "/sessions", { body });
      assertError(r, 400, "api-003");
      assert.ok(r.body.message.includes(field), `${r.body.message} names ${field}`);
    }
    assertError(await g.a("POST", "/sessions", { body: [] }), 400, "api-003");
    assertError(await g.a("POST", "/sessions", { body: "text" }), 400, "api-003");
    assertError(await g.a("POST", "/sessions", { raw: '{"numTeams": 1', headers: { "content-type": "application/json" } }), 400, "api-003");
    assertError(await g.a("POST", "/sessions", { raw: '{"__proto__": {"x": 1}}', headers: { "content-type": "application/json" } }), 400, "api-003");
    assertError(await g.a("POST", "/sessions", { raw: "{}", headers: { "content-type": "text/plain" } }), 415, "api-003", "Invalid message or request. Content-Type must be application/json.");
    assertError(await g.a("POST", "/sessions", { raw: "a=1", headers: { "content-type": "application/x-www-form-urlencoded" } }), 415, "api-003");
    const big = JSON.stringify({ data: { blob: "x".repeat(2 * 1024 * 1024) } });
    assertError(await g.a("POST", "/sessions", { raw: big, headers: { "content-type": "application/json" } }), 413, "api-003", "Invalid message or request. Request body too large.");
  });

  test("capacity: more users than numTeams × teamSize, or a capacity over maxUsersPerSession → 400", async () => {
    assertError(await g.z("POST", "/sessions", { body: { numTeams: 1, teamSize: 1, users: [B, C] } }), 400, "api-003");
    assertError(await g.a("POST", "/sessions", { body: { numTeams: 1000, teamSize: 10_000 } }), 400, "api-003");
    const unlimited = await create(g.a, { numTeams: 0, teamSize: 8 });
    assert.deepEqual([unlimited.numTeams, unlimited.teamSize, unlimited.teams], [0, 8, []]);
  });

  test("initial teams: listed users go where assigned, the others by the join rule; bad assignments → 400", async () => {
    const s = await create(g.z, { hostUid: A, users: [B, C], numTeams: 2, teamSize: 2, teams: [{ id: 1, members: [A, C] }] });
    assert.deepEqual(s.teams, [{ id: 0, members: [B] }, { id: 1, members: [A, C] }]);
    for (const teams of [
      [{ id: 2, members: [] }],
      [{ id: 0, members: ["stranger"] }],
      [{ id: 0, members: [A, B, C] }],
      [{ id: 0, members: [B] }, { id: 1, members: [B] }],
      [{ id: 0, members: [] }, { id: 0, members: [] }],
    ]) {
      assertError(await g.z("POST", "/sessions", { body: { hostUid: A, users: [B, C], numTeams: 2, teamSize: 2, teams } }), 400, "api-003");
    }
  });

  test("visibility is case-insensitive and stored lower-case; lists lose duplicates; unknown keys and nulls are ignored", async () => {
    const s = await create(g.a, {
      visibility: "PRIVATE",
      invited: [B, C, B],
      status: null,
      data: null,
      numTeams: null,
      colour: "red",
      hasPassword: true,
      serverUid: "game-server-7",
    });
    assert.equal(s.visibility, "private");
    assert.deepEqual(s.invited, [B, C]);
    assert.equal(s.status, "");
    assert.deepEqual(s.data, {});
    assert.equal(s.numTeams, 0);
    assert.ok(!("colour" in s));
    assert.equal(s.hasPassword, false);
    assert.equal(s.serverUid, "game-server-7");
    assert.equal((await create(g.a, { visibility: "Public" })).visibility, "public");
  });

  test("57. a create retried with the same Idempotency-Key returns the same uid and body; another user's key is theirs", async () => {
    const headers = { "idempotency-key": "match-42" };
    const first = await g.a("POST", "/sessions", { body: { status: "lobby" }, headers });
    const again = await g.a("POST", "/sessions", { body: { status: "lobby" }, headers });
    assert.equal(first.status, 201);
    assert.equal(again.status, 201);
    assert.deepEqual(again.body, first.body);
    const other = await g.b("POST", "/sessions", { body: {}, headers });
    assert.equal(other.status, 201, other.text);
    assert.notEqual(other.body.uid, first.body.uid);
    assertError(await g.a("POST", "/sessions", { body: {}, headers: { "idempotency-key": "" } }), 400, "api-003");
  });
});

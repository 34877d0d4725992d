import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ADMIN_TOKEN, http } from "../../helpers/server.js";
import { until } from "../../helpers/wait.js";
import { A, B, C, D, E, type Players, Z, assertError, create, startGame } from "./fixture.js";

/** Game contract checklist items 39–46: join's rules, in the contract's order. */
describe("game API: join", () => {
  let g: Players;

  before(async () => {
    g = await startGame({ config: { game: { maxUsersPerSession: 3 } } });
  });
  after(() => g.t.stop());

  test("39. B joins A's public session → 200, users [A, B], version + 1, no-store", async () => {
    const s = await create(g.a);
    const r = await g.b("GET", `/sessions/${s.uid}/join`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.users, [A, B]);
    assert.equal(r.body.version, 1);
    assert.ok(r.body.dateModified >= s.dateModified);
    assert.equal(r.headers.get("cache-control"), "no-store");
    assert.equal(r.headers.get("etag"), '"1"');
  });

  test("40. joining again → 200, same users, same version", async () => {
    const s = await create(g.a);
    const first = await g.b("GET", `/sessions/${s.uid}/join`);
    const again = await g.b("GET", `/sessions/${s.uid}/join`);
    assert.equal(again.status, 200);
    assert.deepEqual(again.body.users, first.body.users);
    assert.equal(again.body.version, first.body.version);
    assert.equal((await g.a("GET", `/sessions/${s.uid}/join`)).body.version, 1, "the host joining their own session changes nothing");
  });

  test("41. a full session → 409 session-001, by numTeams × teamSize or by maxUsersPerSession (3 here)", async () => {
    const s = await create(g.a, { numTeams: 1, teamSize: 2 });
    assert.equal((await g.b("GET", `/sessions/${s.uid}/join`)).status, 200);
    assertError(await g.c("GET", `/sessions/${s.uid}/join`), 409, "session-001");
    const open = await create(g.a, { numTeams: 0, teamSize: 0 });
    for (const who of [g.b, g.c]) assert.equal((await who("GET", `/sessions/${open.uid}/join`)).status, 200);
    assertError(await g.d("GET", `/sessions/${open.uid}/join`), 409, "session-001");
    assertError(await g.a("POST", "/sessions", { body: { numTeams: 2, teamSize: 2 } }), 400, "api-003");
  });

  test("42. teams fill the emptiest team first, lowest id on ties; a full requested team → 409 session-004; no such team → 400", async () => {
    const big = await startGame();
    try {
      const s = await create(big.a, { numTeams: 2, teamSize: 2 });
      const teams = [];
      for (const who of [big.b, big.c, big.d]) teams.push((await who("GET", `/sessions/${s.uid}/join`)).body.teams);
      assert.deepEqual(teams, [
        [{ id: 0, members: [A] }, { id: 1, members: [B] }],
        [{ id: 0, members: [A, C] }, { id: 1, members: [B] }],
        [{ id: 0, members: [A, C] }, { id: 1, members: [B, D] }],
      ]);
      assertError(await big.e("GET", `/sessions/${s.uid}/join`), 409, "session-001");
      const half = await create(big.a, { numTeams: 2, teamSize: 1 });
      assertError(await big.b("GET", `/sessions/${half.uid}/join?team=0`), 409, "session-004");
      for (const team of ["5", "-1", "x", "1.5"]) assertError(await big.b("GET", `/sessions/${half.uid}/join?team=${team}`), 400, "api-003");
      assertError(await big.b("POST", `/sessions/${half.uid}/join`, { body: { team: "1" } }), 400, "api-003");
      const chosen = await big.b("GET", `/sessions/${half.uid}/join?team=1`);
      assert.deepEqual(chosen.body.teams, [{ id: 0, members: [A] }, { id: 1, members: [B] }]);
      const picky = await create(big.a, { numTeams: 3, teamSize: 0 });
      const posted = await big.c("POST", `/sessions/${picky.uid}/join`, { body: { team: 2 } });
      assert.deepEqual(posted.body.teams, [{ id: 0, members: [A] }, { id: 1, members: [] }, { id: 2, members: [C] }]);
      assert.equal((await big.d("GET", `/sessions/${(await create(big.a)).uid}/join?team=9`)).status, 200, "team is ignored without teams");
    } finally {
      await big.t.stop();
    }
  });

  test("43. a password: none or wrong → 403 session-003; right via ?password= or X-Session-Password → 200; invited users need none", async () => {
    const s = await create(g.a, { password: "open sesame", invited: [D] });
    assertError(await g.b("GET", `/sessions/${s.uid}/join`), 403, "session-003");
    assertError(await g.b("GET", `/sessions/${s.uid}/join?password=wrong`), 403, "session-003");
    assert.equal((await g.b("GET", `/sessions/${s.uid}/join?password=open%20sesame`)).status, 200);
    const s2 = await create(g.a, { password: "open sesame" });
    assert.equal((await g.c("GET", `/sessions/${s2.uid}/join`, { headers: { "x-session-password": "open sesame" } })).status, 200);
    assert.equal((await g.d("GET", `/sessions/${s.uid}/join`)).status, 200);
    const joins = g.t.logs.filter((line) => line.includes(`/sessions/${s.uid}/join`));
    assert.ok(joins.some((line) => line.includes("password=[REDACTED]")), "the joins with ?password= were logged");
    for (const line of g.t.logs) assert.ok(!line.includes("open sesame") && !line.includes("open%20sesame"), line);
  });

  test("44. a private session: a stranger → 404; the invited user → 200, and again after leaving; an admin → 200", async () => {
    const s = await create(g.a, { visibility: "private", invited: [C] });
    assertError(await g.b("GET", `/sessions/${s.uid}/join`), 404, "api-010");
    assert.equal((await g.c("GET", `/sessions/${s.uid}/join`)).status, 200);
    assert.equal((await g.c("GET", `/sessions/${s.uid}/leave`)).status, 200);
    const back = await g.c("GET", `/sessions/${s.uid}/join`);
    assert.equal(back.status, 200);
    assert.deepEqual(back.body.invited, [C]);
    assert.deepEqual((await g.z("GET", `/sessions/${s.uid}/join`)).body.users, [A, C, Z]);
  });

  test("45. a closed status → 409 session-002; in-game admits; users already in re-join a closed or full session", async () => {
    const s = await create(g.a, { status: "Closed" });
    assertError(await g.b("GET", `/sessions/${s.uid}/join`), 409, "session-002");
    assert.equal((await g.a("GET", `/sessions/${s.uid}/join`)).status, 200);
    const playing = await create(g.a, { status: "in-game", numTeams: 1, teamSize: 2 });
    assert.equal((await g.b("GET", `/sessions/${playing.uid}/join`)).status, 200);
    assert.equal((await g.b("GET", `/sessions/${playing.uid}/join`)).status, 200, "full, but B is in it");
    assert.equal((await g.a("PUT", `/sessions/${playing.uid}`, { body: { version: 1, status: "locked" } })).status, 200);
    assert.equal((await g.b("GET", `/sessions/${playing.uid}/join`)).status, 200, "closed, but B is in it");
    assertError(await g.z("GET", `/sessions/${playing.uid}/join`), 409, "session-002"); // status is checked before capacity
  });

  test("46. an unknown or malformed id → 404 api-010", async () => {
    assertError(await g.b("GET", "/sessions/0193a6f2-7c4e-7b1a-9f3d-5e2c8a1b4d60/join"), 404, "api-010");
    assertError(await g.b("GET", "/sessions/nope/join"), 404, "api-010");
    assertError(await g.b("POST", "/sessions/nope/join"), 404, "api-010");
  });

  test("admins pass passwords and privacy, not capacity or status", async () => {
    const locked = await create(g.a, { password: "pw", visibility: "private" });
    assert.equal((await g.z("GET", `/sessions/${locked.uid}/join`)).status, 200);
    assertError(await g.z("GET", `/sessions/${(await create(g.a, { status: "ended" })).uid}/join`), 409, "session-002");
    assertError(await g.z("GET", `/sessions/${(await create(g.a, { numTeams: 1, teamSize: 1 })).uid}/join`), 409, "session-001");
  });

  test("POST join with a JSON body works as the GET form; a non-JSON body → 415; a bad body → 400", async () => {
    const s = await create(g.a, { password: "pw" });
    assertError(await g.b("POST", `/sessions/${s.uid}/join`, { body: { password: "no" } }), 403, "session-003");
    assertError(await g.b("POST", `/sessions/${s.uid}/join`, { raw: "password=pw", headers: { "content-type": "application/x-www-form-urlencoded" } }), 415, "api-003");
    assertError(await g.b("POST", `/sessions/${s.uid}/join`, { body: { password: 1 } }), 400, "api-003");
    assertError(await g.b("POST", `/sessions/${s.uid}/join`, { body: ["pw"] }), 400, "api-003");
    const r = await g.b("POST", `/sessions/${s.uid}/join`, { body: { password: "pw" } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.users, [A, B]);
    assert.equal((await g.b("POST", `/sessions/${s.uid}/join`)).status, 200, "no body at all");
    assert.equal((await g.b("POST", `/sessions/${s.uid}/join`, { raw: "", headers: { "content-type": "application/json" } })).status, 200);
  });

  test("joining marks activity but a repeated join does not bump the version; E is a player like any other", async () => {
    const s = await create(g.a);
    const joined = await g.e("GET", `/sessions/${s.uid}/join`);
    assert.deepEqual(joined.body.users, [A, E]);
    g.t.clock.advance(5_000);
    const since = g.t.clock.now();
    const again = await g.e("GET", `/sessions/${s.uid}/join`);
    assert.equal(again.status, 200);
    assert.deepEqual([again.body.version, again.body.dateModified, again.body.users], [1, joined.body.dateModified, [A, E]]);
    // Activity is written in batches: wait for the repeated join's mark to reach the store.
    await until("the repeated join to move lastActivityAt", async () => {
      const stored = await http(g.t.url, "GET", `/api/v1/sessions/${s.uid}`, { token: ADMIN_TOKEN });
      assert.equal(stored.body.version, 1);
      return Date.parse(stored.body.lastActivityAt) >= since;
    });
  });
});

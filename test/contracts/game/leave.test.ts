import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ADMIN_TOKEN, http } from "../../helpers/server.js";
import { A, B, C, type Players, assertEmpty, assertError, create, startGame } from "./fixture.js";

/** Game contract checklist items 49–51: leave, host migration, the last user ends the session. */
describe("game API: leave", () => {
  let g: Players;

  before(async () => {
    g = await startGame();
  });
  after(() => g.t.stop());

  const joined = async (s: { uid: string }, ...who: Players["a"][]) => {
    for (const w of who) assert.equal((await w("GET", `/sessions/${s.uid}/join`)).status, 200);
    return (await g.z("GET", `/sessions/${s.uid}`)).body;
  };

  test("49. B leaves → 200 empty, out of users and teams, version + 1; again → no change; a random uid → 200", async () => {
    const s = await joined(await create(g.a, { numTeams: 2, teamSize: 2 }), g.b, g.c);
    assert.equal(s.version, 2);
    const r = await g.b("GET", `/sessions/${s.uid}/leave`);
    assertEmpty(r);
    assert.equal(r.headers.get("cache-control"), "no-store");
    const after = (await g.a("GET", `/sessions/${s.uid}`)).body;
    assert.deepEqual(after.users, [A, C]);
    assert.deepEqual(after.teams, [{ id: 0, members: [A, C] }, { id: 1, members: [] }], "nobody is moved");
    assert.equal(after.version, 3);
    assertEmpty(await g.b("GET", `/sessions/${s.uid}/leave`));
    assert.equal((await g.a("GET", `/sessions/${s.uid}`)).body.version, 3);
    assertEmpty(await g.b("GET", "/sessions/0193a6f2-7c4e-7b1a-9f3d-5e2c8a1b4d60/leave"));
    assertEmpty(await g.b("POST", "/sessions/garbage/leave"));
    assertEmpty(await g.c("POST", `/sessions/${s.uid}/leave`, { body: {} }));
    assert.deepEqual((await g.a("GET", `/sessions/${s.uid}`)).body.users, [A]);
  });

  test("50. the host leaving [A, B, C] makes B host, with every host right; A loses them", async () => {
    const s = await joined(await create(g.a), g.b, g.c);
    assertEmpty(await g.a("GET", `/sessions/${s.uid}/leave`));
    const after = (await g.b("GET", `/sessions/${s.uid}`)).body;
    assert.equal(after.hostUid, B);
    assert.deepEqual(after.users, [B, C]);
    assert.equal((await g.b("PUT", `/sessions/${s.uid}`, { body: { version: after.version, status: "new host", visibility: "private" } })).status, 200);
    assertError(await g.a("PUT", `/sessions/${s.uid}`, { body: { version: after.version + 1, status: "old host" } }), 404, "api-010");
    assert.equal((await g.b("PUT", `/sessions/${s.uid}`, { body: { version: after.version + 1, visibility: "" } })).status, 200);
    assertError(await g.a("PUT", `/sessions/${s.uid}`, { body: { version: after.version + 2, status: "old host" } }), 403, "api-102");
  });

  test("51. the last user leaving ends the session: 404, gone from FindAll and Count; a system-owned session too, nobody promoted", async () => {
    const s = await create(g.a, { data: { case: "51" } });
    assertEmpty(await g.a("GET", `/sessions/${s.uid}/leave`));
    assertError(await g.a("GET", `/sessions/${s.uid}`), 404, "api-010");
    assertError(await g.a("GET", `/sessions/${s.uid}/join`), 404, "api-010");
    assert.deepEqual((await g.a("GET", "/sessions?data.case=51")).body, []);
    assert.deepEqual((await g.a("GET", "/sessions/count?data.case=51")).body, { count: 0 });
    const native = await http(g.t.url, "GET", `/api/v1/sessions/${s.uid}`, { token: ADMIN_TOKEN });
    assert.deepEqual([native.body.state, native.body.endReason], ["ended", "closed"]);

    const system = await create(g.z, { hostUid: "", users: [B, C] });
    assertEmpty(await g.b("GET", `/sessions/${system.uid}/leave`));
    const half = (await g.c("GET", `/sessions/${system.uid}`)).body;
    assert.deepEqual([half.hostUid, half.users], ["", [C]]);
    assertEmpty(await g.c("GET", `/sessions/${system.uid}/leave`));
    assertError(await g.z("GET", `/sessions/${system.uid}`), 404, "api-010");
  });
});

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Players, assertError, create, startGame } from "./fixture.js";

/** Filters larger than the filter limits and numbers out of range: 400 api-003, never a 500. */
describe("game API: filter size and number bounds", () => {
  let g: Players;

  before(async () => {
    g = await startGame();
  });
  after(() => g.t.stop());

  test("a key repeated past the filter limits, or in() with too many values → 400 api-003, on FindAll and Count", async () => {
    // Short values, so that 600 of them stay within the edge's 8 KiB request target.
    const repeated = (n: number) => Array.from({ length: n }, (_, i) => `hostUid=u${i}`).join("&");
    const values = (n: number) => Array.from({ length: n }, (_, i) => `v${i}`).join(",");
    for (const path of ["/sessions", "/sessions/count"]) {
      for (const query of [repeated(600), repeated(33), `hostUid=in(${values(600)})`, `data.mode=in(${values(300)})`]) {
        assertError(await g.a("GET", `${path}?${query}`), 400, "api-003");
      }
    }
    const s = await create(g.a, { status: "lobby" });
    // 31 hosts, each "set and equal" (2 conditions), and the family's own 2: the 64 allowed.
    const within = await g.a("GET", `/sessions?${repeated(30)}&hostUid=${s.hostUid}`);
    assert.equal(within.status, 200, within.text);
    assert.deepEqual(within.body.map((x: any) => x.uid), [s.uid]);
    const wide = await g.a("GET", `/sessions?status=in(${values(255)},lobby)`);
    assert.equal(wide.status, 200, wide.text);
    assert.ok(wide.body.some((x: any) => x.uid === s.uid));
  });

  test("numbers in queries and bodies: the largest integers compare, beyond the bounds → 400 api-003", async () => {
    const s = await create(g.a, { numTeams: 2, teamSize: 2 });
    for (const query of ["version=gt(999999999999999)", "version=lt(-999999999999999)", "numTeams=gte(999999999999999)", "skip=99999999999999999999"]) {
      const r = await g.a("GET", `/sessions?${query}`);
      assert.equal(r.status, 200, `${query}: ${r.text}`);
      assert.deepEqual(r.body, [], query);
    }
    for (const query of ["version=gt(9999999999999999)", "numTeams=1e3", "dateCreated=gt(+275760-09-13T00:00:00Z)"]) {
      assertError(await g.a("GET", `/sessions?${query}`), 400, "api-003");
    }
    assertError(await g.a("PUT", `/sessions/${s.uid}`, { body: { version: 2 ** 31 } }), 400, "api-003", `Invalid message or request. version must be an integer from 0 to ${2 ** 31 - 1}.`);
    assertError(await g.a("PUT", `/sessions/${s.uid}`, { body: { version: 0, teams: [{ id: 1e12, members: [] }] } }), 400, "api-003");
    assertError(await g.a("POST", "/sessions", { body: { numTeams: 1e12 } }), 400, "api-003");
    assertError(await g.a("GET", `/sessions/${s.uid}/join?team=9999999999`), 400, "api-003");
    assert.equal((await g.a("GET", `/sessions/${s.uid}`)).body.version, 0, "nothing changed");
  });
});

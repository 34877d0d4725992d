import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Players, assertError, create, pool, startGame } from "./fixture.js";

const byDateThenUid = (a: any, b: any) => (a.dateCreated < b.dateCreated ? -1 : a.dateCreated > b.dateCreated ? 1 : a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0);
const byUid = (a: any, b: any) => (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0);

/** Game contract checklist items 18–20: limit, skip, sort over 1 200 visible sessions. */
describe("game API: limit, skip and sort", () => {
  let g: Players;
  let all: any[];

  before(async () => {
    g = await startGame();
    const sets = Array.from({ length: 1200 }, (_, i) => (i < 300 ? "page" : i < 360 ? "sort" : "bulk"));
    all = await pool(sets, 8, (set, i) =>
      create(g.z, { hostUid: "", numTeams: i % 5, teamSize: 1, status: set === "sort" ? `s${(i * 7) % 11}` : set, data: { set } }),
    );
  });
  after(() => g.t.stop());

  test("18. no limit → 100; limit=5000 → 1000; limit=0 → 100; negative or non-integer limit and skip → 400", async () => {
    assert.equal((await g.b("GET", "/sessions")).body.length, 100);
    assert.equal((await g.b("GET", "/sessions?limit=5000")).body.length, 1000);
    assert.equal((await g.b("GET", "/sessions?limit=99999999999999999999")).body.length, 1000);
    assert.equal((await g.b("GET", "/sessions?limit=0")).body.length, 100);
    assert.equal((await g.b("GET", "/sessions?limit=7")).body.length, 7);
    for (const query of ["limit=-1", "limit=abc", "limit=1.5", "skip=-2", "skip=x", "limit=1&limit=2"]) {
      assertError(await g.b("GET", `/sessions?${query}`), 400, "api-003");
    }
    assert.deepEqual((await g.b("GET", "/sessions?skip=5000")).body, []);
    assert.equal((await g.b("GET", "/sessions/count")).body.count, 1200);
  });

  test("19. limit=50&skip=k over 300 sessions returns each exactly once, ordered by dateCreated then uid", async () => {
    const seen: any[] = [];
    for (let skip = 0; skip < 300; skip += 50) {
      const page = await g.b("GET", `/sessions?data.set=page&limit=50&skip=${skip}`);
      assert.equal(page.body.length, 50);
      seen.push(...page.body);
    }
    assert.deepEqual((await g.b("GET", "/sessions?data.set=page&limit=50&skip=300")).body, []);
    assert.equal(new Set(seen.map((s) => s.uid)).size, 300);
    const expected = all.filter((s) => s.data.set === "page").sort(byDateThenUid);
    assert.deepEqual(seen.map((s) => s.uid), expected.map((s) => s.uid));
  });

  test("20. sort by a JSON object or a bare field, uid breaking ties; other fields, bad JSON or directions → 400", async () => {
    const subset = all.filter((s) => s.data.set === "sort");
    const desc = await g.b("GET", `/sessions?data.set=sort&limit=1000&sort=${encodeURIComponent('{"numTeams":"DESC"}')}`);
    assert.deepEqual(desc.body.map((s: any) => s.uid), [...subset].sort((a, b) => b.numTeams - a.numTeams || byUid(a, b)).map((s) => s.uid));
    const bare = await g.b("GET", "/sessions?data.set=sort&limit=1000&sort=status");
    assert.deepEqual(bare.body.map((s: any) => s.uid), [...subset].sort((a, b) => (a.status < b.status ? -1 : a.status > b.status ? 1 : byUid(a, b))).map((s) => s.uid));
    const two = await g.b("GET", `/sessions?data.set=sort&limit=1000&sort=${encodeURIComponent('{"status":"desc","numTeams":"asc"}')}`);
    assert.deepEqual(
      two.body.map((s: any) => s.uid),
      [...subset].sort((a, b) => (a.status > b.status ? -1 : a.status < b.status ? 1 : a.numTeams - b.numTeams || byUid(a, b))).map((s) => s.uid),
    );
    const newest = await g.b("GET", `/sessions?limit=3&sort=${encodeURIComponent('{"dateCreated":"DESC"}')}`);
    const newestFirst = (a: any, b: any) => (a.dateCreated > b.dateCreated ? -1 : a.dateCreated < b.dateCreated ? 1 : byUid(a, b));
    assert.deepEqual(newest.body.map((s: any) => s.uid), [...all].sort(newestFirst).slice(0, 3).map((s) => s.uid));
    for (const sort of ['{"password":"ASC"}', "{bad", '{"status":"UP"}', "password", '["status"]', '{"status":1}', "teams"]) {
      assertError(await g.b("GET", `/sessions?sort=${encodeURIComponent(sort)}`), 400, "api-003");
    }
  });
});

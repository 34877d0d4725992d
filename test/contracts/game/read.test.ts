import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ADMIN_TOKEN, http } from "../../helpers/server.js";
import { A, B, C, type Players, assertError, create, startGame } from "./fixture.js";

const uids = (r: { body: { uid: string }[] }) => r.body.map((s) => s.uid);
const sorted = (ids: string[]) => [...ids].sort();

/** Game contract checklist items 15–17 and 21–24: FindById, visibility, filters, Count. */
describe("game API: read, filters and count", () => {
  let g: Players;
  /** Sessions of the filter cases, by name; every filter query adds `data.case=filters`. */
  const s: Record<string, any> = {};
  let startedAt: string;
  let foreignId: string;

  before(async () => {
    g = await startGame();
    const mark = { case: "filters" };
    s.lobby = await create(g.a, { status: "lobby", numTeams: 1, teamSize: 4, data: { ...mark, map: "harbor", rank: 3 } });
    s.ingame = await create(g.b, { status: "in-game", numTeams: 2, teamSize: 2, visibility: "public", data: { ...mark, map: "desert", ranked: true } });
    s.locked = await create(g.a, { status: "Lobby-2", numTeams: 3, teamSize: 1, password: "pw", data: { ...mark, rank: "3" } });
    s.private = await create(g.a, { visibility: "private", invited: [C], data: mark });
    assert.equal((await g.b("GET", `/sessions/${s.ingame.uid}/join`)).status, 200);
    g.t.clock.advance(5);
    startedAt = new Date(g.t.clock.now()).toISOString();
    s.late = await create(g.c, { status: "phase(2)", serverUid: "server-9", data: mark });
    assert.equal((await g.b("GET", `/sessions/${s.late.uid}/join`)).status, 200);
    // A session of another service, through the native API: never visible here.
    assert.equal((await http(g.t.url, "POST", "/api/v1/services", { token: ADMIN_TOKEN, body: { id: "other-title" } })).status, 201);
    const foreign = await http(g.t.url, "POST", "/api/v1/sessions", { token: ADMIN_TOKEN, body: { serviceId: "other-title", status: "lobby", attributes: { game: { data: mark } } } });
    assert.equal(foreign.status, 201);
    foreignId = foreign.body.id;
  });
  after(() => g.t.stop());

  const find = async (query: string, who = g.a) => {
    const r = await who("GET", `/sessions?data.case=filters&${query}`);
    assert.equal(r.status, 200, `${query}: ${r.text}`);
    return sorted(uids(r));
  };
  const expect = (...names: string[]) => sorted(names.map((n) => s[n].uid));

  test("15. GET by uid → the same body; an upper-case uid → 200; unknown or malformed ids → 404 api-010", async () => {
    const r = await g.a("GET", `/sessions/${s.lobby.uid}`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, s.lobby);
    assert.equal(r.headers.get("etag"), '"0"');
    assert.equal(r.headers.get("cache-control"), "no-store");
    const upper = await g.a("GET", `/sessions/${s.lobby.uid.toUpperCase()}`);
    assert.equal(upper.status, 200);
    assert.equal(upper.body.uid, s.lobby.uid);
    for (const id of ["0193a6f2-7c4e-7b1a-9f3d-5e2c8a1b4d60", "not-a-uuid", "1", "a..b", s.lobby.uid.slice(0, -1), foreignId]) {
      assertError(await g.a("GET", `/sessions/${id}`), 404, "api-010");
    }
  });

  test("16. a private session: a stranger gets 404; the invited user and an admin get 200", async () => {
    assertError(await g.b("GET", `/sessions/${s.private.uid}`), 404, "api-010");
    assert.equal((await g.c("GET", `/sessions/${s.private.uid}`)).status, 200);
    assert.equal((await g.z("GET", `/sessions/${s.private.uid}`)).status, 200);
  });

  test("17. FindAll is an array; a stranger's list and count omit the private session, the invited user's include it", async () => {
    const b = await g.b("GET", "/sessions?data.case=filters");
    assert.ok(Array.isArray(b.body));
    assert.deepEqual(sorted(uids(b)), expect("lobby", "ingame", "locked", "late"));
    assert.equal((await g.b("GET", "/sessions/count?data.case=filters")).body.count, 4);
    assert.deepEqual(await find("", g.c), expect("lobby", "ingame", "locked", "private", "late"));
    assert.equal((await g.c("GET", "/sessions/count?data.case=filters")).body.count, 5);
    assert.deepEqual(await find("", g.z), expect("lobby", "ingame", "locked", "private", "late"));
  });

  test("21. filters: equality, OR of repeated keys, operators, membership, like, booleans and dates", async () => {
    assert.deepEqual(await find("status=lobby"), expect("lobby"));
    assert.deepEqual(await find("status=lobby&status=in-game"), expect("lobby", "ingame"));
    assert.deepEqual(await find("numTeams=gt(1)"), expect("ingame", "locked"));
    assert.deepEqual(await find("numTeams=range(1,2)"), expect("lobby", "ingame"));
    assert.deepEqual(await find("numTeams=range(1,3)"), expect("lobby", "ingame", "locked"));
    assert.deepEqual(await find("visibility=in(public,private)"), expect("lobby", "ingame", "locked", "private", "late"));
    assert.deepEqual(await find(`users=${B}`), expect("ingame", "late"));
    assert.deepEqual(await find(`users=not(${B})`), expect("lobby", "locked", "private"));
    assert.deepEqual(await find(`users=in(${C},${B})`), expect("ingame", "late"));
    assert.deepEqual(await find(`invited=${C}`), expect("private"));
    assert.deepEqual(await find("status=like(lob%)"), expect("lobby", "locked"));
    assert.deepEqual(await find("status=like(GAME)"), expect("ingame"));
    assert.deepEqual(await find("status=like(l_bby)"), expect("lobby"));
    assert.deepEqual(await find("hasPassword=true"), expect("locked"));
    assert.deepEqual(await find("hasPassword=false"), expect("lobby", "ingame", "private", "late"));
    assert.deepEqual(await find(`dateCreated=gte(${startedAt})`), expect("late"));
    assert.deepEqual(await find(`dateCreated=lt(${startedAt})`), expect("lobby", "ingame", "locked", "private"));
    assert.deepEqual(await find("visibility=public"), expect("lobby", "ingame", "locked", "late"), "stored as \"\" or \"public\"");
    assert.deepEqual(await find("visibility="), expect("lobby", "ingame", "locked", "late"));
    assert.deepEqual(await find("visibility=private"), expect("private"));
    assert.deepEqual(await find("status="), expect("private"));
    assert.deepEqual(await find("status=ne()"), expect("lobby", "ingame", "locked", "late"));
    assert.deepEqual(await find("status=eq(phase(2))"), expect("late"));
    assert.deepEqual(await find(`hostUid=${A}`), expect("lobby", "locked", "private"));
    assert.deepEqual(await find(`uid=${s.lobby.uid.toUpperCase()}`), expect("lobby"));
    assert.deepEqual(await find("serverUid=server-9"), expect("late"));
    assert.deepEqual(await find(`serverUid=${g.t.server.nodeId}`), expect("lobby", "ingame", "locked", "private"));
    assert.deepEqual(await find("teamSize=lte(1)&numTeams=3"), expect("locked"));
    assert.deepEqual(await find("version=1"), expect("late"));
    assert.deepEqual(await find("version=lt(1)"), expect("lobby", "ingame", "locked", "private"));
    assert.deepEqual(await find("data.map=harbor"), expect("lobby"));
    assert.deepEqual(await find("data.rank=3"), expect("lobby", "locked"), "a number or a string");
    assert.deepEqual(await find("data.ranked=true"), expect("ingame"));
    assert.deepEqual(await find("data.map=ne(harbor)"), expect("ingame", "locked", "private", "late"));
    assert.deepEqual(await find("data.map=in(harbor,desert)"), expect("lobby", "ingame"));
    const bad = await g.a("GET", "/sessions?numTeams=range(1)");
    assertError(bad, 400, "api-014", "Invalid range value: '1'. Expected 2 arguments, got 1");
    assertError(await g.a("GET", "/sessions?numTeams=range(1,2,3)"), 400, "api-014", "Invalid range value: '1,2,3'. Expected 2 arguments, got 3");
  });

  test("22. password, unknown keys, wrong types and unknown operators → 400 naming the key; `_` and `jwt_*` are ignored", async () => {
    for (const [query, key] of [
      ["password=x", "password"],
      ["password=like(^a)", "password"],
      ["foo=1", "foo"],
      ["teams=1", "teams"],
      ["page=2", "page"],
      ["sortOrder=asc", "sortOrder"],
      ["numTeams=abc", "numTeams"],
      ["numTeams=like(1)", "numTeams"],
      ["status=foo(x)", "foo"],
      ["dateCreated=yesterday", "dateCreated"],
      ["hasPassword=yes", "hasPassword"],
      ["users=gt(a)", "users"],
      ["data.a.b=1", "data.a.b"],
      ["status=in()", "status"],
    ]) {
      const r = await g.a("GET", `/sessions?${query}`);
      assertError(r, 400, "api-003");
      assert.ok(r.body.message.includes(key!), `${r.body.message} names ${key}`);
      assertError(await g.a("GET", `/sessions/count?${query}`), 400, "api-003");
    }
    assert.deepEqual(await find(`_=123&jwt_token=x&OAUTH_nonce=y`), expect("lobby", "ingame", "locked", "private", "late"));
  });

  test("23. Count matches FindAll's filters and visibility and ignores limit, skip and sort entirely", async () => {
    for (const [query, who] of [["status=lobby&status=in-game", g.a], ["", g.b], ["", g.c], ["numTeams=gt(0)", g.b]] as const) {
      const list = await who("GET", `/sessions?data.case=filters&${query}`);
      const count = await who("GET", `/sessions/count?data.case=filters&${query}`);
      assert.deepEqual(count.body, { count: list.body.length });
      const ignoring = await who("GET", `/sessions/count?data.case=filters&${query}&limit=1&skip=5&sort=junk`);
      assert.equal(ignoring.status, 200);
      assert.deepEqual(ignoring.body, count.body);
    }
    assert.deepEqual((await g.a("GET", "/sessions/count?limit=-1&skip=x&sort={bad&data.case=filters")).body, { count: 5 });
  });

  test("24. `/sessions/` behaves as `/sessions`, and so do trailing slashes elsewhere", async () => {
    const plain = await g.a("GET", "/sessions?data.case=filters");
    const slashed = await g.a("GET", "/sessions/?data.case=filters");
    assert.equal(slashed.status, 200);
    assert.deepEqual(slashed.body, plain.body);
    assert.deepEqual((await g.a("GET", "/sessions/count/?data.case=filters")).body, { count: 5 });
    assert.equal((await g.a("GET", `/sessions/${s.lobby.uid}/`)).body.uid, s.lobby.uid);
  });

  test("a session made through the native API in the game service appears with the game defaults, one team of its capacity", async () => {
    const made = await http(g.t.url, "POST", "/api/v1/sessions", { token: ADMIN_TOKEN, body: { serviceId: "game", owner: A, capacity: 6, status: "warmup" } });
    assert.equal(made.status, 201, made.text);
    const s = (await g.a("GET", `/sessions/${made.body.id}`)).body;
    assert.deepEqual(
      { hostUid: s.hostUid, numTeams: s.numTeams, teamSize: s.teamSize, teams: s.teams, users: s.users, status: s.status, visibility: s.visibility, data: s.data, serverUid: s.serverUid },
      { hostUid: A, numTeams: 1, teamSize: 6, teams: [{ id: 0, members: [] }], users: [], status: "warmup", visibility: "", data: {}, serverUid: g.t.server.nodeId },
    );
    const joined = await g.b("GET", `/sessions/${made.body.id}/join`);
    assert.deepEqual(joined.body.teams, [{ id: 0, members: [B] }]);
    const edited = await g.a("PUT", `/sessions/${made.body.id}`, { body: { ...joined.body, data: { mode: "ctf" } } });
    assert.equal(edited.status, 200, edited.text);
    assert.deepEqual([edited.body.numTeams, edited.body.teamSize, edited.body.teams], [1, 6, [{ id: 0, members: [B] }]]);
  });

  test("a session of another service is invisible here: not listed, not counted, 404 to GET, PUT and join, a no-op to leave and delete", async () => {
    assert.ok(!uids(await g.z("GET", "/sessions?status=lobby")).includes(foreignId));
    assertError(await g.z("GET", `/sessions/${foreignId}`), 404, "api-010");
    assertError(await g.z("PUT", `/sessions/${foreignId}`, { body: { version: 0, status: "x" } }), 404, "api-010");
    assertError(await g.z("GET", `/sessions/${foreignId}/join`), 404, "api-010");
    assert.equal((await g.z("GET", `/sessions/${foreignId}/leave`)).status, 200);
    assert.equal((await g.z("DELETE", `/sessions/${foreignId}`)).status, 200);
    const still = await http(g.t.url, "GET", `/api/v1/sessions/${foreignId}`, { token: ADMIN_TOKEN });
    assert.equal(still.status, 200);
    assert.equal(still.body.version, 0);
    assert.deepEqual(still.body.members, []);
  });
});

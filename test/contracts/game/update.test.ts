import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { A, B, C, type Players, SESSION_KEYS, assertError, create, startGame } from "./fixture.js";

/** Game contract checklist items 25–34: PUT is a merge with a required version and the rights table. */
describe("game API: update", () => {
  let g: Players;

  before(async () => {
    g = await startGame();
  });
  after(() => g.t.stop());

  /** A session of A that B (and, when asked, C) joined. */
  const withUsers = async (body: Record<string, unknown> = {}, joiners = [g.b]) => {
    const s = await create(g.a, body);
    const query = body.password ? `?password=${body.password}` : "";
    for (const who of joiners) assert.equal((await who("GET", `/sessions/${s.uid}/join${query}`)).status, 200);
    return (await g.a("GET", `/sessions/${s.uid}`)).body;
  };

  test("25. host PUT {version: 0, status: \"in-game\"} → 200, version 1, dateModified later, the rest unchanged", async () => {
    const s = await create(g.a, { data: { map: "harbor" }, numTeams: 2, teamSize: 3 });
    g.t.clock.advance(3);
    const r = await g.a("PUT", `/sessions/${s.uid}`, { body: { version: 0, status: "in-game" } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.body), SESSION_KEYS);
    assert.equal(r.body.version, 1);
    assert.equal(r.body.status, "in-game");
    assert.ok(r.body.dateModified > s.dateModified);
    assert.equal(r.headers.get("etag"), '"1"');
    const { version: _v, status: _s, dateModified: _d, ...rest } = r.body;
    const { version: _v0, status: _s0, dateModified: _d0, ...before } = s;
    assert.deepEqual(rest, before);
    assert.deepEqual((await g.a("GET", `/sessions/${s.uid}`)).body, r.body);
  });

  test("26. a stale or missing version → 409 api-012; a string version → 400; If-Match alone works", async () => {
    const s = await create(g.a);
    assert.equal((await g.a("PUT", `/sessions/${s.uid}`, { body: { version: 0, status: "a" } })).status, 200);
    assertError(await g.a("PUT", `/sessions/${s.uid}`, { body: { version: 0, status: "b" } }), 409, "api-012");
    assertError(await g.a("PUT", `/sessions/${s.uid}`, { body: { status: "b" } }), 409, "api-012");
    assertError(await g.a("PUT", `/sessions/${s.uid}`, { body: { status: "b", version: null } }), 409, "api-012");
    assertError(await g.a("PUT", `/sessions/${s.uid}`, { body: { version: "0", status: "b" } }), 400, "api-003");
    assertError(await g.a("PUT", `/sessions/${s.uid}`, { body: { status: "b" }, headers: { "if-match": '"0"' } }), 409, "api-012");
    assertError(await g.a("PUT", `/sessions/${s.uid}`, { body: { status: "b", version: 1 }, headers: { "if-match": '"0"' } }), 409, "api-012");
    assertError(await g.a("PUT", `/sessions/${s.uid}`, { body: { status: "b" }, headers: { "if-match": "*" } }), 409, "api-012");
    assertError(await g.a("PUT", `/sessions/${s.uid}`, { body: { status: "b" }, headers: { "if-match": "garbage" } }), 409, "api-012");
    // If-Match compares strongly: a weak tag of the current version never matches.
    assertError(await g.a("PUT", `/sessions/${s.uid}`, { body: { status: "b" }, headers: { "if-match": 'W/"1"' } }), 409, "api-012");
    assertError(await g.a("PUT", `/sessions/${s.uid}`, { body: { status: "b", version: 1 }, headers: { "if-match": 'W/"1"' } }), 409, "api-012");
    const ok = await g.a("PUT", `/sessions/${s.uid}`, { body: { status: "b" }, headers: { "if-match": '"1"' } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.version, 2);
    assert.equal((await g.a("PUT", `/sessions/${s.uid}`, { body: { status: "c", version: 2 }, headers: { "if-match": '"2"' } })).status, 200);
    assert.equal((await g.a("GET", `/sessions/${s.uid}`)).body.status, "c");
  });

  test("27. PUT back the whole body read, with only data changed → 200", async () => {
    const s = await withUsers({ numTeams: 2, teamSize: 2, invited: [C], password: "pw", status: "lobby" });
    const read = (await g.a("GET", `/sessions/${s.uid}`)).body;
    const r = await g.a("PUT", `/sessions/${s.uid}`, { body: { ...read, data: { map: "desert" } } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.data, { map: "desert" });
    assert.equal(r.body.hasPassword, true, "hasPassword: true sent back keeps the password");
    assert.deepEqual(r.body.teams, read.teams);
    // A user of a system-owned session may PUT back what they read too.
    const system = await create(g.z, { hostUid: "", users: [B, C] });
    const mine = (await g.b("GET", `/sessions/${system.uid}`)).body;
    assert.equal((await g.b("PUT", `/sessions/${system.uid}`, { body: { ...mine, status: "ready" } })).status, 200);
  });

  test("28. a stranger PUTs a public session → 403 api-102; a private one → 404", async () => {
    const pub = await create(g.a);
    const priv = await create(g.a, { visibility: "private" });
    assertError(await g.b("PUT", `/sessions/${pub.uid}`, { body: { version: 0, status: "x" } }), 403, "api-102");
    assertError(await g.b("PUT", `/sessions/${pub.uid}`, { body: { version: 99, numTeams: "bad" } }), 403, "api-102");
    assertError(await g.b("PUT", `/sessions/${priv.uid}`, { body: { version: 0, status: "x" } }), 404, "api-010");
    assertError(await g.b("PUT", "/sessions/0193a6f2-7c4e-7b1a-9f3d-5e2c8a1b4d60", { body: { version: 0 } }), 404, "api-010");
  });

  test("29. a system-owned session: a user may change data and status, not visibility or teams", async () => {
    const s = await create(g.z, { hostUid: "", users: [B, C], numTeams: 2, teamSize: 2 });
    const r = await g.b("PUT", `/sessions/${s.uid}`, { body: { version: 0, data: { ready: [B] }, status: "ready" } });
    assert.equal(r.status, 200, r.text);
    for (const change of [{ visibility: "private" }, { numTeams: 1 }, { teamSize: 3 }, { serverUid: "mine" }, { invited: [A] }, { password: "x" }, { users: [B] }, { hostUid: B }]) {
      assertError(await g.b("PUT", `/sessions/${s.uid}`, { body: { version: 1, ...change } }), 403, "api-102");
    }
    assertError(await g.b("PUT", `/sessions/${s.uid}`, { body: { version: 1, teams: [{ id: 0, members: [C] }, { id: 1, members: [B] }] } }), 403, "api-102");
    assertError(await g.a("PUT", `/sessions/${s.uid}`, { body: { version: 1, status: "x" } }), 403, "api-102");
    assert.equal((await g.z("PUT", `/sessions/${s.uid}`, { body: { version: 1, visibility: "private" } })).status, 200);
  });

  test("30. the host hands hostUid to a user and loses host rights; to a non-user → 400", async () => {
    const s = await withUsers();
    assertError(await g.a("PUT", `/sessions/${s.uid}`, { body: { version: 1, hostUid: C } }), 400, "api-003");
    const r = await g.a("PUT", `/sessions/${s.uid}`, { body: { version: 1, hostUid: B } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.hostUid, B);
    assertError(await g.a("PUT", `/sessions/${s.uid}`, { body: { version: 2, status: "mine" } }), 403, "api-102");
    assert.equal((await g.b("PUT", `/sessions/${s.uid}`, { body: { version: 2, status: "theirs" } })).status, 200);
    const system = await g.b("PUT", `/sessions/${s.uid}`, { body: { version: 3, hostUid: "" } });
    assert.equal(system.body.hostUid, "");
    assert.deepEqual(system.body.users, [A, B]);
  });

  test("31. the host removes a user (who leaves their team), not themselves, and cannot add; an admin can", async () => {
    const s = await withUsers({ numTeams: 2, teamSize: 2 });
    assert.deepEqual(s.teams, [{ id: 0, members: [A] }, { id: 1, members: [B] }]);
    const r = await g.a("PUT", `/sessions/${s.uid}`, { body: { version: 1, users: [A] } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.users, [A]);
    assert.deepEqual(r.body.teams, [{ id: 0, members: [A] }, { id: 1, members: [] }]);
    assertError(await g.a("PUT", `/sessions/${s.uid}`, { body: { version: 2, users: [] } }), 400, "api-003");
    assertError(await g.a("PUT", `/sessions/${s.uid}`, { body: { version: 2, users: [A, C] } }), 403, "api-102");
    const added = await g.z("PUT", `/sessions/${s.uid}`, { body: { version: 2, users: [A, C] } });
    assert.equal(added.status, 200, added.text);
    assert.deepEqual(added.body.users, [A, C]);
    assert.deepEqual(added.body.teams, [{ id: 0, members: [A] }, { id: 1, members: [C] }]);
    assertError(await g.z("PUT", `/sessions/${s.uid}`, { body: { version: 3, users: [A, C, B, "d", "e"] } }), 400, "api-003");
  });

  test("32. capacity below the user count → 400; numTeams 1→2 keeps team 0 and adds an empty team 1", async () => {
    const s = await withUsers({ numTeams: 1, teamSize: 2 });
    assert.deepEqual(s.teams, [{ id: 0, members: [A, B] }]);
    assertError(await g.a("PUT", `/sessions/${s.uid}`, { body: { version: 1, teamSize: 1 } }), 400, "api-003");
    const r = await g.a("PUT", `/sessions/${s.uid}`, { body: { version: 1, numTeams: 2 } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.teams, [{ id: 0, members: [A, B] }, { id: 1, members: [] }]);
    const shrunk = await g.a("PUT", `/sessions/${s.uid}`, { body: { version: 2, teamSize: 1 } });
    assert.deepEqual(shrunk.body.teams, [{ id: 0, members: [A] }, { id: 1, members: [B] }], "those without room are placed again");
    const none = await g.a("PUT", `/sessions/${s.uid}`, { body: { version: 3, numTeams: 0 } });
    assert.deepEqual([none.body.numTeams, none.body.teams], [0, []]);
    assertError(await g.a("PUT", `/sessions/${s.uid}`, { body: { version: 4, numTeams: 1000, teamSize: 10_000 } }), 400, "api-003");
  });

  test("teams: a full reassignment by the host; incomplete or overfull assignments → 400", async () => {
    const s = await withUsers({ numTeams: 2, teamSize: 2 }, [g.b, g.c]);
    assert.deepEqual(s.teams, [{ id: 0, members: [A, C] }, { id: 1, members: [B] }]);
    const r = await g.a("PUT", `/sessions/${s.uid}`, { body: { version: 2, teams: [{ id: 1, members: [A] }, { id: 0, members: [B, C] }] } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.teams, [{ id: 0, members: [B, C] }, { id: 1, members: [A] }]);
    for (const teams of [
      [{ id: 0, members: [A, B, C] }, { id: 1, members: [] }],
      [{ id: 0, members: [A] }, { id: 1, members: [B] }],
      [{ id: 0, members: [A, B] }],
      [{ id: 0, members: [A, B] }, { id: 1, members: [C, "stranger"] }],
      [{ id: 0, members: [A, B] }, { id: 1, members: [C] }, { id: 2, members: [] }],
    ]) {
      assertError(await g.a("PUT", `/sessions/${s.uid}`, { body: { version: 3, teams } }), 400, "api-003");
    }
    assertError(await g.b("PUT", `/sessions/${s.uid}`, { body: { version: 3, teams: [{ id: 0, members: [A, B] }, { id: 1, members: [C] }] } }), 403, "api-102");
  });

  test("33. a body uid that differs from the path → 400 api-013", async () => {
    const s = await create(g.a);
    assertError(await g.a("PUT", `/sessions/${s.uid}`, { body: { version: 0, uid: "0193a6f2-7c4e-7b1a-9f3d-5e2c8a1b4d60" } }), 400, "api-013");
    assertError(await g.a("PUT", `/sessions/${s.uid}`, { body: { version: 0, uid: 5 } }), 400, "api-013");
    assert.equal((await g.a("PUT", `/sessions/${s.uid}`, { body: { version: 0, uid: s.uid.toUpperCase() } })).status, 200);
  });

  test("34. password: set by PUT, kept by a PUT without it, cleared by hasPassword: false", async () => {
    const s = await create(g.a);
    const set = await g.a("PUT", `/sessions/${s.uid}`, { body: { version: 0, password: "p2" } });
    assert.equal(set.body.hasPassword, true);
    const kept = await g.a("PUT", `/sessions/${s.uid}`, { body: { version: 1, status: "x", password: "" } });
    assert.equal(kept.body.hasPassword, true);
    assertError(await g.b("GET", `/sessions/${s.uid}/join`), 403, "session-003");
    assert.equal((await g.c("GET", `/sessions/${s.uid}/join?password=p2`)).status, 200);
    const cleared = await g.a("PUT", `/sessions/${s.uid}`, { body: { version: 3, hasPassword: false } });
    assert.equal(cleared.body.hasPassword, false);
    assert.equal((await g.b("GET", `/sessions/${s.uid}/join`)).status, 200);
    assert.ok(![set.text, kept.text, cleared.text].some((t) => t.includes("p2")));
  });

  test("other host-only keys: visibility, invited, serverUid (\"\" restores the node's id)", async () => {
    const s = await create(g.a);
    const r = await g.a("PUT", `/sessions/${s.uid}`, { body: { version: 0, visibility: "Private", invited: [C, C], serverUid: "srv-1" } });
    assert.deepEqual([r.body.visibility, r.body.invited, r.body.serverUid], ["private", [C], "srv-1"]);
    assert.equal((await g.c("GET", `/sessions/${s.uid}`)).status, 200);
    const back = await g.a("PUT", `/sessions/${s.uid}`, { body: { version: 1, visibility: "", serverUid: "" } });
    assert.deepEqual([back.body.visibility, back.body.serverUid], ["", g.t.server.nodeId]);
    assertError(await g.a("PUT", `/sessions/${s.uid}`, { body: { version: 2, visibility: "friends" } }), 400, "api-003");
    assertError(await g.a("PUT", `/sessions/${s.uid}`, { body: [] }), 400, "api-003");
    assertError(await g.a("PUT", `/sessions/${s.uid}`, { raw: "{}", headers: { "content-type": "text/plain" } }), 415, "api-003");
  });
});

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { A, B, C, D, E, type Players, startGame, tokenFor } from "../contracts/game/fixture.js";
import { http } from "../helpers/server.js";

/** The team layout is a core rule: a join through any API is held to it. */
describe("team layout across APIs", () => {
  let g: Players;
  before(async () => {
    g = await startGame();
  });
  after(() => g.t.stop());

  const nativeJoin = async (uid: string, id: string, body: unknown) =>
    http(g.t.url, "POST", `/api/v1/sessions/${id}/members`, { token: await tokenFor(uid), body });

  test("2 teams of 2: a full team and a team that does not exist are refused through the native API as through the game API", async () => {
    const made = await g.a("POST", "/sessions", { body: { numTeams: 2, teamSize: 2 } });
    assert.equal(made.status, 201);
    const id = made.body.uid as string;
    assert.equal((await g.b("POST", `/sessions/${id}/join`, { body: { team: 0 } })).status, 200);
    assert.equal((await g.c("POST", `/sessions/${id}/join`, { body: { team: 0 } })).status, 409, "the game API: team 0 is full");

    const full = await nativeJoin(C, id, { team: 0 });
    assert.equal(full.status, 409, full.text);
    assert.equal(full.body.type, "https://sessionhub.dev/problems/team-full");
    const missing = await nativeJoin(C, id, { team: 7 });
    assert.equal(missing.status, 400, missing.text);
    assert.ok(missing.body.errors.some((e: { pointer: string }) => e.pointer === "/team"), missing.text);

    assert.equal((await nativeJoin(C, id, { team: 1 })).status, 201, "a team with room");
    assert.equal((await nativeJoin(D, id, {})).status, 201, "placed by the join rule");
    assert.equal((await nativeJoin(E, id, {})).status, 409, "every team full");
    const seen = await g.a("GET", `/sessions/${id}`);
    assert.deepEqual(seen.body.teams, [
      { id: 0, members: [A, B] },
      { id: 1, members: [C, D] },
    ]);
    assert.equal(seen.body.numTeams, 2);
    assert.equal(seen.body.attributes, undefined);
  });

  test("the layout is a session field: editing attributes through the native API does not move it", async () => {
    const made = (await g.a("POST", "/sessions", { body: { numTeams: 1, teamSize: 1 } })).body;
    const patched = await http(g.t.url, "PATCH", `/api/v1/sessions/${made.uid}`, {
      token: await tokenFor(A),
      body: { attributes: { game: { numTeams: 5, teamSize: 5 } } },
    });
    assert.equal(patched.status, 200, patched.text);
    assert.equal((await nativeJoin(B, made.uid, {})).status, 409);
    const seen = (await g.a("GET", `/sessions/${made.uid}`)).body;
    assert.deepEqual([seen.numTeams, seen.teamSize], [1, 1]);
    assert.equal((await g.a("GET", "/sessions?numTeams=1")).body.some((s: { uid: string }) => s.uid === made.uid), true);
  });
});

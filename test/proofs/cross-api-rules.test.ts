import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type TestServer, http, startServer, usersWithTokens } from "../helpers/server.js";
import { signJwt } from "./fuzz/world.js";
import { teamViolations } from "./invariants.js";

/**
 * A rule enforced in one API and not in another is a bug (issue "Trust"): a game
 * session's teams and capacity must hold whichever API joins it or changes it. Each case
 * drives a game session through another API, then reads it through the game API and
 * checks the team rules; the statuses in between only have to be below 500.
 */
describe("proof: game team rules hold through every API", () => {
  let t: TestServer;
  let tokens: Record<string, string>;
  let hostJwt: string;

  before(async () => {
    t = await startServer();
    tokens = await usersWithTokens(t.url, ["host", "p1", "p2", "p3"]);
    hostJwt = await signJwt({ profile: JSON.stringify({ uid: "host", roles: [] }) });
  });
  after(() => t.stop());

  const game = (method: string, path: string, body?: unknown) =>
    http(t.url, method, path, { token: null, headers: { authorization: `jwt ${hostJwt}` }, ...(body !== undefined ? { body } : {}) });

  async function teamsAfter(steps: (uid: string) => Promise<{ status: number; text: string }[]>) {
    const created = await game("POST", "/sessions", { numTeams: 2, teamSize: 1 });
    assert.equal(created.status, 201, created.text);
    const answers = await steps(created.body.uid);
    for (const a of answers) assert.ok(a.status < 500, `a step answered ${a.status}: ${a.text.slice(0, 200)}`);
    const read = await game("GET", `/sessions/${created.body.uid}`);
    assert.equal(read.status, 200, read.text);
    return { session: read.body, broken: teamViolations([read.body]) };
  }

  test("a native join asking for a full team does not leave the joiner outside every team", async () => {
    const { session, broken } = await teamsAfter((uid) => Promise.all([http(t.url, "POST", `/api/v1/sessions/${uid}/members`, { token: tokens.p1, body: { team: 0 } })]));
    assert.deepEqual(broken, [], JSON.stringify(session.teams));
  });

  test("native joins are placed in teams and stop at numTeams × teamSize", async () => {
    const { session, broken } = await teamsAfter(async (uid) => [
      await http(t.url, "POST", `/api/v1/sessions/${uid}/members`, { token: tokens.p1, body: {} }),
      await http(t.url, "POST", `/api/v1/sessions/${uid}/members`, { token: tokens.p2, body: {} }),
    ]);
    assert.deepEqual(broken, [], JSON.stringify({ users: session.users, teams: session.teams }));
  });

  test("a native change of capacity does not let more users in than the teams hold", async () => {
    const { session, broken } = await teamsAfter(async (uid) => [
      await http(t.url, "PATCH", `/api/v1/sessions/${uid}`, { token: tokens.host, body: { capacity: 5 } }),
      await http(t.url, "POST", `/api/v1/sessions/${uid}/members`, { token: tokens.p1, body: {} }),
      await http(t.url, "POST", `/api/v1/sessions/${uid}/members`, { token: tokens.p2, body: {} }),
      await http(t.url, "POST", `/api/v1/sessions/${uid}/members`, { token: tokens.p3, body: {} }),
    ]);
    assert.deepEqual(broken, [], JSON.stringify({ users: session.users, teams: session.teams, numTeams: session.numTeams, teamSize: session.teamSize }));
  });
});

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ADMIN_TOKEN, http } from "../../helpers/server.js";
import { A, D, type GameClient, assertError, gameClient, tokenFor } from "./fixture.js";
import { BACKENDS, type Nodes } from "./nodes.js";

/**
 * Game contract checklist items 35, 47, 48 and 52: the outcomes concurrency must not
 * change, with requests spread over every node of the backend.
 */
for (const backend of BACKENDS) {
  describe(`game API: concurrency (${backend.name})`, () => {
    let nodes: Nodes;
    /** A client of `uid` on node `i` (round robin over the nodes). */
    let on: (uid: string, i: number, roles?: string[]) => Promise<GameClient>;

    before(async () => {
      nodes = await backend.start(backend.nodes);
      on = async (uid, i, roles = []) => gameClient({ url: nodes.urls[i % nodes.urls.length]! }, await tokenFor(uid, roles));
    });
    after(() => nodes.stop());

    test("35. concurrent PUTs with the same version → exactly one 200, the others 409 api-012", async () => {
      const a = [await on(A, 0), await on(A, 1)];
      const s = (await a[0]!("POST", "/sessions", { body: {} })).body;
      for (let version = 0; version < 10; version += 1) {
        const racers = await Promise.all([0, 1].map((i) => a[i]!("PUT", `/sessions/${s.uid}`, { body: { version, status: `round ${version} by ${i}` } })));
        assert.deepEqual(racers.map((r) => r.status).sort(), [200, 409], `round ${version}`);
        assertError(racers.find((r) => r.status === 409)!, 409, "api-012");
      }
      const crowd = await Promise.all(Array.from({ length: 12 }, (_, i) => a[i % 2]!("PUT", `/sessions/${s.uid}`, { body: { version: 10, data: { by: i } } })));
      assert.equal(crowd.filter((r) => r.status === 200).length, 1);
      assert.equal(crowd.filter((r) => r.status === 409).length, 11);
      const final = (await a[0]!("GET", `/sessions/${s.uid}`)).body;
      assert.equal(final.version, 11);
      assert.deepEqual(final.data, crowd.find((r) => r.status === 200)!.body.data, "the winner's write is the one kept");
    });

    test("47. 50 users join a session of capacity 10 at once → exactly 9 × 200 and 41 × 409 session-001; 5 per team; version 9", async () => {
      const host = await on(A, 0);
      const s = (await host("POST", "/sessions", { body: { numTeams: 2, teamSize: 5 } })).body;
      const joiners = await Promise.all(Array.from({ length: 50 }, (_, i) => on(`player-${i}`, i)));
      const results = await Promise.all(joiners.map((join) => join("GET", `/sessions/${s.uid}/join`)));
      assert.equal(results.filter((r) => r.status === 200).length, 9);
      const refused = results.filter((r) => r.status !== 200);
      assert.equal(refused.length, 41);
      for (const r of refused) assertError(r, 409, "session-001");
      const final = (await host("GET", `/sessions/${s.uid}`)).body;
      assert.equal(final.users.length, 10);
      assert.deepEqual(final.teams.map((t: { members: string[] }) => t.members.length), [5, 5]);
      assert.equal(new Set(final.teams.flatMap((t: { members: string[] }) => t.members)).size, 10);
      assert.equal(final.version, 9);
    });

    test("48. one user's 20 concurrent joins → all 200; in users and the teams once; version + 1", async () => {
      const host = await on(A, 0);
      const s = (await host("POST", "/sessions", { body: { numTeams: 2, teamSize: 0 } })).body;
      const d = [await on(D, 0), await on(D, 1)];
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => d[i % 2]!("GET", `/sessions/${s.uid}/join`)));
      assert.ok(results.every((r) => r.status === 200), results.map((r) => r.status).join());
      const final = (await host("GET", `/sessions/${s.uid}`)).body;
      assert.deepEqual(final.users, [A, D]);
      assert.equal(final.teams.flatMap((t: { members: string[] }) => t.members).filter((u: string) => u === D).length, 1);
      assert.equal(final.version, 1);
    });

    test("joins racing changes of the team layout leave every user in exactly one existing team with room", async () => {
      const host = [await on(A, 0), await on(A, 1)];
      const s = (await host[0]!("POST", "/sessions", { body: { numTeams: 2, teamSize: 6 } })).body;
      const layouts = [{ numTeams: 4, teamSize: 3 }, { numTeams: 3, teamSize: 4 }, { numTeams: 6, teamSize: 2 }];
      const reshape = async () => {
        for (const [i, layout] of layouts.entries()) {
          for (;;) {
            const current = (await host[i % 2]!("GET", `/sessions/${s.uid}`)).body;
            const r = await host[i % 2]!("PUT", `/sessions/${s.uid}`, { body: { version: current.version, ...layout } });
            if (r.status === 200) break;
            assertError(r, 409, "api-012");
          }
        }
      };
      const joiners = await Promise.all(Array.from({ length: 11 }, (_, i) => on(`layout-${i}`, i)));
      const [joins] = await Promise.all([Promise.all(joiners.map((join) => join("GET", `/sessions/${s.uid}/join`))), reshape()]);
      assert.ok(joins.every((r) => r.status === 200), joins.map((r) => r.status).join());
      const final = (await host[0]!("GET", `/sessions/${s.uid}`)).body;
      assert.deepEqual([final.numTeams, final.teamSize], [6, 2]);
      assert.equal(final.users.length, 12);
      const placed = final.teams.flatMap((t: { members: string[] }) => t.members);
      assert.deepEqual([...placed].sort(), [...final.users].sort());
      assert.ok(final.teams.every((t: { members: string[] }) => t.members.length <= 2));
    });

    test("52. 50 rounds of the sole host leaving while D joins: ended and D 404, or D 200 and host; never an ended session with users", async () => {
      const outcomes = { ended: 0, handedOver: 0 };
      for (let round = 0; round < 50; round += 1) {
        const host = await on(`host-${round}`, round);
        const joiner = await on(D, round + 1);
        const s = (await host("POST", "/sessions", { body: { numTeams: 1, teamSize: 2 } })).body;
        // Both at once, each sent first in every other round, so either may win.
        const leave = () => host("GET", `/sessions/${s.uid}/leave`);
        const join = () => joiner("GET", `/sessions/${s.uid}/join`);
        const [left, joined] = round % 2 === 0 ? await Promise.all([leave(), join()]) : await Promise.all([join(), leave()]).then(([j, l]) => [l, j] as const);
        assert.equal(left.status, 200);
        const after = await joiner("GET", `/sessions/${s.uid}`);
        if (joined.status === 200) {
          outcomes.handedOver += 1;
          assert.equal(after.status, 200, `round ${round}: D joined a session that then ended`);
          assert.equal(after.body.hostUid, D);
          assert.deepEqual(after.body.users, [D]);
        } else {
          outcomes.ended += 1;
          assertError(joined, 404, "api-010");
          assertError(after, 404, "api-010");
          const stored = await http(nodes.urls[round % nodes.urls.length]!, "GET", `/api/v1/sessions/${s.uid}`, { token: ADMIN_TOKEN });
          assert.deepEqual([stored.body.state, stored.body.members], ["ended", []], `round ${round}`);
        }
      }
      assert.equal(outcomes.ended + outcomes.handedOver, 50);
      assert.ok(outcomes.ended > 0 && outcomes.handedOver > 0, `both orders happened: ${JSON.stringify(outcomes)}`);
    });
  });
}

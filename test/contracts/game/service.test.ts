import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ADMIN_TOKEN, http } from "../../helpers/server.js";
import { until } from "../../helpers/wait.js";
import { type Players, assertError, create, startGame } from "./fixture.js";

/** The game service and the family's configuration; checklist item 54 (idle sessions end). */
describe("game API: its service, settings and expiry", () => {
  let g: Players;

  before(async () => {
    // A minute, moved through by the test clock: real time spent waiting never brings a session near it.
    g = await startGame({ config: { game: { inactiveTimeoutSeconds: 60 } } });
  });
  after(() => g.t.stop());

  test("the game service is created with kind game and the configured inactivity timeout", async () => {
    const service = await http(g.t.url, "GET", "/api/v1/services/game", { token: ADMIN_TOKEN });
    assert.equal(service.status, 200);
    assert.equal(service.body.kind, "game");
    assert.equal(service.body.defaultInactiveTimeoutSeconds, 60);
    const bad = await http(g.t.url, "PATCH", "/api/v1/services/game", { token: ADMIN_TOKEN, body: { settings: { maxUsersPerSession: 0, colour: "red" } } });
    assert.equal(bad.status, 400, "the kind's settings validator refuses what it cannot use");
  });

  test("54. a session idle past the timeout is ended by the reaper → 404 here; one its users touch lives on", async () => {
    const idle = await create(g.a);
    const busy = await create(g.a);
    g.t.clock.advance(30_000);
    assert.equal((await g.a("GET", `/sessions/${busy.uid}`)).status, 200, "a GET by its host is activity");
    g.t.clock.advance(31_000);
    // Watched by a stranger: their reads are not activity on it.
    await until("the reaper to end the idle session", async () => (await g.b("GET", `/sessions/${idle.uid}`)).status === 404);
    assertError(await g.a("GET", `/sessions/${idle.uid}`), 404, "api-010");
    assertError(await g.b("GET", `/sessions/${idle.uid}/join`), 404, "api-010");
    const stored = await http(g.t.url, "GET", `/api/v1/sessions/${idle.uid}`, { token: ADMIN_TOKEN });
    assert.deepEqual([stored.body.state, stored.body.endReason], ["ended", "expired"]);
    const alive = await g.a("GET", `/sessions/${busy.uid}`);
    assert.equal(alive.status, 200);
    assert.equal(alive.body.version, 0, "activity never bumps the version");
  });

  test("a service setting lowers maxUsersPerSession for its sessions", async () => {
    const set = await http(g.t.url, "PATCH", "/api/v1/services/game", { token: ADMIN_TOKEN, body: { settings: { maxUsersPerSession: 2 } } });
    assert.equal(set.status, 200, set.text);
    const s = await create(g.a);
    assert.equal((await g.b("GET", `/sessions/${s.uid}/join`)).status, 200);
    assertError(await g.c("GET", `/sessions/${s.uid}/join`), 409, "session-001");
    assertError(await g.a("POST", "/sessions", { body: { numTeams: 1, teamSize: 3 } }), 400, "api-003");
  });

  test("the environment chooses the service and the hard limit; disabled, the routes are gone", async () => {
    const arena = await startGame({ env: { SESSIONHUB_GAME_SERVICE: "arena", SESSIONHUB_GAME_MAX_USERS_PER_SESSION: "2" } });
    try {
      const s = await create(arena.a);
      const native = await http(arena.t.url, "GET", `/api/v1/sessions/${s.uid}`, { token: ADMIN_TOKEN });
      assert.equal(native.body.serviceId, "arena");
      assert.equal((await arena.b("GET", `/sessions/${s.uid}/join`)).status, 200);
      assertError(await arena.c("GET", `/sessions/${s.uid}/join`), 409, "session-001");
    } finally {
      await arena.t.stop();
    }
    const off = await startGame({ env: { SESSIONHUB_GAME_ENABLED: "false" } });
    try {
      assert.equal((await off.a("GET", "/sessions")).status, 404);
      assert.equal((await http(off.t.url, "GET", "/api/v1/services/game", { token: ADMIN_TOKEN })).status, 404);
    } finally {
      await off.t.stop();
    }
  });
});

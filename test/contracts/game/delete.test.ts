import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ADMIN_TOKEN, http } from "../../helpers/server.js";
import { B, C, type Players, assertEmpty, assertError, create, startGame } from "./fixture.js";

/** Game contract checklist items 36–38: Delete is the host's or an admin's, idempotent; Truncate is an admin's, per service. */
describe("game API: delete and truncate", () => {
  let g: Players;

  before(async () => {
    g = await startGame();
  });
  after(() => g.t.stop());

  test("36. host DELETE → 200 empty; then GET → 404; DELETE again and DELETE of a random UUID → 200", async () => {
    const s = await create(g.a);
    assertEmpty(await g.a("DELETE", `/sessions/${s.uid}`));
    assertError(await g.a("GET", `/sessions/${s.uid}`), 404, "api-010");
    assertEmpty(await g.a("DELETE", `/sessions/${s.uid}`));
    assertEmpty(await g.a("DELETE", "/sessions/0193a6f2-7c4e-7b1a-9f3d-5e2c8a1b4d60"));
    assertEmpty(await g.a("DELETE", "/sessions/not-a-uuid"));
    const r = await g.a("DELETE", `/sessions/${(await create(g.a)).uid.toUpperCase()}/`);
    assertEmpty(r);
    assert.equal(r.headers.get("cache-control"), "no-store");
  });

  test("37. a user or a stranger cannot delete a public session, nor a user a system-owned one; an admin can", async () => {
    const s = await create(g.a);
    assert.equal((await g.b("GET", `/sessions/${s.uid}/join`)).status, 200);
    assertError(await g.b("DELETE", `/sessions/${s.uid}`), 403, "api-102");
    assertError(await g.c("DELETE", `/sessions/${s.uid}`), 403, "api-102");
    const system = await create(g.z, { hostUid: "", users: [B, C] });
    assertError(await g.b("DELETE", `/sessions/${system.uid}`), 403, "api-102");
    assertEmpty(await g.z("DELETE", `/sessions/${s.uid}`));
    assertEmpty(await g.z("DELETE", `/sessions/${system.uid}`));
    assertError(await g.z("GET", `/sessions/${system.uid}`), 404, "api-010");
    // Invisible: a private session of someone else is as good as absent.
    const hidden = await create(g.a, { visibility: "private" });
    assertEmpty(await g.b("DELETE", `/sessions/${hidden.uid}`));
    assert.equal((await g.a("GET", `/sessions/${hidden.uid}`)).status, 200);
  });

  test("38. Truncate: a non-admin → 403 and nothing removed; an admin → 200, count 0, other services untouched", async () => {
    assert.equal((await http(g.t.url, "POST", "/api/v1/services", { token: ADMIN_TOKEN, body: { id: "second-title" } })).status, 201);
    const other = await http(g.t.url, "POST", "/api/v1/sessions", { token: ADMIN_TOKEN, body: { serviceId: "second-title" } });
    for (let i = 0; i < 5; i += 1) await create(g.a, { status: `t${i}` });
    const before = (await g.z("GET", "/sessions/count")).body.count;
    assert.ok(before >= 5);
    assertError(await g.a("DELETE", "/sessions"), 403, "api-102");
    assert.equal((await g.z("GET", "/sessions/count")).body.count, before);
    assertEmpty(await g.z("DELETE", "/sessions"));
    assert.deepEqual((await g.z("GET", "/sessions/count")).body, { count: 0 });
    assert.deepEqual((await g.z("GET", "/sessions")).body, []);
    assert.equal((await http(g.t.url, "GET", `/api/v1/sessions/${other.body.id}`, { token: ADMIN_TOKEN })).status, 200);
    assertEmpty(await g.z("DELETE", "/sessions/"));
  });
});

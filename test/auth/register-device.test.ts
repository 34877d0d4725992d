import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Users } from "../../src/auth/users.js";
import { isCoreError } from "../../src/core/errors.js";
import { EventBus } from "../../src/core/events.js";
import { SqliteStore } from "../../src/store/sqlite/index.js";

/** Users.registerDevice: find or register a device user and issue a token, atomically. */
describe("auth: device registration", () => {
  const dir = mkdtempSync(join(tmpdir(), "sessionhub-devices-"));
  let store: SqliteStore;
  let users: Users;
  const base = { clientType: "phone", allowCreate: true, issuer: "test" };

  before(async () => {
    store = new SqliteStore({ file: join(dir, "users.db"), nodeId: "0190f3c2-7d1e-7a43-9b5e-4f6a2d8c1e77", clock: Date.now });
    await store.migrate();
    users = new Users(store, new EventBus(), Date.now, 32);
  });

  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("concurrent first calls with one device id create exactly one user, each with its own token", async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, () => users.registerDevice({ ...base, deviceId: "dev-1", newId: (n) => `dev1-${n}` })),
    );
    assert.equal(new Set(results.map((r) => r.user.id)).size, 1);
    assert.equal(results.filter((r) => r.created).length, 1);
    assert.equal(new Set(results.map((r) => r.issued.secret)).size, 30);
    assert.equal((await store.listUsers()).filter((u) => u.deviceId === "dev-1").length, 1);
    assert.ok(results.every((r) => r.issued.token.issuer === "test"));
  });

  test("a taken id moves on to the next attempt; an existing user keeps its attributes", async () => {
    const first = await users.registerDevice({ ...base, deviceId: "dev-2", newId: () => "same-id", attributes: { a: 1 } });
    const second = await users.registerDevice({ ...base, deviceId: "dev-3", newId: (n) => (n === 1 ? "same-id" : `same-id-${n}`) });
    assert.equal(first.user.id, "same-id");
    assert.equal(second.user.id, "same-id-2");
    const again = await users.registerDevice({ ...base, clientType: "tablet", deviceId: "dev-2", newId: () => "other", attributes: { a: 2 } });
    assert.equal(again.created, false);
    assert.deepEqual(again.user.attributes, { a: 1 });
    assert.equal(again.user.clientType, "phone");
  });

  test("a device id of an account that is not a device user, or a new device when creation is off → forbidden", async () => {
    await store.insertUser({ id: "staff", roles: ["admin"], passwordHash: null, deviceId: "adm-1", clientType: null, attributes: {}, disabled: false }, Date.now());
    await assert.rejects(users.registerDevice({ ...base, deviceId: "adm-1", newId: () => "x" }), (e) => isCoreError(e, "forbidden"));
    await assert.rejects(users.registerDevice({ ...base, allowCreate: false, deviceId: "new-dev", newId: () => "y" }), (e) => isCoreError(e, "forbidden"));
    assert.equal(await store.getUserByDeviceId("new-dev"), null);
    const existing = await users.registerDevice({ ...base, allowCreate: false, deviceId: "dev-1", newId: () => "z" });
    assert.equal(existing.created, false);
  });
});

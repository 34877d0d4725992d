import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { D1_BODY, type Fixture, native, sqliteNodes, startFixture } from "./fixture.js";
import { concurrentRegistration } from "./nodes.js";

const USER_KEYS = ["id", "username", "token", "first_name", "last_name", "email", "device_id", "client_type"];

/** Checklist items 4–11: device accounts, tokens and login. */
describe("roundware: users and login", () => {
  let f: Fixture;

  before(async () => {
    f = await startFixture();
  });

  after(() => f.t.stop());

  test("4. R1 → 200 with exactly the 8 keys in order, integer id, token without whitespace, no-store", async () => {
    const r = await f.call("POST", "users/", { auth: null, body: { ...D1_BODY, device_id: "fresh-4", first_name: "Ada", email: "ada@example.org" } });
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body), USER_KEYS);
    assert.ok(Number.isInteger(r.body.id));
    assert.ok(typeof r.body.username === "string" && r.body.username.length > 0);
    assert.match(r.body.token, /^[\x21-\x7e]+$/);
    assert.equal(r.body.device_id, "fresh-4");
    assert.equal(r.body.client_type, "phone");
    assert.equal(r.body.first_name, "Ada");
    assert.equal(r.body.last_name, "");
    assert.equal(r.body.email, "ada@example.org");
    assert.equal(r.headers.get("cache-control"), "no-store");
    assert.match(r.body.username, /^\d{10}esh4$/);
  });

  test("4. the fixture's D1 is the contract's device user", async () => {
    const r = await f.call("POST", "users/", { auth: null, body: D1_BODY });
    assert.equal(r.body.device_id, "12891038109281");
    assert.equal(r.body.client_type, "phone");
    assert.match(r.body.username, /^\d{10}9281$/);
  });

  test("5. repeating R1 returns the same user, the stored client type and a new token; old and new tokens both work", async () => {
    const again = await f.call("POST", "users/", { auth: null, body: { ...D1_BODY, client_type: "tablet" } });
    assert.equal(again.status, 200);
    assert.equal(again.body.id, f.D1.id);
    assert.equal(again.body.username, f.D1.username);
    assert.equal(again.body.client_type, "phone");
    assert.notEqual(again.body.token, f.T1);
    for (const token of [f.T1, again.body.token]) assert.equal((await f.call("GET", "sessions/", { auth: token })).status, 200);
  });

  test("6. form-urlencoded, multipart, JSON without Content-Type, and a bogus Authorization header all → 200", async () => {
    const form = await f.call("POST", "users/", { auth: null, raw: "device_id=f-1&client_type=web", headers: { "content-type": "application/x-www-form-urlencoded" } });
    assert.equal(form.status, 200, form.text);
    assert.equal(form.body.device_id, "f-1");
    const body = new FormData();
    body.set("device_id", "m-1");
    body.set("client_type", "web");
    const multipart = await fetch(`${f.url}/api/2/users/`, { method: "POST", body });
    assert.equal(multipart.status, 200);
    assert.equal(((await multipart.json()) as { device_id: string }).device_id, "m-1");
    const bare = await fetch(`${f.url}/api/2/users/`, { method: "POST", body: Buffer.from(JSON.stringify({ device_id: "n-1", client_type: "web" })) });
    assert.equal(bare.status, 200);
    const stale = await f.call("POST", "users/", { auth: "bogus", body: { device_id: "s-1", client_type: "web" } });
    assert.equal(stale.status, 200);
  });

  test("7. missing fields, blank, too long, wrong types, a list, broken JSON and text/plain → clean 4xx", async () => {
    const invalid = { non_field_errors: ["Invalid user request"] };
    assert.deepEqual((await f.call("POST", "users/", { auth: null, body: {} })).body, invalid);
    const one = await f.call("POST", "users/", { auth: null, body: { device_id: "x" } });
    assert.equal(one.status, 400);
    assert.deepEqual(one.body, invalid);
    assert.equal((await f.call("POST", "users/", { auth: null, raw: "" })).text, JSON.stringify(invalid));
    assert.deepEqual((await f.call("POST", "users/", { auth: null, body: { device_id: "", client_type: "web" } })).body, { device_id: ["This field may not be blank."] });
    assert.deepEqual((await f.call("POST", "users/", { auth: null, body: { device_id: "d".repeat(256), client_type: "web" } })).body, {
      device_id: ["Ensure this field has no more than 255 characters."],
    });
    assert.deepEqual((await f.call("POST", "users/", { auth: null, body: { device_id: ["a"], client_type: true } })).body, {
      device_id: ["Not a valid string."],
      client_type: ["Not a valid string."],
    });
    const list = await f.call("POST", "users/", { auth: null, body: [] });
    assert.equal(list.status, 400);
    assert.deepEqual(list.body, { non_field_errors: ["Invalid data. Expected a dictionary, but got list."] });
    const broken = await f.call("POST", "users/", { auth: null, raw: "{", headers: { "content-type": "application/json" } });
    assert.equal(broken.status, 400);
    assert.match(broken.body.detail, /^JSON parse error - /);
    const text = await f.call("POST", "users/", { auth: null, raw: "device_id=x", headers: { "content-type": "text/plain" } });
    assert.equal(text.status, 415);
    assert.deepEqual(text.body, { detail: 'Unsupported media type "text/plain" in request.' });
  });

  test("8. 50 concurrent first R1 calls with one new device id (split over the nodes) → 50 × 200, one user", async () => {
    await concurrentRegistration(f, sqliteNodes);
  });

  test("9. a device id that belongs to an administrator → 403 and no token; so does a disabled device user", async () => {
    assert.equal((await native(f.t, "PATCH", "/users/admin", { deviceId: "adm-1" })).status, 200);
    const r = await f.call("POST", "users/", { auth: null, body: { device_id: "adm-1", client_type: "web" } });
    assert.equal(r.status, 403);
    assert.deepEqual(r.body, { detail: "You do not have permission to perform this action." });
    const d = await f.call("POST", "users/", { auth: null, body: { device_id: "to-disable", client_type: "web" } });
    assert.equal((await native(f.t, "PATCH", `/users/${d.body.username}`, { disabled: true })).status, 200);
    const disabled = await f.call("POST", "users/", { auth: null, body: { device_id: "to-disable", client_type: "web" } });
    assert.equal(disabled.status, 403);
    assert.ok(!("token" in disabled.body));
    assert.deepEqual((await f.call("GET", "sessions/", { auth: d.body.token })).body, { detail: "User inactive or deleted." });
  });

  test("10. login: admin's password → exactly {token}, which works; form too; failures and missing fields → 400; GET → 405", async () => {
    const r = await f.call("POST", "login/", { auth: null, body: { username: "admin", password: "pw-admin" } });
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body), ["token"]);
    assert.equal((await f.call("GET", "sessions/count/", { auth: r.body.token })).status, 200);
    const form = await f.call("POST", "login/", { auth: null, raw: "username=admin&password=pw-admin", headers: { "content-type": "application/x-www-form-urlencoded" } });
    assert.equal(form.status, 200);
    assert.notEqual(form.body.token, r.body.token);
    const refused = { non_field_errors: ["Unable to log in with provided credentials."] };
    for (const body of [{ username: "admin", password: "wrong" }, { username: "nobody", password: "pw-admin" }, { username: f.D1.username, password: "x" }]) {
      const bad = await f.call("POST", "login/", { auth: "bogus", body });
      assert.equal(bad.status, 400);
      assert.deepEqual(bad.body, refused);
    }
    assert.deepEqual((await f.call("POST", "login/", { auth: null, body: {} })).body, {
      username: ["This field is required."],
      password: ["This field is required."],
    });
    assert.deepEqual((await f.call("POST", "login/", { auth: null, body: { username: "", password: "" } })).body, {
      username: ["This field may not be blank."],
      password: ["This field may not be blank."],
    });
    const get = await f.call("GET", "login/", { auth: null });
    assert.equal(get.status, 405);
    assert.deepEqual(get.body, { detail: 'Method "GET" not allowed.' });
    assert.equal(get.headers.get("allow"), "POST, OPTIONS");
    const tokens = await native(f.t, "GET", "/tokens?userId=admin");
    assert.ok(tokens.body.items.some((t: { issuer: string; name: string }) => t.issuer === "roundware" && t.name === "login"));
  });

  test("11. GET users/ → only yourself (admins: device users, or all with ?all=true); another's id → 404; no auth → 401", async () => {
    const mine = await f.call("GET", "users/", { auth: f.T1 });
    assert.equal(mine.status, 200);
    assert.deepEqual(mine.body, [{ id: f.D1.id, username: f.D1.username, first_name: "", last_name: "", email: "", device_id: "12891038109281", client_type: "phone" }]);
    const theirs = await f.call("GET", `users/${f.D2.id}/`, { auth: f.T1 });
    assert.equal(theirs.status, 404);
    assert.deepEqual(theirs.body, { detail: "Not found." });
    assert.equal((await f.call("GET", `users/${f.D2.id}/`)).body.username, f.D2.username);
    assert.deepEqual((await f.call("GET", `users/${f.D1.id}/`, { auth: f.T1 })).body, mine.body[0]);
    assert.equal((await f.call("GET", "users/abc/", { auth: f.T1 })).status, 404);
    const none = await f.call("GET", "users/", { auth: null });
    assert.equal(none.status, 401);
    assert.equal(none.headers.get("www-authenticate"), "Token");
    assert.equal((await native(f.t, "POST", "/users", { id: "no-device-11" })).status, 201);
    const admin = (await f.call("GET", "users/")).body as { username: string; device_id: string | null }[];
    assert.ok(admin.some((u) => u.username === f.D2.username));
    assert.ok(admin.every((u) => u.device_id !== null));
    assert.ok(!admin.some((u) => u.username === "no-device-11"));
    const all = (await f.call("GET", "users/?all=true")).body as { username: string }[];
    assert.ok(all.some((u) => u.username === "no-device-11"));
    assert.ok(admin.every((u) => all.some((a) => a.username === u.username)));
    assert.equal((await f.call("PATCH", `users/${f.D1.id}/`, { auth: f.T1, body: {} })).status, 405);
  });
});

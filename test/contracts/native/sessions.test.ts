import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ADMIN_TOKEN, type TestServer, client, http, startServer, usersWithTokens } from "../../helpers/server.js";
import { until } from "../../helpers/wait.js";

/** Native contract checklist items 1, 2, 3, 4, 6 and 9, over real HTTP. */
describe("native API: sessions", () => {
  let t: TestServer;
  let admin: ReturnType<typeof client>;
  let tokens: Record<string, string> = {};

  before(async () => {
    t = await startServer();
    admin = client(t.url, ADMIN_TOKEN);
    assert.equal((await admin("POST", "/api/v1/services", { body: { id: "lobby", name: "Lobby" } })).status, 201);
    tokens = await usersWithTokens(t.url, ["alice", "bob", "carol", ...Array.from({ length: 50 }, (_, i) => `joiner${i}`)]);
  });

  after(() => t.stop());

  test("1. create → 201 with Location and ETag; GET by id and by number return the same session", async () => {
    const alice = client(t.url, tokens.alice!);
    const created = await alice("POST", "/api/v1/sessions", { body: { serviceId: "lobby", name: "first", attributes: { mode: "ctf" } } });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get("location"), `/api/v1/sessions/${created.body.id}`);
    assert.equal(created.headers.get("etag"), '"0"');
    assert.match(created.body.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(created.body.owner, "alice");
    assert.equal(created.body.state, "idle");
    assert.equal(created.body.version, 0);
    assert.match(created.body.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const byId = await alice("GET", `/api/v1/sessions/${created.body.id}`);
    const byNumber = await alice("GET", `/api/v1/sessions/${created.body.number}`);
    assert.equal(byId.status, 200);
    assert.equal(byNumber.status, 200);
    assert.equal(byId.body.id, created.body.id);
    assert.deepEqual({ ...byNumber.body, lastActivityAt: null, expiresAt: null }, { ...byId.body, lastActivityAt: null, expiresAt: null });
    assert.deepEqual(Object.keys(byId.body), [
      "id", "number", "serviceId", "owner", "state", "endReason", "status", "name", "description", "visibility", "hasPassword",
      "capacity", "memberCount", "members", "invited", "client", "attributes", "inactiveTimeoutSeconds", "expiresAt", "createdAt",
      "updatedAt", "stateChangedAt", "lastActivityAt", "endedAt", "nodeId", "version",
    ]);
    const notModified = await alice("GET", `/api/v1/sessions/${created.body.id}`, { headers: { "if-none-match": '"0"' } });
    assert.equal(notModified.status, 304);
    assert.equal(notModified.text, "");
  });

  test("2. PATCH with a stale If-Match → 412; concurrent PATCHes with one version → exactly one 200", async () => {
    const alice = client(t.url, tokens.alice!);
    const s = (await alice("POST", "/api/v1/sessions", { body: { serviceId: "lobby" } })).body;
    const ok = await alice("PATCH", `/api/v1/sessions/${s.id}`, { body: { status: "lobby" }, headers: { "if-match": '"0"' } });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.version, 1);
    assert.equal(ok.headers.get("etag"), '"1"');
    const stale = await alice("PATCH", `/api/v1/sessions/${s.id}`, { body: { status: "x" }, headers: { "if-match": '"0"' } });
    assert.equal(stale.status, 412);
    assert.equal(stale.headers.get("content-type"), "application/problem+json; charset=utf-8");
    const racers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => alice("PATCH", `/api/v1/sessions/${s.id}`, { body: { status: `s${i}`, version: 1 } })),
    );
    assert.equal(racers.filter((r) => r.status === 200).length, 1);
    assert.ok(racers.filter((r) => r.status !== 200).every((r) => r.status === 409 && r.body.type.endsWith("/version-conflict")));
    const racersByHeader = await Promise.all(
      Array.from({ length: 10 }, (_, i) => alice("PATCH", `/api/v1/sessions/${s.id}`, { body: { name: `n${i}` }, headers: { "if-match": '"2"' } })),
    );
    assert.equal(racersByHeader.filter((r) => r.status === 200).length, 1);
    assert.equal(racersByHeader.filter((r) => r.status === 412).length, 9);
    const merged = await alice("PATCH", `/api/v1/sessions/${s.id}`, {
      body: { attributes: { a: 1, nested: { x: 1, y: 2 } } },
      headers: { "content-type": "application/merge-patch+json" },
    });
    assert.equal(merged.status, 200);
    const merged2 = await alice("PATCH", `/api/v1/sessions/${s.id}`, { body: { attributes: { a: null, nested: { y: 3 } } } });
    assert.deepEqual(merged2.body.attributes, { nested: { x: 1, y: 3 } });
  });

  test("If-Match compares strongly: a weak tag never matches (412); If-None-Match weakly (304)", async () => {
    const alice = client(t.url, tokens.alice!);
    const s = (await alice("POST", "/api/v1/sessions", { body: { serviceId: "lobby" } })).body;
    for (const ifMatch of ['W/"0"', 'W/"0", W/"1"']) {
      const weak = await alice("PATCH", `/api/v1/sessions/${s.id}`, { body: { status: "x" }, headers: { "if-match": ifMatch } });
      assert.equal(weak.status, 412, ifMatch);
      assert.equal(weak.headers.get("content-type"), "application/problem+json; charset=utf-8");
      assert.equal(weak.body.status, 412);
    }
    assert.equal((await alice("GET", `/api/v1/sessions/${s.id}`)).body.version, 0, "nothing changed");
    const notModified = await alice("GET", `/api/v1/sessions/${s.id}`, { headers: { "if-none-match": 'W/"0"' } });
    assert.equal(notModified.status, 304);
  });

  test("3. 50 concurrent joins on a capacity-10 session → exactly 10 members and 40 × 409 session-full", async () => {
    const alice = client(t.url, tokens.alice!);
    const s = (await alice("POST", "/api/v1/sessions", { body: { serviceId: "lobby", capacity: 10 } })).body;
    const joins = await Promise.all(Array.from({ length: 50 }, (_, i) => http(t.url, "POST", `/api/v1/sessions/${s.id}/members`, { token: tokens[`joiner${i}`]!, body: {} })));
    assert.equal(joins.filter((r) => r.status === 201).length, 10);
    const full = joins.filter((r) => r.status === 409);
    assert.equal(full.length, 40);
    assert.ok(full.every((r) => r.body.type.endsWith("/session-full")));
    const after = await alice("GET", `/api/v1/sessions/${s.id}`);
    assert.equal(after.body.memberCount, 10);
    assert.equal(after.body.version, 10);
    const again = await http(t.url, "POST", `/api/v1/sessions/${s.id}/members`, { token: tokens[`joiner${joins.findIndex((r) => r.status === 201)}`]!, body: {} });
    assert.equal(again.status, 200);
    assert.equal(again.body.version, 10);
  });

  test("4. wrong password → 403; password and hashes appear in no response, event or log line", async () => {
    const alice = client(t.url, tokens.alice!);
    const bob = client(t.url, tokens.bob!);
    const secret = "hunter2-very-secret";
    const s = (await alice("POST", "/api/v1/sessions", { body: { serviceId: "lobby", password: secret } })).body;
    assert.equal(s.hasPassword, true);
    const wrong = await bob("POST", `/api/v1/sessions/${s.id}/members`, { body: { password: "nope" } });
    assert.equal(wrong.status, 403);
    assert.ok(wrong.body.type.endsWith("/wrong-password"));
    const none = await bob("POST", `/api/v1/sessions/${s.id}/members`, { body: {} });
    assert.equal(none.status, 403);
    const right = await bob("POST", `/api/v1/sessions/${s.id}/members`, { body: { password: secret } });
    assert.equal(right.status, 201);
    const everything = [
      JSON.stringify((await admin("GET", `/api/v1/sessions/${s.id}`)).body),
      JSON.stringify((await admin("GET", "/api/v1/sessions?limit=1000")).body),
      JSON.stringify(await t.server.store.readEvents(0, 100_000)),
      t.logs.join("\n"),
    ].join("\n");
    assert.ok(!everything.includes(secret), "the password leaked");
    assert.ok(!everything.includes("scrypt$"), "a password hash leaked");
    assert.ok(!everything.includes(ADMIN_TOKEN), "a token leaked");
  });

  test("6. heartbeat moves expiresAt; an idle session is ended/expired within one reaper interval", async () => {
    const alice = client(t.url, tokens.alice!);
    const s = (await alice("POST", "/api/v1/sessions", { body: { serviceId: "lobby", inactiveTimeoutSeconds: 30 } })).body;
    t.clock.advance(10_000);
    const beat = await alice("POST", `/api/v1/sessions/${s.id}/heartbeat`);
    assert.equal(beat.status, 200);
    assert.ok(Date.parse(beat.body.expiresAt) >= Date.parse(s.expiresAt) + 9_000);
    t.clock.advance(31_000);
    // Watched in the store: alice's GET would be activity on it.
    await until("the reaper to end the session", async () => (await t.server.store.getSession({ id: s.id }))?.state === "ended");
    const ended = await alice("GET", `/api/v1/sessions/${s.id}`);
    assert.equal(ended.body.state, "ended");
    assert.equal(ended.body.endReason, "expired");
    const never = (await alice("POST", "/api/v1/sessions", { body: { serviceId: "lobby", inactiveTimeoutSeconds: 0 } })).body;
    assert.equal(never.expiresAt, null);
  });

  test("9. a retried create with the same Idempotency-Key returns the same session", async () => {
    const alice = client(t.url, tokens.alice!);
    const headers = { "idempotency-key": "create-once-1" };
    const first = await alice("POST", "/api/v1/sessions", { body: { serviceId: "lobby", name: "idem" }, headers });
    const retries = await Promise.all(Array.from({ length: 5 }, () => alice("POST", "/api/v1/sessions", { body: { serviceId: "lobby", name: "idem" }, headers })));
    for (const r of retries) {
      assert.equal(r.status, 201);
      assert.deepEqual(r.body, first.body);
    }
    const bobSameKey = await client(t.url, tokens.bob!)("POST", "/api/v1/sessions", { body: { serviceId: "lobby", name: "idem" }, headers });
    assert.notEqual(bobSameKey.body.id, first.body.id, "keys are scoped to the caller");
    const alices = await admin("GET", "/api/v1/sessions?owner=alice&limit=1000");
    const named = alices.body.items.filter((s: { name: string | null }) => s.name === "idem");
    assert.deepEqual(named.map((s: { id: string }) => s.id), [first.body.id], "one session from six creates with one key");
  });

  test("end, delete, leave and kick follow the access policy", async () => {
    const alice = client(t.url, tokens.alice!);
    const bob = client(t.url, tokens.bob!);
    const carol = client(t.url, tokens.carol!);
    const s = (await alice("POST", "/api/v1/sessions", { body: { serviceId: "lobby" } })).body;
    assert.equal((await bob("POST", `/api/v1/sessions/${s.id}/members`, { body: {} })).status, 201);
    assert.equal((await carol("POST", `/api/v1/sessions/${s.id}/members`, { body: {} })).status, 201);
    assert.equal((await bob("DELETE", `/api/v1/sessions/${s.id}/members/carol`)).status, 403);
    assert.equal((await alice("DELETE", `/api/v1/sessions/${s.id}/members/carol`)).status, 204);
    assert.equal((await bob("DELETE", `/api/v1/sessions/${s.id}/members/me`)).status, 204);
    assert.equal((await alice("GET", `/api/v1/sessions/${s.id}/members`)).body.items.length, 0);
    assert.equal((await bob("PATCH", `/api/v1/sessions/${s.id}`, { body: { status: "x" } })).status, 403);
    assert.equal((await bob("POST", `/api/v1/sessions/${s.id}/end`, { body: {} })).status, 403);
    assert.equal((await bob("DELETE", `/api/v1/sessions/${s.id}`)).status, 403);
    assert.equal((await alice("POST", `/api/v1/sessions/${s.id}/end`, { body: { reason: "killed" } })).status, 403);
    const ended = await alice("POST", `/api/v1/sessions/${s.id}/end`, { body: {} });
    assert.equal(ended.status, 200);
    assert.equal(ended.body.state, "ended");
    assert.equal(ended.body.endReason, "closed");
    assert.equal((await alice("DELETE", `/api/v1/sessions/${s.id}`)).status, 204);
    assert.equal((await alice("GET", `/api/v1/sessions/${s.id}`)).status, 404);
  });

  test("log lines are appended and read back by stream", async () => {
    const alice = client(t.url, tokens.alice!);
    const s = (await alice("POST", "/api/v1/sessions", { body: { serviceId: "lobby" } })).body;
    const appended = await alice("POST", `/api/v1/sessions/${s.id}/log`, {
      body: { lines: [{ type: "note", text: "NOTE: hello" }, { text: "out", stream: "listing" }, { type: "warning", text: "careful" }] },
    });
    assert.equal(appended.status, 201);
    const log = await alice("GET", `/api/v1/sessions/${s.id}/log?limit=1`);
    assert.deepEqual(log.body.items.map((l: { text: string }) => l.text), ["NOTE: hello"]);
    assert.equal(log.body.total, 2);
    assert.equal(log.body.nextFrom, 1);
    const listing = await alice("GET", `/api/v1/sessions/${s.id}/log?stream=listing`);
    assert.deepEqual(listing.body.items.map((l: { text: string }) => l.text), ["out"]);
    assert.equal((await client(t.url, tokens.bob!)("POST", `/api/v1/sessions/${s.id}/log`, { body: { lines: [{ text: "x" }] } })).status, 403);
  });
});

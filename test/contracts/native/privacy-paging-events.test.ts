import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ADMIN_TOKEN, type TestServer, client, startServer, usersWithTokens } from "../../helpers/server.js";
import { openEventStream } from "../../helpers/sse.js";
import { until } from "../../helpers/wait.js";

/** Native contract checklist items 5, 7 and 8. */
describe("native API: privacy, paging, events", () => {
  let t: TestServer;
  let admin: ReturnType<typeof client>;
  let tokens: Record<string, string> = {};

  before(async () => {
    t = await startServer();
    admin = client(t.url, ADMIN_TOKEN);
    await admin("POST", "/api/v1/services", { body: { id: "lobby" } });
    await admin("POST", "/api/v1/services", { body: { id: "bulk" } });
    tokens = await usersWithTokens(t.url, ["alice", "bob", "carol"]);
  });

  after(() => t.stop());

  test("5. a user never sees another user's private session in any list, count, event or GET", async () => {
    const alice = client(t.url, tokens.alice!);
    const bob = client(t.url, tokens.bob!);
    const carol = client(t.url, tokens.carol!);
    const bobStream = await openEventStream(`${t.url}/api/v1/events`, tokens.bob!);
    const carolStream = await openEventStream(`${t.url}/api/v1/events`, tokens.carol!);
    const hidden = (await alice("POST", "/api/v1/sessions", { body: { serviceId: "lobby", visibility: "private", name: "secret-plan", invited: ["carol"] } })).body;
    const shown = (await alice("POST", "/api/v1/sessions", { body: { serviceId: "lobby", name: "open-lobby" } })).body;
    await alice("PATCH", `/api/v1/sessions/${hidden.id}`, { body: { status: "changed" } });
    assert.equal((await bob("GET", `/api/v1/sessions/${hidden.id}`)).status, 404);
    assert.equal((await bob("GET", `/api/v1/sessions/${hidden.number}`)).status, 404);
    assert.equal((await bob("POST", `/api/v1/sessions/${hidden.id}/members`, { body: {} })).status, 404);
    assert.equal((await bob("PATCH", `/api/v1/sessions/${hidden.id}`, { body: { status: "x" } })).status, 404);
    assert.equal((await bob("GET", `/api/v1/sessions/${hidden.id}/log`)).status, 404);
    const bobList = await bob("GET", "/api/v1/sessions?service=lobby&count=true&limit=1000");
    const bobIds = bobList.body.items.map((s: { id: string }) => s.id);
    assert.ok(!bobIds.includes(hidden.id));
    assert.ok(bobIds.includes(shown.id));
    assert.equal(bobList.body.total, bobIds.length);
    const carolList = await carol("GET", "/api/v1/sessions?service=lobby&limit=1000");
    assert.ok(carolList.body.items.some((s: { id: string }) => s.id === hidden.id), "invited users see it");
    assert.equal((await carol("GET", `/api/v1/sessions/${hidden.id}`)).status, 200);
    // A marker after everything above: what either stream was to get of it has come before it.
    const marker = (await alice("POST", "/api/v1/sessions", { body: { serviceId: "lobby", name: "marker" } })).body;
    const bobEvents = await bobStream.through((e) => e.data.sessionId === marker.id);
    const carolEvents = await carolStream.through((e) => e.data.sessionId === marker.id);
    bobStream.close();
    carolStream.close();
    assert.ok(bobEvents.some((e) => e.data.sessionId === shown.id), "bob sees the public session's events");
    assert.ok(!bobEvents.some((e) => e.data.sessionId === hidden.id), "bob sees no event of the private session");
    assert.ok(!JSON.stringify(bobEvents).includes("secret-plan"));
    assert.ok(carolEvents.some((e) => e.data.sessionId === hidden.id && e.event === "session.updated"));
  });

  test("7. cursor paging over 10,000 sessions returns each exactly once while sessions are being created", async () => {
    const store = t.server.store;
    for (let i = 0; i < 10_000; i += 1) {
      await t.server.hub.sessions.create(
        { userId: "admin", roles: ["admin"], isAdmin: true, method: "token" },
        { serviceId: "bulk", name: `bulk-${i}`, status: `s${i % 7}` },
      );
    }
    assert.equal(await store.countSessions({ field: "serviceId", op: "eq", value: "bulk" }), 10_000);
    const seen = new Set<string>();
    let duplicates = 0;
    let cursor: string | null = null;
    let created = 0;
    let pages = 0;
    do {
      const page: { status: number; body: { items: { id: string; name: string }[]; nextCursor: string | null } } = await admin(
        "GET",
        `/api/v1/sessions?service=bulk&sort=status,-createdAt&limit=500${cursor ? `&cursor=${cursor}` : ""}`,
      );
      assert.equal(page.status, 200);
      for (const s of page.body.items) {
        if (seen.has(s.id)) duplicates += 1;
        seen.add(s.id);
      }
      cursor = page.body.nextCursor;
      pages += 1;
      for (let i = 0; i < 5; i += 1) {
        await admin("POST", "/api/v1/sessions", { body: { serviceId: "bulk", name: `during-${created}`, status: "s3" } });
        created += 1;
      }
    } while (cursor);
    assert.equal(duplicates, 0);
    const originals = [...seen].length;
    assert.ok(originals >= 10_000, `saw ${originals} sessions in ${pages} pages`);
    const all = await store.querySessions({ where: { and: [{ field: "serviceId", op: "eq", value: "bulk" }, { field: "name", op: "like", value: "bulk-%" }] }, limit: 20_000 });
    for (const s of all.items) assert.ok(seen.has(s.id), `session ${s.name} missed`);
    const bad = await admin("GET", "/api/v1/sessions?cursor=not-a-cursor");
    assert.equal(bad.status, 400);
  });

  test("8. the event stream delivers create/update/join/end in order and resumes from Last-Event-ID", async () => {
    const alice = client(t.url, tokens.alice!);
    const bob = client(t.url, tokens.bob!);
    const stream = await openEventStream(`${t.url}/api/v1/events?service=lobby`, tokens.alice!);
    const s = (await alice("POST", "/api/v1/sessions", { body: { serviceId: "lobby" } })).body;
    await alice("PATCH", `/api/v1/sessions/${s.id}`, { body: { status: "ready" } });
    await bob("POST", `/api/v1/sessions/${s.id}/members`, { body: {} });
    await alice("POST", `/api/v1/sessions/${s.id}/end`, { body: {} });
    const marker = (await alice("POST", "/api/v1/sessions", { body: { serviceId: "lobby", name: "marker" } })).body;
    const events = (await stream.through((e) => e.data.sessionId === marker.id)).filter((e) => e.data.sessionId === s.id);
    stream.close();
    assert.deepEqual(events.map((e) => e.event), ["session.created", "session.updated", "member.joined", "session.ended"]);
    const ids = events.map((e) => Number(e.id));
    assert.deepEqual([...ids].sort((a, b) => a - b), ids);
    const resumed = await openEventStream(`${t.url}/api/v1/events?session=${s.id}`, tokens.alice!, String(ids[1]));
    // Nothing follows an ended session's end: the replay is complete once it has come.
    const replay = await resumed.through((e) => e.event === "session.ended");
    resumed.close();
    assert.deepEqual(replay.map((e) => e.event), ["member.joined", "session.ended"]);
    assert.deepEqual(replay.map((e) => Number(e.id)), ids.slice(2));
  });

  test("HEAD /events answers at once with the stream's headers, no body and no stream left open; refusals as for GET", async () => {
    const alice = client(t.url, tokens.alice!);
    const s = (await alice("POST", "/api/v1/sessions", { body: { serviceId: "lobby", visibility: "private" } })).body;
    const listening = t.server.hub.bus.size;
    const head = (path: string, token: string, headers: Record<string, string> = {}) =>
      fetch(`${t.url}${path}`, { method: "HEAD", headers: { authorization: `Bearer ${token}`, ...headers }, signal: AbortSignal.timeout(10_000) });
    const stream = await openEventStream(`${t.url}/api/v1/events?session=${s.id}`, tokens.alice!);
    const get = stream.headers;
    stream.close();
    await until("the closed stream to unsubscribe", () => t.server.hub.bus.size === listening);
    for (const path of ["/api/v1/events", `/api/v1/events?session=${s.id}`, "/api/v1/events?service=lobby"]) {
      const r = await head(path, tokens.alice!, { "last-event-id": "1" });
      assert.equal(r.status, 200, path);
      for (const name of ["content-type", "cache-control", "x-accel-buffering"]) assert.equal(r.headers.get(name), get.get(name), `${path}: ${name}`);
      assert.equal(await r.text(), "");
    }
    assert.equal(t.server.hub.bus.size, listening, "no subscriber is left behind");
    assert.equal((await head(`/api/v1/events?session=${s.id}`, tokens.bob!)).status, 404, "a session bob may not read");
    assert.equal((await head("/api/v1/events", tokens.alice!, { "last-event-id": "x" })).status, 404);
    const noAuth = await fetch(`${t.url}/api/v1/events`, { method: "HEAD", signal: AbortSignal.timeout(10_000) });
    assert.equal(noAuth.status, 401);
    assert.equal(noAuth.headers.get("content-type"), "application/problem+json; charset=utf-8");
  });
});

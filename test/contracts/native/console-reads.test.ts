import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ADMIN_TOKEN, type TestServer, client, startServer, usersWithTokens } from "../../helpers/server.js";
import { type SseEvent, openEventStream } from "../../helpers/sse.js";

/** What the console reads: search by name, page jumps, lists by id, statistics, recent events. */
describe("native API: the console's reads", () => {
  let t: TestServer;
  let admin: ReturnType<typeof client>;
  let alice: ReturnType<typeof client>;
  let bob: ReturnType<typeof client>;
  let tokens: Record<string, string> = {};
  const made: { id: string; number: number; name: string }[] = [];

  before(async () => {
    t = await startServer();
    admin = client(t.url, ADMIN_TOKEN);
    await admin("POST", "/api/v1/services", { body: { id: "hall" } });
    await admin("POST", "/api/v1/services", { body: { id: "yard" } });
    tokens = await usersWithTokens(t.url, ["alice", "bob"]);
    alice = client(t.url, tokens.alice!);
    bob = client(t.url, tokens.bob!);
    for (const [serviceId, name] of [
      ["hall", "Alpha One"],
      ["hall", "the alpha two"],
      ["hall", "Beta"],
      ["yard", "50%_off"],
      ["yard", "500 off"],
    ]) {
      made.push((await alice("POST", "/api/v1/sessions", { body: { serviceId, name } })).body);
    }
  });

  after(() => t.stop());

  const names = (body: { items: { name: string }[] }) => body.items.map((s) => s.name);

  test("q finds sessions whose name contains the text, ignoring case, with wildcards taken literally", async () => {
    assert.deepEqual(names((await admin("GET", "/api/v1/sessions?q=ALPHA&sort=number")).body), ["Alpha One", "the alpha two"]);
    assert.deepEqual(names((await admin("GET", "/api/v1/sessions?q=0%25_&sort=number")).body), ["50%_off"]);
    const counted = await admin("GET", "/api/v1/sessions?q=off&count=true&limit=1");
    assert.equal(counted.body.total, 2);
    assert.equal(counted.body.items.length, 1);
    assert.equal((await admin("GET", `/api/v1/sessions?q=${"x".repeat(201)}`)).status, 400);
  });

  test("offset jumps to any page, with the total; not together with a cursor", async () => {
    const page = await admin("GET", "/api/v1/sessions?sort=number&limit=2&offset=2&count=true");
    assert.equal(page.status, 200);
    assert.deepEqual(page.body.items.map((s: { number: number }) => s.number), [made[2]!.number, made[3]!.number]);
    assert.equal(page.body.total, 5);
    const last = await admin("GET", "/api/v1/sessions?sort=number&limit=2&offset=4");
    assert.deepEqual(last.body.items.map((s: { number: number }) => s.number), [made[4]!.number]);
    assert.equal(last.body.nextCursor, null);
    const both = await admin("GET", `/api/v1/sessions?offset=2&cursor=${page.body.nextCursor}`);
    assert.equal(both.status, 400);
    assert.equal(both.body.type.endsWith("invalid-request"), true);
    assert.equal((await admin("GET", "/api/v1/sessions?offset=-1")).status, 400);
  });

  test("id lists the sessions named, up to 100", async () => {
    const wanted = [made[4]!.id, made[0]!.id.toUpperCase(), "00000000-0000-7000-8000-000000000000"];
    const got = await admin("GET", `/api/v1/sessions?id=${wanted.join(",")}&sort=number`);
    assert.deepEqual(got.body.items.map((s: { id: string }) => s.id), [made[0]!.id, made[4]!.id]);
    const tooMany = Array.from({ length: 101 }, (_, i) => `id-${i}`).join(",");
    assert.equal((await admin("GET", `/api/v1/sessions?id=${tooMany}`)).status, 400);
  });

  test("stats count every session for administrators and one's own for others, by state and service, and per minute of the last hour", async () => {
    const hidden = (await alice("POST", "/api/v1/sessions", { body: { serviceId: "yard", name: "hidden", visibility: "private" } })).body;
    await bob("POST", `/api/v1/sessions/${made[0]!.id}/members`, { body: {} });
    await alice("POST", `/api/v1/sessions/${made[0]!.id}/members`, { body: {} });
    await alice("POST", `/api/v1/sessions/${made[1]!.id}/end`, { body: {} });
    await alice("POST", `/api/v1/sessions/${hidden.id}/end`, { body: {} });

    const all = await admin("GET", "/api/v1/stats");
    assert.equal(all.status, 200);
    assert.equal(all.body.live, 4);
    assert.equal(all.body.members, 2);
    assert.deepEqual(all.body.byState, { pending: 0, idle: 4, running: 0, ended: 2 });
    assert.deepEqual(all.body.byService, [
      { serviceId: "hall", live: 2, ended: 1, members: 2 },
      { serviceId: "yard", live: 2, ended: 1, members: 0 },
    ]);
    assert.equal(all.body.perMinute.created.length, 60);
    assert.equal(all.body.perMinute.created.reduce((a: number, b: number) => a + b, 0), 6);
    assert.equal(all.body.perMinute.ended.reduce((a: number, b: number) => a + b, 0), 2);
    const from = Date.parse(all.body.perMinute.from);
    assert.equal(from % 60_000, 0);
    assert.ok(Date.parse(all.body.at) - from < 60 * 60_000 && Date.parse(all.body.at) - from >= 59 * 60_000);

    const bobs = await bob("GET", "/api/v1/stats");
    assert.deepEqual(bobs.body.byState, { pending: 0, idle: 1, running: 0, ended: 0 }, "others count their own sessions: bob is a member of one");
    assert.deepEqual(bobs.body.byService, [{ serviceId: "hall", live: 1, ended: 0, members: 2 }]);
    assert.equal(bobs.body.perMinute.created.reduce((a: number, b: number) => a + b, 0), 1);
    const alices = await alice("GET", "/api/v1/stats");
    assert.deepEqual(alices.body.byState, { pending: 0, idle: 4, running: 0, ended: 2 }, "alice owns them all, the private one too");

    t.clock.advance(61 * 60_000);
    const later = await admin("GET", "/api/v1/stats");
    assert.equal(later.body.perMinute.created.reduce((a: number, b: number) => a + b, 0), 0, "an hour later the series is empty");
    assert.equal(later.body.live, 4);
    t.clock.advance(-61 * 60_000);

    assert.equal((await client(t.url, "shk_wrong")("GET", "/api/v1/stats")).status, 401);
    const doc = await admin("GET", "/api/v1/openapi.json");
    assert.ok(doc.body.paths["/api/v1/stats"]?.get, "the stats endpoint is in the OpenAPI document");
  });

  test("recent=N starts the event stream with the latest N events the caller may read", async () => {
    const secret = (await alice("POST", "/api/v1/sessions", { body: { serviceId: "hall", name: "secret", visibility: "private" } })).body;
    await alice("POST", `/api/v1/sessions/${made[2]!.id}/heartbeat`);
    const open = (await alice("POST", "/api/v1/sessions", { body: { serviceId: "hall", name: "open" } })).body;
    await t.server.hub.activity.flush();

    const bobStream = await openEventStream(`${t.url}/api/v1/events?recent=2`, tokens.bob!);
    const adminStream = await openEventStream(`${t.url}/api/v1/events?recent=2`, ADMIN_TOKEN);
    const first = await bobStream.waitFor((e) => e.data.sessionId === open.id);
    await adminStream.waitFor((e) => e.data.sessionId === open.id);
    // A live event after the replay: what was replayed has all come before it.
    const marker = (await alice("POST", "/api/v1/sessions", { body: { serviceId: "hall", name: "marker" } })).body;
    const isMarker = (e: SseEvent) => e.data.sessionId === marker.id;
    const seen = (await bobStream.through(isMarker)).slice(0, -1);
    const adminSeen = (await adminStream.through(isMarker)).slice(0, -1);
    bobStream.close();
    adminStream.close();
    assert.equal(seen.length, 2);
    assert.equal(seen.at(-1), first);
    assert.ok(!seen.some((e) => e.data.sessionId === secret.id), "the private session's events are not replayed to others");
    assert.ok(!seen.some((e) => e.event === "session.activity"));
    assert.deepEqual(adminSeen.map((e) => [e.event, e.data.sessionId]), [
      ["session.created", secret.id],
      ["session.created", open.id],
    ]);

    const resumed = await openEventStream(`${t.url}/api/v1/events?recent=50`, ADMIN_TOKEN, adminSeen[0]!.id);
    const replay = await resumed.through(isMarker);
    resumed.close();
    assert.deepEqual(replay.map((e) => e.data.sessionId), [open.id, marker.id], "Last-Event-ID wins over recent");
    assert.equal((await admin("GET", "/api/v1/events?recent=501")).status, 400);
  });
});

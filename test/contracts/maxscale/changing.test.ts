import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { SYSTEM_PRINCIPAL, type Session } from "../../../src/core/types.js";
import { type Checklist, type MaxscaleServer, createChecklist, createSession, eventsOf, startMaxscale } from "./fixture.js";
import { eventually } from "../../helpers/eventually.js";
import { assertErrors, assertNoBody } from "./shape.js";

const core = async (t: MaxscaleServer, s: Session) => (await t.server.hub.sessions.find(s.id))!;

/** Contract §9 items 17–27: ending, restarting and altering sessions. */
describe("maxscale: changing sessions", () => {
  let t: MaxscaleServer;
  let c: Checklist;
  const fresh = () => createSession(t, { serviceId: "rw", owner: "alice" });

  before(async () => {
    t = await startMaxscale();
    c = await createChecklist(t);
  });

  after(() => t.stop());

  test("17. DELETE ?ttl=0 → 204 and the session is killed: one end transition, then body-less 404", async () => {
    const r = await t.call("DELETE", "/v1/sessions/1?ttl=0");
    assertNoBody(r, 204);
    assertNoBody(await t.call("GET", "/v1/sessions/1"), 404);
    const s = await core(t, c.s1);
    assert.equal(s.state, "ended");
    assert.equal(s.endReason, "killed");
    assert.equal((await eventsOf(t, c.s1.id, "session.ended")).length, 1);
    const plain = await fresh();
    assertNoBody(await t.call("DELETE", `/v1/sessions/${plain.number}`), 204);
    assert.equal((await core(t, plain)).endReason, "killed", "no ttl is ttl=0");
  });

  test("18. DELETE ?ttl=2 schedules the end: still started, kill_at set, then killed by the reaper; earliest deadline wins", async () => {
    const r = await t.call("DELETE", "/v1/sessions/3?ttl=2");
    assertNoBody(r, 204);
    const shown = (await t.call("GET", "/v1/sessions/3")).body.data.attributes;
    assert.equal(shown.state, "Session started", "MaxScale's state does not change until the kill");
    const scheduled = await core(t, c.s3);
    assert.equal(shown.sessionhub.kill_at, new Date(scheduled.endAt!).toUTCString());
    assertNoBody(await t.call("DELETE", "/v1/sessions/3?ttl=60"), 204);
    assert.equal((await core(t, c.s3)).endAt, scheduled.endAt, "a later deadline does not replace an earlier one");
    const filtered = await t.call("GET", `/v1/sessions?filter=${encodeURIComponent('/attributes/state="Session started"')}`);
    assert.ok(filtered.body.data.some((d: { id: string }) => d.id === "3"));
    t.clock.advance(2100);
    assert.ok(await eventually(async () => (await core(t, c.s3)).state === "ended"), "ended within a reaper interval");
    assert.equal((await core(t, c.s3)).endReason, "killed");
    assertNoBody(await t.call("GET", "/v1/sessions/3"), 404);

    const later = await fresh();
    assertNoBody(await t.call("DELETE", `/v1/sessions/${later.number}?ttl=60`), 204);
    assertNoBody(await t.call("DELETE", `/v1/sessions/${later.number}?ttl=0`), 204);
    assert.equal((await core(t, later)).state, "ended", "ttl=0 after a ttl ends it at once");
  });

  test("19. ttl is read as MaxScale reads it, with atoi: leading digits count, nothing readable or not positive ends it now", async () => {
    for (const raw of ["abc", "NaN", "", "-1", "0x10", "-5abc"]) {
      const s = await fresh();
      assertNoBody(await t.call("DELETE", `/v1/sessions/${s.number}?ttl=${encodeURIComponent(raw)}`), 204);
      const ended = await core(t, s);
      assert.equal(ended.state, "ended", `ttl=${raw} kills now`);
      assert.equal(ended.endReason, "killed");
    }
    for (const [raw, seconds] of [["1.5", 1], ["1e3", 1], [" 2", 2], ["+3", 3], ["4abc", 4], ["007", 7], ["2147483648", 2147483647], ["99999999999999999999", 2147483647]] as const) {
      const s = await fresh();
      const before = t.clock.now();
      assertNoBody(await t.call("DELETE", `/v1/sessions/${s.number}?ttl=${encodeURIComponent(raw)}`), 204);
      const scheduled = await core(t, s);
      assert.equal(scheduled.state, "idle", `ttl=${raw} leaves it live`);
      assert.ok(scheduled.endAt! >= before + seconds * 1000 && scheduled.endAt! <= t.clock.now() + seconds * 1000, `ttl=${raw}: ${scheduled.endAt! - before} ms`);
      await t.server.hub.sessions.end(SYSTEM_PRINCIPAL, s.id, "closed");
    }
    const far = await fresh();
    assertNoBody(await t.call("DELETE", `/v1/sessions/${far.number}?ttl=2147483647`), 204);
    const shown = await t.call("GET", `/v1/sessions/${far.number}`);
    assert.equal(shown.status, 200, "the largest ttl schedules an end that renders");
    assert.equal(shown.body.data.attributes.state, "Session started");
  });

  test("20. DELETE of an unknown id → body-less 404; of a malformed one → 404 with its detail", async () => {
    assertNoBody(await t.call("DELETE", "/v1/sessions/99999"), 404);
    assertNoBody(await t.call("DELETE", "/v1/sessions/123456?ttl=5"), 404);
    assertErrors(await t.call("DELETE", "/v1/sessions/abc"), 404, "abc is not a session");
  });

  test("21. two concurrent DELETEs → one 204 and one body-less 404; exactly one end", async () => {
    const [a, b] = await Promise.all([t.call("DELETE", "/v1/sessions/2"), t.call("DELETE", "/v1/sessions/2")]);
    assert.deepEqual([a.status, b.status].sort(), [204, 404]);
    assertNoBody(a.status === 404 ? a : b, 404);
    assert.equal((await eventsOf(t, c.s2.id, "session.ended")).length, 1);
  });

  test("22. POST /sessions/:id/restart: a notice line, version +1, nothing else moves", async () => {
    const s = await fresh();
    await t.server.hub.activity.flush();
    const before = await core(t, s);
    const updates = (await eventsOf(t, s.id, "session.updated")).length;
    assertNoBody(await t.call("POST", `/v1/sessions/${s.number}/restart`), 204);
    const restarted = await core(t, s);
    assert.equal(restarted.version, before.version + 1);
    assert.equal(restarted.state, before.state);
    assert.deepEqual(restarted.members, before.members);
    assert.equal(restarted.lastActivityAt, before.lastActivityAt);
    assert.equal(restarted.timeoutSeconds, (await t.server.hub.services.get("rw"))!.defaultInactiveTimeoutSeconds);
    assert.equal((await eventsOf(t, s.id, "session.updated")).length, updates + 1);
    const log: string[] = (await t.call("GET", `/v1/sessions/${s.number}`)).body.data.attributes.log;
    assert.match(log.at(-1)!, new RegExp(`   notice : \\(${s.number}\\) session restarted by ops$`));
    assertNoBody(await t.call("POST", "/v1/sessions/99999/restart"), 404);
    assertErrors(await t.call("POST", "/v1/sessions/x/restart"), 404, "x is not a session");
  });

  test("23. POST /sessions/restart restarts every live session and leaves ended ones alone", async () => {
    await fresh();
    await fresh();
    const ended = await core(t, c.s4);
    assertNoBody(await t.call("POST", "/v1/sessions/restart"), 204);
    const live = (await t.call("GET", "/v1/sessions?fields[sessions]=log")).body.data;
    assert.ok(live.length >= 2);
    for (const item of live) assert.match(item.attributes.log.at(-1), /session restarted by ops$/, item.id);
    const after = await core(t, c.s4);
    assert.equal(after.version, ended.version);
    const lines = await t.server.store.readLog(c.s4.id, { stream: "log", limit: 100 });
    assert.ok(!lines.lines.some((l) => l.text.includes("restarted")));
  });

  test("24. PATCH sets a log flag and keeps the others", async () => {
    const s = await fresh();
    const r = await t.call("PATCH", `/v1/sessions/${s.number}`, { body: { data: { attributes: { parameters: { log_info: true } } } } });
    assertNoBody(r, 204);
    const shown = (await t.call("GET", `/v1/sessions/${s.number}`)).body.data.attributes.parameters;
    assert.deepEqual(shown, { log_info: true, log_notice: false, log_warning: false, log_error: false });
    assertNoBody(await t.call("PATCH", `/v1/sessions/${s.number}`, { body: { data: { attributes: { parameters: { log_error: true } } } } }), 204);
    const both = (await t.call("GET", `/v1/sessions/${s.number}`)).body.data.attributes.parameters;
    assert.deepEqual(both, { log_info: true, log_notice: false, log_warning: false, log_error: true });
    const stored = (await core(t, s)).attributes;
    assert.deepEqual(stored, { maxscale: { parameters: { log_info: true, log_error: true } } });
  });

  test("25. PATCH ignores what MaxScale ignores; bodies that are not JSON objects → 400; unknown id → body-less 404; 2 MiB → 413", async () => {
    const s = await fresh();
    const path = `/v1/sessions/${s.number}`;
    assertErrors(await t.call("PATCH", path), 400, "Missing request body");
    assertErrors(await t.call("PATCH", path, { raw: "{", headers: { "content-type": "application/json" } }), 400, /^Invalid JSON in request: /);
    assertErrors(await t.call("PATCH", path, { raw: "{" }), 400, /^Invalid JSON in request: /);
    assertErrors(await t.call("PATCH", path, { raw: "[]", headers: { "content-type": "text/plain" } }), 400, "Request body must be a JSON object");
    const version = (await core(t, s)).version;
    const ignored = [
      { data: { attributes: { parameters: { log_info: 1 } } } },
      { data: { attributes: { parameters: { log_info: "true" } } } },
      { data: { attributes: { parameters: { foo: true, log_debug: true } } } },
      { data: { attributes: { parameters: [true] } } },
      { data: { relationships: { filters: { data: "QLA" } } } },
      { data: 5 },
      { data: {} },
      {},
    ];
    for (const body of ignored) assertNoBody(await t.call("PATCH", path, { body }), 204);
    assert.equal((await core(t, s)).version, version, "no change");
    assertNoBody(await t.call("PATCH", path, { body: { data: { attributes: { parameters: { foo: "x", log_notice: true, log_info: 0 } } } } }), 204);
    const flags = (await t.call("GET", path)).body.data.attributes.parameters;
    assert.deepEqual(flags, { log_error: false, log_info: false, log_notice: true, log_warning: false }, "the boolean of a known flag is taken, the rest ignored");
    assertNoBody(await t.call("PATCH", "/v1/sessions/99999", { body: { data: {} } }), 404);
    const flagged = (await core(t, s)).version;
    const big = JSON.stringify({ data: { attributes: { parameters: { log_error: true } } }, pad: "x".repeat(2 * 1024 * 1024) });
    assertErrors(await t.call("PATCH", path, { raw: big, headers: { "content-type": "application/json" } }), 413, "Request body too large");
    assert.equal((await core(t, s)).version, flagged);
  });

  test("26. concurrent PATCHes of different flags both take effect", async () => {
    for (let round = 0; round < 3; round += 1) {
      const s = await fresh();
      const patch = (flag: string) => t.call("PATCH", `/v1/sessions/${s.number}`, { body: { data: { attributes: { parameters: { [flag]: true } } } } });
      const answers = await Promise.all([patch("log_info"), patch("log_error"), patch("log_warning")]);
      assert.deepEqual(answers.map((a) => a.status), [204, 204, 204]);
      const flags = (await t.call("GET", `/v1/sessions/${s.number}`)).body.data.attributes.parameters;
      assert.deepEqual(flags, { log_info: true, log_notice: false, log_warning: true, log_error: true });
    }
  });

  test("27. filters: only an empty list is accepted, in E5 and E9", async () => {
    const s = await fresh();
    const path = `/v1/sessions/${s.number}`;
    const linkage = (data: unknown) => ({ data: { relationships: { filters: { data } } } });
    assertErrors(await t.call("PATCH", path, { body: linkage([{ id: "QLA", type: "filters" }]) }), 400, "Not a valid filter: QLA");
    assertErrors(await t.call("PATCH", path, { body: linkage([{ id: 5, type: "filters" }]) }), 400, "Not a JSON string but a integer");
    assertNoBody(await t.call("PATCH", path, { body: linkage([]) }), 204);
    assertErrors(await t.call("PATCH", `${path}/relationships/filters`, { body: { data: [{ id: "Hint", type: "filters" }] } }), 400, "Not a valid filter: Hint");
    assertNoBody(await t.call("PATCH", `${path}/relationships/filters`, { body: { data: [] } }), 204);
    assertNoBody(await t.call("PATCH", "/v1/sessions/99999/relationships/filters", { body: { data: [] } }), 404);
  });
});

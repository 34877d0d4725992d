import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { DATE, type Fixture, SESSION_BODY, SESSION_KEYS, startFixture } from "./fixture.js";

/** Checklist items 15–25: POST sessions/, its defaults and its validation. */
describe("roundware: creating sessions", () => {
  let f: Fixture;
  const create = (body: unknown, auth?: string) => f.call("POST", "sessions/", { auth: auth ?? f.T1, body });

  before(async () => {
    f = await startFixture();
  });

  after(() => f.t.stop());

  test("15. Roundware's own test body → 200 with the 11 keys in order and the documented defaults", async () => {
    const sent = f.t.clock.now();
    const r = await create({ timezone: "-0500", project_id: 1, client_system: "iOS" });
    const answered = f.t.clock.now();
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.body), SESSION_KEYS);
    const { id, starttime, ...rest } = r.body;
    assert.ok(Number.isInteger(id));
    assert.deepEqual(rest, {
      device_id: "12891038109281",
      stoptime: null,
      client_type: "phone",
      client_system: "iOS",
      demo_stream_enabled: false,
      geo_listen_enabled: true,
      timezone: "-0500",
      project_id: 1,
      language_id: 1,
    });
    assert.match(starttime, DATE);
    // The microseconds are below what Date.parse reads: a millisecond of rounding either way.
    const at = Date.parse(`${starttime}Z`);
    assert.ok(at >= sent - 1 && at <= answered + 1, `${starttime} not between ${new Date(sent).toISOString()} and ${new Date(answered).toISOString()}`);
    assert.equal(r.headers.get("location"), null);
    assert.equal(r.headers.get("etag"), null);
    assert.equal(r.headers.get("cache-control"), "no-store");
    assert.match(r.headers.get("content-type") ?? "", /^application\/json/);
    assert.ok(!r.text.includes(" ") && !r.text.includes("\n"));
  });

  test("16. geo_listen_enabled as sent, else the project's; booleans in DRF's grammar", async () => {
    assert.equal((await create({ ...SESSION_BODY, geo_listen_enabled: false })).body.geo_listen_enabled, false);
    assert.equal((await create({ ...SESSION_BODY, project_id: 2 })).body.geo_listen_enabled, false);
    assert.equal((await create({ ...SESSION_BODY, project_id: 2, geo_listen_enabled: "yes" })).body.geo_listen_enabled, true);
    assert.equal((await create({ ...SESSION_BODY, demo_stream_enabled: "on" })).body.demo_stream_enabled, true);
    assert.equal((await create({ ...SESSION_BODY, demo_stream_enabled: 1, geo_listen_enabled: "F" })).body.geo_listen_enabled, false);
  });

  test("17. language beats language_id, is cut at '-', and unknown codes fall back to en", async () => {
    const language = async (extra: Record<string, unknown>) => {
      const r = await create({ ...SESSION_BODY, ...extra });
      assert.equal(r.status, 200, `${JSON.stringify(extra)}: ${r.text}`);
      return r.body.language_id;
    };
    assert.equal(await language({ language: "es" }), 2);
    assert.equal(await language({ language: "es-MX" }), 2);
    for (const code of ["xx", "ES", ""]) assert.equal(await language({ language: code }), 1, code);
    assert.equal(await language({ language_id: 2 }), 2);
    assert.equal(await language({ language_id: "2" }), 2);
    assert.equal(await language({ language: "en", language_id: 2 }), 1);
    assert.equal(await language({ language: "es", language_id: 99 }), 2);
  });

  test("18. each invalid field → 400 with exactly the original's body", async () => {
    const cases: [Record<string, unknown>, unknown][] = [
      [{ ...SESSION_BODY, language_id: 99 }, { language: ['Invalid pk "99" - object does not exist.'] }],
      [{ ...SESSION_BODY, language_id: "abc" }, { language: ["Incorrect type. Expected pk value, received str."] }],
      [{ ...SESSION_BODY, language_id: null }, { language: ["Language Code None not found"] }],
      [{ ...SESSION_BODY, language: 5 }, { language: ["Not a valid string."] }],
      [{ ...SESSION_BODY, project_id: 999 }, { project: ['Invalid pk "999" - object does not exist.'] }],
      [{ ...SESSION_BODY, project_id: 999, geo_listen_enabled: true }, { project: ['Invalid pk "999" - object does not exist.'] }],
      [{ ...SESSION_BODY, project_id: 0 }, { project: ['Invalid pk "0" - object does not exist.'] }],
      [{ ...SESSION_BODY, project_id: "abc" }, { project: ["Incorrect type. Expected pk value, received str."] }],
      [{ ...SESSION_BODY, project_id: true }, { project: ["Incorrect type. Expected pk value, received bool."] }],
      [{ ...SESSION_BODY, project_id: 1.5 }, { project: ["Incorrect type. Expected pk value, received float."] }],
      [{ ...SESSION_BODY, project_id: [1] }, { project: ["Incorrect type. Expected pk value, received list."] }],
      [{ ...SESSION_BODY, project_id: { id: 1 } }, { project: ["Incorrect type. Expected pk value, received dict."] }],
      [{ ...SESSION_BODY, project_id: null }, { project: ["This field may not be null."] }],
      [{ client_system: "iOS" }, { project: ["This field is required."] }],
      [{ ...SESSION_BODY, timezone: "PST" }, { timezone: ["Timezone must be in RFC822 GMT format (e.g. '-0800')"] }],
      [{ ...SESSION_BODY, timezone: -800 }, { timezone: ["Timezone must be in RFC822 GMT format (e.g. '-0800')"] }],
      [{ ...SESSION_BODY, timezone: "-08:00" }, { timezone: ["Ensure this field has no more than 5 characters."] }],
      [{ ...SESSION_BODY, timezone: "" }, { timezone: ["This field may not be blank."] }],
      [{ ...SESSION_BODY, timezone: null }, { timezone: ["This field may not be null."] }],
      [{ ...SESSION_BODY, timezone: "-0\u0668\u0660\u0660" }, { timezone: ["Timezone must be in RFC822 GMT format (e.g. '-0800')"] }],
      [{ project_id: 1 }, { client_system: ["This field is required."] }],
      [{ ...SESSION_BODY, client_system: "x".repeat(129) }, { client_system: ["Ensure this field has no more than 128 characters."] }],
      [{ ...SESSION_BODY, client_system: null }, { client_system: ["This field may not be null."] }],
      [{ ...SESSION_BODY, client_type: "t".repeat(129) }, { client_type: ["Ensure this field has no more than 128 characters."] }],
      [{ ...SESSION_BODY, demo_stream_enabled: "maybe" }, { demo_stream_enabled: ["Must be a valid boolean."] }],
      [{ ...SESSION_BODY, geo_listen_enabled: null }, { geo_listen_enabled: ["This field may not be null."] }],
    ];
    for (const [body, expected] of cases) {
      const r = await create(body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.text, JSON.stringify(expected), JSON.stringify(body));
    }
  });

  test("18. the number of a service of another kind (the game lobby) is not a project", async () => {
    const services = await fetch(`${f.t.url}/api/v1/services/lobby`, { headers: { authorization: `Bearer ${f.A}` } });
    const number = ((await services.json()) as { number: number }).number;
    const r = await create({ ...SESSION_BODY, project_id: number });
    assert.equal(r.status, 400);
    assert.deepEqual(r.body, { project: [`Invalid pk "${number}" - object does not exist.`] });
  });

  test("19. every failing field at once, keys in the original's order", async () => {
    const r = await create({ project_id: 999, timezone: "PST", demo_stream_enabled: "maybe", client_system: "x" });
    assert.equal(r.status, 400);
    assert.deepEqual(Object.keys(r.body), ["demo_stream_enabled", "timezone", "project"]);
    const all = await create({ client_type: [], client_system: null, demo_stream_enabled: "?", geo_listen_enabled: "?", timezone: "?", project_id: "?", language: {} });
    assert.deepEqual(Object.keys(all.body), ["client_type", "client_system", "demo_stream_enabled", "geo_listen_enabled", "timezone", "project", "language"]);
    assert.ok(Object.values(all.body).every((v) => Array.isArray(v) && v.length === 1));
  });

  test("20. device_id, starttime, stoptime and id in the body are ignored", async () => {
    const r = await create({ ...SESSION_BODY, device_id: "spoof", starttime: "2001-01-01T00:00:00", stoptime: "2030-01-01T00:00:00", id: 5000, extra: true });
    assert.equal(r.status, 200);
    assert.equal(r.body.device_id, "12891038109281");
    assert.equal(r.body.stoptime, null);
    assert.notEqual(r.body.id, 5000);
    assert.ok(!r.body.starttime.startsWith("2001"));
  });

  test("21. client_type as sent (null and \"\" kept); the admin's login token → device_id and client_type null", async () => {
    assert.equal((await create({ ...SESSION_BODY, client_type: "kiosk" })).body.client_type, "kiosk");
    assert.equal((await create({ ...SESSION_BODY, client_type: null })).body.client_type, null);
    assert.equal((await create({ ...SESSION_BODY, client_type: "" })).body.client_type, "");
    const login = await f.call("POST", "login/", { auth: null, body: { username: "admin", password: "pw-admin" } });
    const r = await create(SESSION_BODY, login.body.token);
    assert.equal(r.body.device_id, null);
    assert.equal(r.body.client_type, null);
  });

  test("22. form and multipart → 415; empty, null and array bodies → 400; 2 MiB → 413; never a 5xx", async () => {
    const form = await f.call("POST", "sessions/", { auth: f.T1, raw: "project_id=1&client_system=x", headers: { "content-type": "application/x-www-form-urlencoded" } });
    assert.equal(form.status, 415);
    assert.deepEqual(form.body, { detail: 'Unsupported media type "application/x-www-form-urlencoded" in request.' });
    const body = new FormData();
    body.set("project_id", "1");
    const multipart = await fetch(`${f.url}/api/2/sessions/`, { method: "POST", body, headers: { authorization: `token ${f.T1}` } });
    assert.equal(multipart.status, 415);
    assert.deepEqual(await multipart.json(), { detail: 'Unsupported media type "multipart/form-data" in request.' });
    const empty = await f.call("POST", "sessions/", { auth: f.T1, raw: "", headers: { "content-type": "application/json" } });
    assert.equal(empty.status, 400);
    assert.equal(empty.text, '{"client_system":["This field is required."],"project":["This field is required."]}');
    for (const [raw, type] of [["null", "NoneType"], ["[1]", "list"], ['"s"', "str"], ["4", "int"], ["4.5", "float"], ["true", "bool"]]) {
      const r = await f.call("POST", "sessions/", { auth: f.T1, raw: raw!, headers: { "content-type": "application/json; charset=utf-8" } });
      assert.equal(r.status, 400);
      assert.deepEqual(r.body, { non_field_errors: [`Invalid data. Expected a dictionary, but got ${type}.`] });
    }
    const big = await f.call("POST", "sessions/", { auth: f.T1, raw: JSON.stringify({ ...SESSION_BODY, pad: "x".repeat(2 * 1024 * 1024) }), headers: { "content-type": "application/json" } });
    assert.equal(big.status, 413);
    assert.deepEqual(big.body, { detail: "Request body too large." });
  });

  test("23. POST /api/2/sessions without the slash → 200, the same as with it", async () => {
    const r = await fetch(`${f.url}/api/2/sessions`, { method: "POST", headers: { authorization: `token ${f.T1}`, "content-type": "application/json" }, body: JSON.stringify(SESSION_BODY) });
    assert.equal(r.status, 200);
    assert.equal(r.redirected, false);
    assert.deepEqual(Object.keys((await r.json()) as object), SESSION_KEYS);
  });

  test("24. 100 concurrent creates → 100 distinct ids, each listed once in ascending order", async () => {
    const fresh = await f.call("POST", "users/", { auth: null, body: { device_id: "concurrent-24", client_type: "web" } });
    const answers = await Promise.all(Array.from({ length: 100 }, () => create(SESSION_BODY, fresh.body.token)));
    assert.ok(answers.every((a) => a.status === 200));
    const ids = answers.map((a) => a.body.id as number);
    assert.ok(ids.every(Number.isInteger));
    assert.equal(new Set(ids).size, 100);
    const listed = (await f.call("GET", "sessions/", { auth: fresh.body.token })).body.map((s: { id: number }) => s.id);
    assert.deepEqual(listed, [...ids].sort((a, b) => a - b));
  });

  test("25. two creates with the same Idempotency-Key → the same session, and only one exists", async () => {
    const fresh = await f.call("POST", "users/", { auth: null, body: { device_id: "idem-25", client_type: "web" } });
    const headers = { "idempotency-key": "create-once" };
    const first = await f.call("POST", "sessions/", { auth: fresh.body.token, body: SESSION_BODY, headers });
    const second = await f.call("POST", "sessions/", { auth: fresh.body.token, body: SESSION_BODY, headers });
    assert.equal(first.status, 200);
    assert.deepEqual(second.body, first.body);
    assert.deepEqual((await f.call("GET", "sessions/count/", { auth: fresh.body.token })).body, { count: 1 });
  });
});

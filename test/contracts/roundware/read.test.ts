import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Fixture, SESSION_BODY, SESSION_KEYS, native, startFixture } from "./fixture.js";

type Row = { id: number; project_id: number; language_id: number; geo_listen_enabled: boolean; demo_stream_enabled: boolean; device_id: string | null };

/** Checklist items 26–33: reading and listing, the privacy rule, filters and the seed's examples. */
describe("roundware: reading and listing sessions", () => {
  let f: Fixture;
  let d1: Row[] = [];
  let d2: Row[] = [];
  let project5: Row;

  const create = async (body: unknown, auth: string) => {
    const r = await f.call("POST", "sessions/", { auth, body });
    assert.equal(r.status, 200, r.text);
    return r.body as Row;
  };
  const ids = (rows: Row[]) => rows.map((r) => r.id);
  const list = async (query: string, auth?: string) => {
    const r = await f.call("GET", `sessions/${query}`, { auth: auth ?? f.A });
    assert.equal(r.status, 200, r.text);
    return r.body as Row[];
  };

  before(async () => {
    f = await startFixture();
    assert.equal((await native(f.t, "POST", "/services", { id: "fifth", kind: "roundware", number: 5 })).status, 201);
    d1 = [
      await create({ ...SESSION_BODY, language: "es" }, f.T1),
      await create({ ...SESSION_BODY, project_id: 2, demo_stream_enabled: true }, f.T1),
      await create({ ...SESSION_BODY, geo_listen_enabled: false }, f.T1),
    ];
    d2 = [await create({ ...SESSION_BODY, project_id: 2, language_id: 2 }, f.T2), await create(SESSION_BODY, f.T2)];
    project5 = await create({ ...SESSION_BODY, project_id: 5 }, f.T2);
  });

  after(() => f.t.stop());

  test("26. GET sessions/<id>/ by its owner deep-equals the create response, key order included; HEAD → 200, no body", async () => {
    const created = await f.call("POST", "sessions/", { auth: f.T1, body: { ...SESSION_BODY, timezone: "+0130" } });
    const read = await f.call("GET", `sessions/${created.body.id}/`, { auth: f.T1 });
    assert.equal(read.status, 200);
    assert.equal(read.text, created.text);
    const head = await fetch(`${f.url}/api/2/sessions/${created.body.id}/`, { method: "HEAD", headers: { authorization: `token ${f.T1}` } });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), "");
    assert.equal(head.headers.get("cache-control"), "no-store");
  });

  test("27. unknown and malformed ids → 404 Not found.; a leading zero names the session", async () => {
    for (const id of ["999999", "abc", "-1", "1x", "99999999999999999999", "1.0", "%20"]) {
      const r = await f.call("GET", `sessions/${id}/`, { auth: f.T1 });
      assert.equal(r.status, 404, id);
      assert.deepEqual(r.body, { detail: "Not found." });
    }
    const padded = await f.call("GET", `sessions/0${d1[0]!.id}/`, { auth: f.T1 });
    assert.equal(padded.status, 200);
    assert.equal(padded.body.id, d1[0]!.id);
  });

  test("28. another user's session is a 404; the admin reads it; a session of another kind of service is a 404 for everyone", async () => {
    const other = await f.call("GET", `sessions/${d1[0]!.id}/`, { auth: f.T2 });
    assert.equal(other.status, 404);
    assert.deepEqual(other.body, { detail: "Not found." });
    assert.equal((await f.call("GET", `sessions/${d1[0]!.id}/`)).status, 200);
    for (const auth of [f.T1, f.A]) assert.equal((await f.call("GET", `sessions/${f.lobbySession.number}/`, { auth })).status, 404);
  });

  test("29. lists and counts hold only the caller's sessions; the admin's hold every project's and none of lobby's", async () => {
    const mine = await list("", f.T1);
    for (const s of d1) assert.ok(ids(mine).includes(s.id));
    assert.ok(mine.every((s) => s.device_id === "12891038109281"));
    const theirs = await list("", f.T2);
    assert.deepEqual(ids(theirs), ids([...d2, project5]));
    const all = await list("");
    for (const s of [...d1, ...d2, project5]) assert.ok(ids(all).includes(s.id));
    assert.ok(!ids(all).includes(f.lobbySession.number));
    assert.deepEqual(new Set(all.map((s) => s.project_id)), new Set([1, 2, 5]));
    assert.deepEqual(await list("?device_id=12891038109281", f.T2), []);
    assert.deepEqual((await f.call("GET", "sessions/count/", { auth: f.T1 })).body, { count: mine.length });
    assert.deepEqual((await f.call("GET", "sessions/count/", { auth: f.T2 })).body, { count: theirs.length });
    assert.deepEqual((await f.call("GET", "sessions/count/")).body, { count: all.length });
    assert.deepEqual((await f.call("GET", "sessions/count/?device_id=12891038109281", { auth: f.T2 })).body, { count: 0 });
  });

  test("30. filters: project, language (code and id), flags, number grammar, empty and repeated values; combined with AND", async () => {
    const all = await list("");
    const where = (pred: (s: Row) => boolean) => ids(all.filter(pred));
    assert.deepEqual(ids(await list("?project_id=1")), where((s) => s.project_id === 1));
    assert.deepEqual(ids(await list("?language=es")), where((s) => s.language_id === 2));
    assert.ok((await list("?language=es")).length >= 2);
    assert.deepEqual(await list("?language=ES"), []);
    assert.deepEqual(ids(await list("?language_id=2")), where((s) => s.language_id === 2));
    for (const v of ["false", "False", "0"]) assert.deepEqual(ids(await list(`?geo_listen_enabled=${v}`)), where((s) => !s.geo_listen_enabled));
    assert.deepEqual(ids(await list("?demo_stream_enabled=1")), where((s) => s.demo_stream_enabled));
    assert.deepEqual(await list("?project_id=1.0"), await list("?project_id=1"));
    assert.deepEqual(await list("?project_id=1.5"), []);
    assert.deepEqual(await list("?project_id="), all);
    assert.deepEqual(ids(await list("?project_id=1&project_id=2")), where((s) => s.project_id === 2));
    assert.deepEqual(ids(await list("?project_id=2&language_id=2")), where((s) => s.project_id === 2 && s.language_id === 2));
    assert.deepEqual(ids(await list("?project_id=2&demo_stream_enabled=true&geo_listen_enabled=false")), [d1[1]!.id]);
    assert.deepEqual(ids(await list("?client_type=web")), ids([...d2, project5]));
    assert.deepEqual(ids(await list("?timezone=0000&client_system=iOS&project_id=5")), [project5.id]);
    assert.deepEqual(await list("?project_id=999"), []);
  });

  test("31. invalid filter values → 400 keyed by parameter; paging and unknown parameters are ignored", async () => {
    const number = await f.call("GET", "sessions/?project_id=abc");
    assert.equal(number.status, 400);
    assert.equal(number.text, '{"project_id":["Enter a number."]}');
    const flag = await f.call("GET", "sessions/?geo_listen_enabled=maybe");
    assert.equal(flag.status, 400);
    assert.equal(flag.text, '{"geo_listen_enabled":["Select a valid choice. maybe is not one of the available choices."]}');
    const both = await f.call("GET", "sessions/count/?language_id=x&demo_stream_enabled=2");
    assert.equal(both.status, 400);
    assert.deepEqual(Object.keys(both.body), ["language_id", "demo_stream_enabled"]);
    assert.deepEqual(await list("?page=2&page_size=1&format=json&nonsense=1&ordering=-id"), await list(""));
  });

  test("32. the seed's examples: list with filters, get one, create — documented keys in documented order", async () => {
    const login = await f.call("POST", "login/", { auth: null, body: { username: "admin", password: "pw-admin" } });
    const A = login.body.token as string;
    const seedBody = { project_id: 1, client_system: "iOS 8.1", demo_stream_enabled: true, geo_listen_enabled: false, timezone: "-8000", language_id: 2 };
    const made = [await create(seedBody, A), await create(seedBody, A)];
    const listed = await f.call("GET", "sessions/?project_id=1&language_id=2&geo_listen_enabled=false&demo_stream_enabled=true", { auth: A });
    assert.equal(listed.status, 200);
    assert.deepEqual(ids(listed.body), ids(made));
    for (const row of listed.body) {
      assert.deepEqual(Object.keys(row), SESSION_KEYS);
      assert.equal(row.device_id, null);
      assert.equal(row.client_type, null);
      assert.equal(row.client_system, "iOS 8.1");
      assert.equal(row.timezone, "-8000");
    }
    const one = await f.call("GET", `sessions/${made[0]!.id}/`, { auth: A });
    assert.deepEqual(Object.keys(one.body), SESSION_KEYS);
    assert.deepEqual(one.body, listed.body[0]);
    const full = await f.call("GET", "sessions/?project_id=1&language_id=2&language=en&geo_listen_enabled=false&demo_stream_enabled=true", { auth: A });
    assert.deepEqual(full.body, []);
    const seedCreate = { project_id: 1, client_system: "iOS 8.1", geo_listen_enabled: true, demo_stream_enabled: false, language: "fr", timezone: "-8000" };
    const created = await f.call("POST", "sessions/", { auth: f.T1, raw: JSON.stringify(seedCreate), headers: { "content-type": "application/json" } });
    assert.equal(created.status, 200);
    assert.deepEqual(Object.keys(created.body), SESSION_KEYS);
    assert.equal(created.body.language_id, 1);
    assert.equal(created.body.timezone, "-8000");
    assert.equal(created.body.client_type, "phone");
    assert.equal(created.body.geo_listen_enabled, true);
    assert.equal(created.body.demo_stream_enabled, false);
  });

  test("33. no update or delete of a session: 405 with Allow (401 first without a token); sessions.json → 404", async () => {
    for (const method of ["PATCH", "PUT", "DELETE"]) {
      const r = await f.call(method, `sessions/${d1[0]!.id}/`, { auth: f.T1, body: {} });
      assert.equal(r.status, 405, method);
      assert.deepEqual(r.body, { detail: `Method "${method}" not allowed.` });
      assert.equal(r.headers.get("allow"), "GET, HEAD, OPTIONS");
      const anonymous = await f.call(method, `sessions/${d1[0]!.id}/`, { auth: null });
      assert.equal(anonymous.status, 401, method);
    }
    const put = await f.call("PUT", "sessions/", { auth: f.T1 });
    assert.equal(put.status, 405);
    assert.equal(put.headers.get("allow"), "GET, POST, HEAD, OPTIONS");
    for (const path of ["sessions.json", "assets/", "sessions/1/extra/"]) {
      const r = await f.call("GET", path, { auth: f.T1 });
      assert.equal(r.status, 404, path);
      assert.deepEqual(r.body, { detail: "Not found." });
    }
  });

  test("ended sessions stay listed with their stoptime", async () => {
    const s = await create(SESSION_BODY, f.T1);
    const ended = await native(f.t, "POST", `/sessions/${s.id}/end`, {});
    assert.equal(ended.status, 200);
    const read = await f.call("GET", `sessions/${s.id}/`, { auth: f.T1 });
    assert.match(read.body.stoptime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    assert.ok((await list("", f.T1)).some((r) => r.id === s.id));
  });

  test("sessions made through the native API on a project are shown with the documented fallbacks", async () => {
    const made = await native(f.t, "POST", "/sessions", { serviceId: "quiet", client: { timezone: "bad" } });
    assert.equal(made.status, 201);
    const r = await f.call("GET", `sessions/${made.body.number}/`);
    assert.deepEqual(r.body, {
      id: made.body.number,
      device_id: null,
      starttime: r.body.starttime,
      stoptime: null,
      client_type: null,
      client_system: null,
      demo_stream_enabled: false,
      geo_listen_enabled: false,
      timezone: "0000",
      project_id: 2,
      language_id: 1,
    });
    assert.ok(ids(await list("?language_id=1&geo_listen_enabled=false&project_id=2")).includes(made.body.number));
  });
});

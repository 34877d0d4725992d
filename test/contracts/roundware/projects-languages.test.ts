import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Fixture, SESSION_BODY, assertProjectShape, native, startFixture } from "./fixture.js";

/** Checklist items 34–37: projects (R5, R11) and languages (R7–R10). */
describe("roundware: projects and languages", () => {
  let f: Fixture;
  let spanish: { id: number };
  let other: { id: number };

  before(async () => {
    f = await startFixture();
    spanish = (await f.call("POST", "sessions/", { auth: f.T1, body: { ...SESSION_BODY, language: "es" } })).body;
    other = (await f.call("POST", "sessions/", { auth: f.T2, body: SESSION_BODY })).body;
  });

  after(() => f.t.stop());

  test("34. GET projects/1/?session_id=<es session> → localised to es, every key of its type", async () => {
    const r = await f.call("GET", `projects/1/?session_id=${spanish.id}`, { auth: f.T1 });
    assert.equal(r.status, 200, r.text);
    assertProjectShape(r.body);
    assert.equal(r.body.id, 1);
    assert.equal(r.body.name, "Walking tour");
    assert.equal(r.body.out_of_range_message, "Muy lejos");
    assert.ok(!("out_of_range_message_loc" in r.body));
    assert.deepEqual(r.body.language_ids, [1, 2]);
    assert.equal(r.body.geo_listen_enabled, true);
    assert.equal(r.body.timed_asset_priority, true);
    assert.equal(r.body.max_recording_length, 30);
    assert.equal(r.body.out_of_range_distance, 1000);
    assert.equal(r.body.repeat_mode, "stop");
    assert.equal(r.body.ordering, "random");
    // The session's project need not be the one asked for; its language still decides.
    const quiet = await f.call("GET", `projects/2/?session_id=${spanish.id}&admin=1`, { auth: f.T1 });
    assert.equal(quiet.status, 200);
    assert.deepEqual(quiet.body.language_ids, [1]);
  });

  test("35. session_id required; others' or unknown sessions and unknown projects → 404; no token → 401; POST → 405", async () => {
    const missing = await f.call("GET", "projects/1/", { auth: f.T1 });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body, { detail: "session_id parameter is required" });
    for (const sid of [String(other.id), "999999", "abc", String(f.lobbySession.number)]) {
      const r = await f.call("GET", `projects/1/?session_id=${sid}`, { auth: f.T1 });
      assert.equal(r.status, 404, sid);
      assert.deepEqual(r.body, { detail: "Not found." });
    }
    for (const id of ["999", "abc"]) assert.equal((await f.call("GET", `projects/${id}/?session_id=${spanish.id}`, { auth: f.T1 })).status, 404);
    assert.equal((await f.call("GET", `projects/1/?session_id=${spanish.id}`, { auth: null })).status, 401);
    const post = await f.call("POST", "projects/", { auth: f.T1, body: {} });
    assert.equal(post.status, 405);
    assert.deepEqual(post.body, { detail: 'Method "POST" not allowed.' });
    assert.equal((await f.call("PATCH", "projects/1/", { auth: f.T1, body: {} })).status, 405);
  });

  test("R11. GET projects/ → every project in English, with name and flag filters", async () => {
    const all = await f.call("GET", "projects/", { auth: f.T1 });
    assert.equal(all.status, 200);
    assert.deepEqual(all.body.map((p: { id: number }) => p.id), [1, 2]);
    all.body.forEach(assertProjectShape);
    assert.equal(all.body[0].out_of_range_message, "Too far");
    assert.deepEqual((await f.call("GET", "projects/?name=WALK", { auth: f.T1 })).body.map((p: { id: number }) => p.id), [1]);
    assert.deepEqual((await f.call("GET", "projects/?geo_listen_enabled=false", { auth: f.T1 })).body.map((p: { id: number }) => p.id), [2]);
    const bad = await f.call("GET", "projects/?speak_enabled=perhaps", { auth: f.T1 });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, { speak_enabled: ["Select a valid choice. perhaps is not one of the available choices."] });
  });

  test("R11 and R3 follow projects created, changed and deleted after the lists were first read", async () => {
    const projectIds = async (query = "") => (await f.call("GET", `projects/${query}`, { auth: f.T1 })).body.map((p: { id: number }) => p.id);
    const sessionIds = async () => (await f.call("GET", "sessions/", { auth: f.T1 })).body.map((s: { id: number }) => s.id);
    assert.deepEqual(await projectIds(), [1, 2]);
    const before = await sessionIds();
    assert.equal((await native(f.t, "POST", "/services", { id: "later", kind: "roundware", name: "Later", number: 7 })).status, 201);
    assert.deepEqual(await projectIds(), [1, 2, 7]);
    const made = await f.call("POST", "sessions/", { auth: f.T1, body: { ...SESSION_BODY, project_id: 7 } });
    assert.equal(made.status, 200, made.text);
    assert.deepEqual(await sessionIds(), [...before, made.body.id]);
    assert.deepEqual(await projectIds("?speak_enabled=true"), []);
    assert.equal((await native(f.t, "PATCH", "/services/later", { settings: { roundware: { speak_enabled: true } } })).status, 200);
    assert.deepEqual(await projectIds("?speak_enabled=true"), [7]);
    assert.equal((await native(f.t, "DELETE", "/services/later?force=true")).status, 204);
    assert.deepEqual(await projectIds(), [1, 2]);
    assert.deepEqual(await sessionIds(), before);
  });

  test("36. languages: substring filter on code and name, one language, unknown → 404", async () => {
    const r = await f.call("GET", "languages/?language_code=E", { auth: f.T1 });
    assert.deepEqual(r.body.map((l: { language_code: string }) => l.language_code), ["en", "es"]);
    assert.deepEqual((await f.call("GET", "languages/?name=span", { auth: f.T1 })).body, [{ id: 2, name: "Spanish", language_code: "es" }]);
    const es = await f.call("GET", "languages/2/", { auth: f.T1 });
    assert.equal(es.text, '{"id":2,"name":"Spanish","language_code":"es"}');
    assert.equal((await f.call("GET", "languages/99/", { auth: f.T1 })).status, 404);
    assert.equal((await f.call("GET", "languages/", { auth: null })).status, 401);
  });

  test("37. language writes: admin only; code rules; PATCH; DELETE → 204, or 409 while in use", async () => {
    const denied = await f.call("POST", "languages/", { auth: f.T1, body: { name: "German", language_code: "de" } });
    assert.equal(denied.status, 403);
    assert.deepEqual(denied.body, { detail: "You do not have permission to perform this action." });
    const de = await f.call("POST", "languages/", { body: { name: "German", language_code: "de" } });
    assert.equal(de.status, 200);
    assert.ok(de.body.id > 2);
    assert.deepEqual((await f.call("POST", "languages/", { body: { name: "German", language_code: "deu" } })).body, { language_code: ["language_code not 2 characters"] });
    assert.deepEqual((await f.call("POST", "languages/", { body: { name: "German", language_code: "de" } })).body, {
      language_code: ["language_code already exists in database"],
    });
    assert.deepEqual((await f.call("POST", "languages/", { body: { name: "x".repeat(21), language_code: "xx" } })).body, {
      name: ["Ensure this field has no more than 20 characters."],
    });
    assert.deepEqual((await f.call("POST", "languages/", { body: { name: "Nothing" } })).body, { language_code: ["This field is required."] });
    assert.deepEqual((await f.call("POST", "languages/", { body: { id: 2, name: "Taken", language_code: "tk" } })).body, {
      id: ["A language with this id already exists."],
    });
    const patched = await f.call("PATCH", `languages/${de.body.id}/`, { body: { language_code: "de", name: "Deutsch" } });
    assert.equal(patched.status, 200);
    assert.deepEqual(patched.body, { id: de.body.id, name: "Deutsch", language_code: "de" });
    assert.equal((await f.call("PATCH", `languages/${de.body.id}/`, { auth: f.T1, body: { name: "x" } })).status, 403);
    assert.deepEqual((await f.call("PATCH", `languages/${de.body.id}/`, { body: { language_code: "es" } })).body, {
      language_code: ["language_code already exists in database"],
    });
    const form = await f.call("PATCH", `languages/${de.body.id}/`, { raw: "name=Alem%C3%A1n", headers: { "content-type": "application/x-www-form-urlencoded" } });
    assert.equal(form.body.name, "Alemán");
    assert.equal((await f.call("PUT", `languages/${de.body.id}/`, { body: {} })).status, 405);
    const deleted = await f.call("DELETE", `languages/${de.body.id}/`);
    assert.equal(deleted.status, 204);
    assert.equal(deleted.text, "");
    assert.equal((await f.call("GET", `languages/${de.body.id}/`)).status, 404);
    // The code is free again once its language is gone.
    assert.equal((await f.call("POST", "languages/", { body: { name: "German", language_code: "de" } })).status, 200);
    for (const id of [1, 2]) {
      const inUse = await f.call("DELETE", `languages/${id}/`);
      assert.equal(inUse.status, 409, String(id));
      assert.deepEqual(inUse.body, { detail: "Language is in use and cannot be deleted." });
    }
    assert.equal((await f.call("DELETE", "languages/99/")).status, 404);
  });

  test("37. renaming a code frees the old one; concurrent creates of one code → exactly one 200", async () => {
    const pt = await f.call("POST", "languages/", { body: { name: "Portuguese", language_code: "pt" } });
    assert.equal((await f.call("PATCH", `languages/${pt.body.id}/`, { body: { language_code: "po" } })).status, 200);
    assert.equal((await f.call("POST", "languages/", { body: { name: "Portuguese", language_code: "pt" } })).status, 200);
    const racers = await Promise.all(Array.from({ length: 10 }, () => f.call("POST", "languages/", { body: { name: "Dutch", language_code: "nl" } })));
    assert.equal(racers.filter((r) => r.status === 200).length, 1);
    assert.ok(racers.every((r) => r.status === 200 || r.status === 400));
    const listed = (await f.call("GET", "languages/?language_code=nl")).body;
    assert.equal(listed.length, 1);
    assert.equal(new Set((await f.call("GET", "languages/")).body.map((l: { id: number }) => l.id)).size, (await f.call("GET", "languages/")).body.length);
  });
});

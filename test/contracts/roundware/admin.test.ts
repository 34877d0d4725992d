import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { ADMIN_TOKEN, startServer } from "../../helpers/server.js";
import { type Fixture, SESSION_BODY, caller, native, startFixture } from "./fixture.js";

const run = promisify(execFile);

/** The sessionhub CLI as a child process, talking to a running server. */
function cli(url: string, ...args: string[]) {
  return run(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args, "--url", url, "--token", ADMIN_TOKEN], { timeout: 60_000 });
}

/** Checklist items 1–3: fresh install and administration through sessionhub's own means. */
describe("roundware: fresh install and administration", () => {
  let f: Fixture;

  before(async () => {
    f = await startFixture();
  });

  after(() => f.t.stop());

  test("1. a brand-new data directory lists exactly language 1 = en English", async () => {
    const fresh = await startServer({ env: { SESSIONHUB_ROUNDWARE_PORT: "0" } });
    try {
      const r = await caller(fresh.urls.roundware!)("GET", "languages/");
      assert.equal(r.status, 200);
      assert.equal(r.text, '[{"id":1,"name":"English","language_code":"en"}]');
    } finally {
      await fresh.stop();
    }
  });

  test("1. restarting keeps the languages as they were changed (the seed runs once)", async () => {
    const first = await startServer({ keepData: true });
    const dir = first.dataDir;
    await caller(first.url)("PATCH", "languages/1/", { body: { language_code: "EN", name: "Anglais" } });
    await first.stop();
    const again = await startServer({ dataDir: dir });
    try {
      const r = await caller(again.url)("GET", "languages/");
      assert.deepEqual(r.body, [{ id: 1, name: "Anglais", language_code: "EN" }]);
    } finally {
      await again.stop();
    }
  });

  test("2. `sessionhub roundware languages add it Italian` adds a language with a new id; list, update and remove work too", async () => {
    const added = await cli(f.t.url, "roundware", "languages", "add", "it", "Italian");
    assert.match(added.stdout, /created language \d+: it "Italian"/);
    const listed = (await f.call("GET", "languages/")).body as { id: number; language_code: string }[];
    const it = listed.find((l) => l.language_code === "it");
    assert.ok(it && it.id > 2);
    const table = await cli(f.t.url, "roundware", "languages", "list");
    assert.match(table.stdout, /ID\s+CODE\s+NAME/);
    assert.match(table.stdout, /\bit\s+Italian/);
    const withId = await cli(f.t.url, "roundware", "languages", "add", "fr", "French", "--id", "40", "--json");
    assert.deepEqual(JSON.parse(withId.stdout), { id: 40, name: "French", language_code: "fr" });
    await cli(f.t.url, "roundware", "languages", "update", "40", "--name", "Français");
    assert.equal((await f.call("GET", "languages/40/")).body.name, "Français");
    await assert.rejects(cli(f.t.url, "roundware", "languages", "add", "fr", "Again"), /language_code already exists in database/);
    await cli(f.t.url, "roundware", "languages", "remove", "40");
    assert.equal((await f.call("GET", "languages/40/")).status, 404);
    await assert.rejects(cli(f.t.url, "roundware", "languages", "remove", "1"), /409 Language is in use/);
  });

  test("2. `sessionhub services create` of kind roundware with number 5 → POST sessions/ with project_id 5 → 200", async () => {
    await cli(f.t.url, "services", "create", "tour5", "--kind", "roundware", "--number", "5", "--name", "Fifth", "--settings", '{"roundware":{"speak_enabled":true}}');
    const r = await f.call("POST", "sessions/", { auth: f.T1, body: { ...SESSION_BODY, project_id: 5 } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.project_id, 5);
    await cli(f.t.url, "services", "update", "tour5", "--settings", '{"roundware":{"geo_listen_enabled":true}}');
    const after = await f.call("POST", "sessions/", { auth: f.T1, body: { ...SESSION_BODY, project_id: 5 } });
    assert.equal(after.body.geo_listen_enabled, true);
  });

  test("3. a roundware service with bad settings → native 400 problem+json, and no service is created", async () => {
    for (const [id, settings, pointer] of [
      ["bad1", { roundware: { geo_listen_enabled: "x" } }, "/settings/roundware/geo_listen_enabled"],
      ["bad2", { roundware: { language_ids: [99] } }, "/settings/roundware/language_ids"],
      ["bad3", { roundware: { colour: "red" } }, "/settings/roundware/colour"],
      ["bad4", { roundware: { repeat_mode: "forever", latitude: 91 } }, "/settings/roundware/repeat_mode"],
      ["bad5", { roundware: [] }, "/settings/roundware"],
    ] as const) {
      const r = await native(f.t, "POST", "/services", { id, kind: "roundware", number: 90, settings });
      assert.equal(r.status, 400, `${id}: ${r.text}`);
      assert.match(r.headers.get("content-type") ?? "", /^application\/problem\+json/);
      assert.ok(r.body.errors.some((e: { pointer: string }) => e.pointer === pointer), `${id}: ${r.text}`);
      assert.equal((await native(f.t, "GET", `/services/${id}`)).status, 404);
    }
    const patch = await native(f.t, "PATCH", "/services/quiet", { settings: { roundware: { language_ids: [1, 77] } } });
    assert.equal(patch.status, 400);
    const taken = await native(f.t, "POST", "/services", { id: "dup", kind: "roundware", number: 1 });
    assert.equal(taken.status, 409);
  });
});

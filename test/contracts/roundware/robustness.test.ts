import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { familyConfigSources } from "../../../src/api/families.js";
import { listenerPort, roundwareConfig } from "../../../src/api/roundware/config.js";
import { loadConfig } from "../../../src/config.js";
import { startServer } from "../../helpers/server.js";
import { type Fixture, SESSION_BODY, caller, sqliteNodes, startFixture } from "./fixture.js";
import { sessionAcrossNodes } from "./nodes.js";

/** Checklist items 42 and 43, streaming lists, the own listener and its configuration. */
describe("roundware: secrets, nodes, streaming and configuration", () => {
  let f: Fixture;

  before(async () => {
    f = await startFixture();
  });

  after(() => f.t.stop());

  test("42. no response but R1/R6 carries a token; neither tokens, Authorization values nor passwords reach logs or events", async () => {
    const login = await f.call("POST", "login/", { auth: null, body: { username: "admin", password: "pw-admin" } });
    const secrets = [f.T1, f.T2, f.A, login.body.token as string, "pw-admin"];
    const created = await f.call("POST", "sessions/", { auth: f.T1, body: SESSION_BODY });
    const answers = [
      created,
      await f.call("GET", "sessions/", { auth: f.T1 }),
      await f.call("GET", "sessions/"),
      await f.call("GET", `sessions/${created.body.id}/`, { auth: f.T1 }),
      await f.call("GET", "users/"),
      await f.call("GET", `users/${f.D1.id}/`, { auth: f.T1 }),
      await f.call("GET", `projects/1/?session_id=${created.body.id}`, { auth: f.T1 }),
      await f.call("GET", "languages/", { auth: f.T1 }),
      await f.call("GET", "sessions/", { auth: null, headers: { authorization: `token ${f.T1}x` } }),
      await f.call("POST", "login/", { auth: null, body: { username: "admin", password: "pw-admin-wrong" } }),
      await f.call("GET", "", { auth: f.T1 }),
    ];
    for (const a of answers) for (const s of secrets) assert.ok(!a.text.includes(s), `a response carries a secret: ${a.text.slice(0, 120)}`);
    const logs = f.t.logs.join("\n");
    for (const s of [...secrets, "pw-admin-wrong"]) {
      assert.ok(!logs.includes(s), `a log line carries a secret: ${f.t.logs.find((l) => l.includes(s))}`);
    }
    assert.ok(!f.t.logs.some((l) => /"authorization":"(?!\[REDACTED\])/i.test(l)), "an Authorization value was logged");
    const events = JSON.stringify(await f.t.server.store.readEvents(0, 100_000));
    for (const s of secrets) assert.ok(!events.includes(s), "an event carries a secret");
  });

  test("numbers beyond the integer range: ids are 404, body pks do not exist, filters match nothing, a chosen language id is bounded", async () => {
    const huge = "99999999999999999999";
    for (const path of [`sessions/${huge}/`, `users/${huge}/`, `languages/${huge}/`, `projects/${huge}/`]) {
      assert.equal((await f.call("GET", path, { auth: f.T1 })).status, 404, path);
    }
    for (const [body, key, raw] of [[{ project_id: 1e300 }, "project", "1e+300"], [{ project_id: huge }, "project", huge], [{ language_id: huge }, "language", huge]] as const) {
      const r = await f.call("POST", "sessions/", { auth: f.T1, body: { ...SESSION_BODY, ...body } });
      assert.equal(r.status, 400, r.text);
      assert.deepEqual(r.body[key], [`Invalid pk "${raw}" - object does not exist.`]);
    }
    for (const query of [`project_id=${huge}`, `language_id=${huge}`, "project_id=1.5"]) {
      const r = await f.call("GET", `sessions/?${query}`, { auth: f.T1 });
      assert.equal(r.status, 200, `${query}: ${r.text}`);
      assert.deepEqual(r.body, [], query);
    }
    const far = await f.call("POST", "languages/", { body: { id: 2 ** 31, name: "Far", language_code: "zz" } });
    assert.equal(far.status, 400, far.text);
    assert.deepEqual(far.body, { id: ["Ensure this value is less than or equal to 2147483647."] });
  });

  test("42. the 21st failed login from one address within a minute → 429 with Retry-After; it lifts after the window", async () => {
    const t = await startServer();
    try {
      const call = caller(t.url, null);
      for (let i = 0; i < 20; i += 1) assert.equal((await call("POST", "login/", { body: { username: "admin", password: `no-${i}` } })).status, 400);
      const throttled = await call("POST", "login/", { body: { username: "admin", password: "still-no" } });
      assert.equal(throttled.status, 429);
      assert.match(throttled.body.detail, /^Request was throttled\. Expected available in \d+ seconds?\.$/);
      assert.ok(Number(throttled.headers.get("retry-after")) >= 1);
      t.clock.advance(61_000);
      assert.equal((await call("POST", "login/", { body: { username: "admin", password: "still-no" } })).status, 400);
    } finally {
      await t.stop();
    }
  });

  test("R1's rate limit per address is configurable; over it → 429", async () => {
    const t = await startServer({ env: { SESSIONHUB_ROUNDWARE_USERS_PER_MINUTE: "3" } });
    try {
      const call = caller(t.url, null);
      for (let i = 0; i < 3; i += 1) assert.equal((await call("POST", "users/", { body: { device_id: `rl-${i}`, client_type: "web" } })).status, 200);
      const over = await call("POST", "users/", { body: { device_id: "rl-9", client_type: "web" } });
      assert.equal(over.status, 429);
      assert.ok(over.headers.get("retry-after"));
    } finally {
      await t.stop();
    }
  });

  test("allowDeviceRegistration false: new device ids → 403, known device users still get tokens", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sessionhub-rw-"));
    try {
      const open = await startServer({ dataDir: dir });
      await caller(open.url, null)("POST", "users/", { body: { device_id: "known", client_type: "web" } });
      await open.stop();
      const closed = await startServer({ dataDir: dir, env: { SESSIONHUB_ROUNDWARE_ALLOW_DEVICE_REGISTRATION: "false" } });
      try {
        const call = caller(closed.url, null);
        assert.equal((await call("POST", "users/", { body: { device_id: "known", client_type: "web" } })).status, 200);
        const refused = await call("POST", "users/", { body: { device_id: "unknown", client_type: "web" } });
        assert.equal(refused.status, 403);
        assert.deepEqual(refused.body, { detail: "You do not have permission to perform this action." });
      } finally {
        await closed.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("43. a session created on node A reads the same on node B; one create → one session.created on each node's stream", async () => {
    await sessionAcrossNodes(f, sqliteNodes);
  });

  test("lists stream out in keyset batches: 1,100 sessions come back whole, in order, without a Content-Length", async () => {
    const user = await f.call("POST", "users/", { auth: null, body: { device_id: "many-sessions", client_type: "web" } });
    const made: number[] = [];
    for (let i = 0; i < 110; i += 1) {
      const batch = await Promise.all(Array.from({ length: 10 }, () => f.call("POST", "sessions/", { auth: user.body.token, body: SESSION_BODY })));
      made.push(...batch.map((r) => r.body.id as number));
    }
    const res = await fetch(`${f.url}/api/2/sessions/`, { headers: { authorization: `token ${user.body.token}` } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-length"), null);
    assert.equal(res.headers.get("cache-control"), "no-store");
    const rows = (await res.json()) as { id: number }[];
    assert.deepEqual(rows.map((r) => r.id), [...made].sort((x, y) => x - y));
    assert.deepEqual((await f.call("GET", "sessions/count/", { auth: user.body.token })).body, { count: 1100 });
    const head = await fetch(`${f.url}/api/2/sessions/`, { method: "HEAD", headers: { authorization: `token ${user.body.token}` } });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), "");
  });

  test("the family answers on the main listener and on its own; R14 needs no token", async () => {
    assert.notEqual(f.t.urls.roundware, f.t.urls.main);
    for (const base of [f.t.urls.main!, f.t.urls.roundware!]) {
      const root = await caller(base, null)("GET", "");
      assert.equal(root.status, 200);
      assert.deepEqual(Object.keys(root.body), ["languages", "login", "projects", "sessions", "users"]);
      assert.equal(root.body.sessions, `${base}/api/2/sessions/`);
    }
    const outside = await fetch(`${f.t.urls.roundware}/elsewhere`);
    assert.equal(outside.status, 404);
    assert.deepEqual(await outside.json(), { detail: "Not found." });
  });

  test("roundware.port comes from the config file, SESSIONHUB_ROUNDWARE_PORT and --roundware-port, in that order of strength", () => {
    const dir = mkdtempSync(join(tmpdir(), "sessionhub-rwcfg-"));
    try {
      const file = join(dir, "config.json");
      writeFileSync(file, JSON.stringify({ roundware: { port: 7000 } }));
      const sources = familyConfigSources();
      const port = (env: Record<string, string>, flags: Record<string, string> = {}) =>
        listenerPort(roundwareConfig(loadConfig({ ...sources, file, env, flags })));
      assert.equal(listenerPort(roundwareConfig(loadConfig(sources))), null);
      assert.equal(port({}), 7000);
      assert.equal(port({ SESSIONHUB_ROUNDWARE_PORT: "8888" }), 8888);
      assert.equal(port({ SESSIONHUB_ROUNDWARE_PORT: "8888" }, { "roundware-port": "0" }), 0);
      assert.throws(() => port({ SESSIONHUB_ROUNDWARE_PORT: "eighty" }), /roundware.port/);
      assert.deepEqual(roundwareConfig(loadConfig(sources)).corsOrigins, ["*"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { familyConfigSources } from "../../../src/api/families.js";
import { maxscaleConfig } from "../../../src/api/maxscale/config.js";
import { loadConfig } from "../../../src/config.js";
import { startServer } from "../../helpers/server.js";
import { type MaxscaleServer, OPS, addJob, createService, createSession, startMaxscale } from "./fixture.js";
import { assertNoBody } from "./shape.js";

/** Contract §2 and §8: where the family listens, which paths go where, and its settings. */
describe("maxscale: listeners", () => {
  let t: MaxscaleServer;

  before(async () => {
    t = await startMaxscale();
    await createService(t, "rw");
    await createSession(t, { serviceId: "rw" });
  });

  after(() => t.stop());

  test("port 0 is any free port; server.start() names the listener", async () => {
    assert.match(t.ms, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(new URL(t.ms).port, "8989");
    assert.notEqual(t.ms, t.url);
  });

  test("on its own listener every path works with or without /v1, with or without a trailing slash", async () => {
    for (const path of ["/v1/sessions", "/sessions", "/sessions/", "/v1/sessions/1/", "/sessions/1", "/services", "/services/rw/", "/maxscale", "/v1/maxscale/"]) {
      assert.equal((await t.call("GET", path)).status, 200, path);
    }
    const unprefixed = await t.call("GET", "/sessions/1");
    assert.equal(unprefixed.body.links.self, `${t.ms}/v1/sessions/1/`, "links always contain /v1/");
    assertNoBody(await t.call("DELETE", "/sessions/99999"), 404);
  });

  test("on the shared listener only /v1/ is this family's; /sessions belongs to others there", async () => {
    for (const path of ["/v1/sessions", "/v1/sessions/1", "/v1/services", "/v1/", "/v1"]) {
      assert.equal((await t.call("GET", path, { base: t.url })).status, 200, path);
    }
    const r = await t.call("GET", "/v1/sessions/1", { base: t.url });
    assert.equal(r.body.links.self, `${t.url}/v1/sessions/1/`);
    const other = await t.call("GET", "/sessions", { base: t.url });
    assert.notEqual(other.status, 200);
    assert.ok(!other.text.includes('"type": "sessions"'));
    assertNoBody(await t.call("GET", "/v1/nothing", { base: t.url }), 404);
    assert.equal((await t.call("GET", "/v1/sessions", { base: t.url, auth: null })).status, 401);
  });
});

describe("maxscale: configuration", () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const sources = familyConfigSources();

  test("maxscale.port from the defaults (8989), a config file, the environment and --maxscale-port", () => {
    assert.equal(maxscaleConfig(loadConfig({ ...sources })).port, 8989);
    const dir = mkdtempSync(join(tmpdir(), "sessionhub-config-"));
    dirs.push(dir);
    const file = join(dir, "config.json");
    writeFileSync(file, JSON.stringify({ maxscale: { port: 9000, publicUrl: "https://m.example" } }));
    const fromFile = maxscaleConfig(loadConfig({ ...sources, file }));
    assert.equal(fromFile.port, 9000);
    assert.equal(fromFile.retainLastStatements, 10, "the file's section is merged with the defaults");
    assert.equal(maxscaleConfig(loadConfig({ ...sources, file, env: { SESSIONHUB_MAXSCALE_PORT: "9001" } })).port, 9001);
    assert.equal(maxscaleConfig(loadConfig({ ...sources, file, env: { SESSIONHUB_MAXSCALE_PORT: "9001" }, flags: { "maxscale-port": "0" } })).port, 0);
    assert.deepEqual(maxscaleConfig(loadConfig({ ...sources, env: { SESSIONHUB_MAXSCALE_CORS_ORIGINS: "https://a.example, https://b.example" } })).corsOrigins, ["https://a.example", "https://b.example"]);
  });

  test("port -1: no listener of its own, /v1 still on the shared one; enabled=false: nowhere", async () => {
    const shared = await startServer({ env: { SESSIONHUB_MAXSCALE_PORT: "-1" } });
    try {
      assert.deepEqual(Object.keys(shared.urls), ["main"]);
      const r = await fetch(`${shared.url}/v1/`);
      assert.equal(r.status, 401);
      assert.equal(r.headers.get("www-authenticate"), 'Basic realm="maxscale"');
    } finally {
      await shared.stop();
    }
    const off = await startServer({ env: { SESSIONHUB_MAXSCALE_ENABLED: "false" } });
    try {
      assert.deepEqual(Object.keys(off.urls), ["main"]);
      const r = await fetch(`${off.url}/v1/sessions`, { headers: { authorization: OPS } });
      assert.equal(r.status, 404);
      assert.ok(!(await r.text()).includes("errors"));
    } finally {
      await off.stop();
    }
  });

  test("settings the family cannot run with stop the server with the setting's name", async () => {
    await assert.rejects(startServer({ env: { SESSIONHUB_MAXSCALE_RETAIN_LAST_STATEMENTS: "-1" } }), /maxscale\.retainLastStatements/);
    await assert.rejects(startServer({ env: { SESSIONHUB_MAXSCALE_PUBLIC_URL: "ftp://x" } }), /maxscale\.publicUrl/);
    await assert.rejects(startServer({ env: { SESSIONHUB_MAXSCALE_PORT: "70000" } }), /maxscale\.port/);
  });

  test("retainLastStatements and sessionLogLines bound queries and log", async () => {
    const t = await startMaxscale({ env: { SESSIONHUB_MAXSCALE_RETAIN_LAST_STATEMENTS: "2", SESSIONHUB_MAXSCALE_SESSION_LOG_LINES: "3" } });
    try {
      await createService(t, "rw");
      const s = await createSession(t, { serviceId: "rw" });
      for (let i = 0; i < 4; i += 1) await addJob(t, s, `job ${i}`);
      await t.server.hub.sessions.writeLog(s, Array.from({ length: 5 }, (_, i) => ({ type: "normal" as const, text: `l${i}` })));
      const a = (await t.call("GET", "/v1/sessions/1")).body.data.attributes;
      assert.deepEqual(a.queries.map((q: { statement: string }) => q.statement), ["job 2", "job 3"], "the last two, oldest first");
      assert.deepEqual(a.log.map((l: string) => l.slice(-2)), ["l2", "l3", "l4"]);
      assert.equal((await t.call("GET", "/v1/maxscale")).body.data.attributes.parameters.retain_last_statements, 2);
    } finally {
      await t.stop();
    }
  });

  test("a listener beyond loopback without TLS logs that passwords travel in clear", async () => {
    const t = await startMaxscale({ env: { SESSIONHUB_MAXSCALE_HOST: "0.0.0.0" }, users: false });
    try {
      assert.ok(t.logs.some((l) => l.includes("the maxscale listener on 0.0.0.0 serves plain HTTP: passwords (HTTP Basic, login forms) travel in clear")));
    } finally {
      await t.stop();
    }
  });
});

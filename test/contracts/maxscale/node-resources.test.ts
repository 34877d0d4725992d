import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { SYSTEM_PRINCIPAL } from "../../../src/core/types.js";
import { http } from "../../helpers/server.js";
import { ALICE, type MaxscaleServer, createService, createSession, startMaxscale } from "./fixture.js";
import { assertDocument, assertErrors } from "./shape.js";

/**
 * The resources maxctrl asks for besides sessions and services: the objects the hub has
 * none of, its REST API users, and the node itself (threads, logging, modules).
 */
describe("maxscale: users, threads, logging, modules and the objects the hub has none of", () => {
  let t: MaxscaleServer;
  let host: string;

  before(async () => {
    t = await startMaxscale({ env: { SESSIONHUB_LOG_LEVEL: "warn" } });
    host = new URL(t.ms).host;
    await createService(t, "rw");
    await createSession(t, { serviceId: "rw", owner: "alice" });
    await http(t.url, "POST", "/api/v1/users", { body: { id: "off", password: "pw-off", disabled: true } });
    await http(t.url, "POST", "/api/v1/users", { body: { id: "device" } });
  });

  after(() => t.stop());

  test("servers, monitors, filters, listeners: 200 with data [] and a self link; a name is MaxScale's 404", async () => {
    for (const [collection, kind] of [["servers", "server"], ["monitors", "monitor"], ["filters", "filter"], ["listeners", "listener"]]) {
      for (const path of [`/v1/${collection}`, `/v1/${collection}/`, `/${collection}`]) {
        const r = await t.call("GET", path);
        assert.equal(r.status, 200, path);
        assert.deepEqual(r.body, { data: [], links: { self: `http://${host}/v1/${collection}/` } }, path);
      }
      assertErrors(await t.call("GET", `/v1/${collection}/x1`), 404, `x1 is not a ${kind}`);
      assert.equal((await t.call("GET", `/v1/${collection}`, { auth: ALICE })).status, 200, "basic accounts read");
    }
    const listeners = await t.call("GET", "/v1/services/rw/listeners");
    assert.deepEqual(listeners.body, { data: [], links: { self: `http://${host}/v1/services/rw/listeners/` } });
    assertErrors(await t.call("GET", "/v1/services/nope/listeners"), 404, "nope is not a service");
    assertErrors(await t.call("GET", "/v1/services/rw/listeners/l1"), 404, "l1 is not a listener");
    const cache = await t.call("GET", "/v1/maxscale/query_classifier/cache?top=20");
    assert.deepEqual(cache.body.data, []);
  });

  test("users: the users who can log in with a password, as MaxScale's inet users with their account", async () => {
    for (const path of ["/v1/users", "/v1/users/inet"]) {
      const r = await t.call("GET", path);
      assert.equal(r.status, 200);
      assertDocument(r.body);
      assert.equal(r.body.links.self, `http://${host}/v1/users/inet/`);
      assert.deepEqual(r.body.data.map((u: any) => [u.id, u.type, u.attributes.account]), [["ops", "inet", "admin"], ["alice", "inet", "basic"]], "no disabled user, no user without a password");
    }
    const ops = (await t.call("GET", "/v1/users/inet/ops")).body.data;
    const stored = (await t.server.users.find("ops"))!;
    assert.deepEqual(ops, {
      attributes: { account: "admin", created: new Date(stored.createdAt).toUTCString(), last_login: null, last_update: new Date(stored.updatedAt).toUTCString(), name: "ops" },
      id: "ops",
      links: { self: `http://${host}/v1/users/inet/ops/` },
      type: "inet",
    });
    for (const name of ["device", "off", "nobody"]) assertErrors(await t.call("GET", `/v1/users/inet/${name}`), 404, `${name} is not a inetuser`);
    assert.deepEqual((await t.call("GET", "/v1/users/unix")).body.data, []);
    assert.equal((await t.call("GET", "/v1/users", { auth: ALICE })).status, 200);
  });

  test("threads: this node's one worker, with figures from its event loop and process", async () => {
    const list = await t.call("GET", "/v1/maxscale/threads");
    assert.equal(list.status, 200);
    assertDocument(list.body);
    assert.equal(list.body.links.self, `http://${host}/v1/maxscale/threads/`);
    assert.deepEqual(list.body.data.map((d: any) => d.id), ["0"]);
    const one = await t.call("GET", "/v1/maxscale/threads/0");
    assert.equal(one.body.links.self, `http://${host}/v1/maxscale/threads/0/`);
    const stats = one.body.data.attributes.stats;
    assert.equal(stats.state, "Active");
    assert.equal(stats.listening, true);
    for (const window of ["last_second", "last_minute", "last_hour"]) {
      assert.ok(Number.isInteger(stats.load[window]) && stats.load[window] >= 0 && stats.load[window] <= 100, window);
    }
    assert.ok(stats.current_descriptors > 0);
    assert.equal(stats.sessions, 1, "the live sessions this node created");
    assert.ok(stats.memory.total > 0);
    assert.deepEqual(Object.keys(stats), [...Object.keys(stats)].sort());
    for (const segment of ["1", "x", "0x"]) assertErrors(await t.call("GET", `/v1/maxscale/threads/${segment}`), 404, `${segment} is not a thread`);
  });

  test("logging: the priorities this node's level lets through", async () => {
    const r = await t.call("GET", "/v1/maxscale/logs");
    assert.equal(r.status, 200);
    assertDocument(r.body);
    assert.equal(r.body.links.self, `http://${host}/v1/maxscale/logs/`);
    assert.equal(r.body.data.id, "logs");
    assert.equal(r.body.data.type, "logs");
    const a = r.body.data.attributes;
    assert.deepEqual(a.log_priorities, ["alert", "error", "warning"], "the level is warn");
    assert.equal(a.parameters.log_warning, true);
    assert.equal(a.parameters.log_notice, false);
    assert.equal(a.parameters.log_info, false);
    assert.equal(a.parameters.log_debug, false);
    assert.equal(a.parameters.syslog, false);
  });

  test("modules: the core and one router per service kind, none with commands", async () => {
    const r = await t.call("GET", "/v1/maxscale/modules");
    assert.equal(r.status, 200);
    assertDocument(r.body);
    const kinds = t.server.hub.services.knownKinds();
    assert.deepEqual(r.body.data.map((m: any) => m.id), ["maxscale", ...[...kinds].sort()]);
    for (const m of r.body.data) {
      assert.deepEqual(m.attributes.commands, []);
      assert.equal(m.attributes.version, "0.1.0");
      assert.equal(m.attributes.module_type, m.id === "maxscale" ? "maxscale" : "Router");
    }
    const services = (await t.call("GET", "/v1/services")).body.data;
    for (const s of services) assert.equal((await t.call("GET", `/v1/maxscale/modules/${s.attributes.router}`)).status, 200, `the router of ${s.id} is a module`);
    assertErrors(await t.call("GET", "/v1/maxscale/modules/readwritesplit"), 404, "readwritesplit is not a module");
    assert.deepEqual((await t.call("GET", "/v1/maxscale/modules/?load=all")).body.data, r.body.data);
  });

  test("every new path answers HEAD, OPTIONS and only GET", async () => {
    for (const path of ["/v1/servers", "/v1/users/inet", "/v1/maxscale/threads/0", "/v1/maxscale/logs", "/v1/maxscale/modules/maxscale"]) {
      const head = await t.call("HEAD", path);
      assert.equal(head.status, 200, path);
      assert.equal(head.text, "");
      assert.equal((await t.call("OPTIONS", path, { auth: null })).headers.get("allow"), "GET, HEAD, OPTIONS", path);
      assert.equal((await t.call("DELETE", path)).status, 404, path);
    }
  });

  test("documents are written with sorted keys, as MaxScale writes them, pretty or compact — integer-like keys too", async () => {
    await t.server.hub.services.update(SYSTEM_PRINCIPAL, "rw", { settings: { b: 1, a: { "10": 1, "2": 2, Z: 3 } } });
    for (const query of ["", "?pretty=false"]) {
      const r = await t.call("GET", `/v1/services/rw${query}`);
      const keys = ['"data"', '"attributes"', '"connections"', '"parameters"', '"10"', '"2"', '"Z"', '"b"', '"router"', '"id"', '"links"', '"relationships"', '"type"'];
      const at = keys.map((k) => r.text.indexOf(k));
      assert.ok(at.every((p, i) => p >= 0 && (i === 0 || p > at[i - 1]!)), `${query}: ${keys.filter((_, i) => !(at[i]! > (at[i - 1] ?? -1))).join(" ")}`);
      assert.ok(r.text.lastIndexOf('"links"') > r.text.indexOf('"type"'), "the document's links after its data");
      assert.deepEqual(r.body.data.attributes.parameters, { b: 1, a: { "10": 1, "2": 2, Z: 3 } });
    }
  });
});

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { SYSTEM_PRINCIPAL } from "../../../src/core/types.js";
import { type MaxscaleServer, createChecklist, startMaxscale } from "./fixture.js";
import { assertDocument, assertErrors, assertNoBody } from "./shape.js";

/** Contract §9 items 28–32: services, the root, the maxscale resource, methods. */
describe("maxscale: services and root", () => {
  let t: MaxscaleServer;
  let host: string;

  before(async () => {
    t = await startMaxscale();
    await createChecklist(t);
    host = new URL(t.ms).host;
  });

  after(() => t.stop());

  test("28. GET /v1/services: every service with its router and live session counts", async () => {
    const r = await t.call("GET", "/v1/services");
    assert.equal(r.status, 200);
    assertDocument(r.body);
    assert.equal(r.body.links.self, `http://${host}/v1/services/`);
    // Every service of the hub, by number: the fixture's, then the families' built-in
    // ones (numbered from BUILT_IN_SERVICE_NUMBERS up).
    const all = (await t.server.hub.services.list()).map((s) => s.id);
    const ids = r.body.data.map((d: { id: string }) => d.id);
    assert.deepEqual(ids, all);
    assert.deepEqual(ids.slice(0, 2), ["rw", "lobby"]);
    const [rw, lobby] = r.body.data;
    for (const s of r.body.data) {
      assert.deepEqual(s.relationships, {});
      assert.deepEqual(Object.keys(s), ["attributes", "id", "links", "relationships", "type"]);
      assert.deepEqual(s.attributes.listeners, [], "no MaxScale listener points to it");
      assert.ok(s.attributes.total_connections >= s.attributes.connections);
      assert.equal(s.attributes.statistics.connections, s.attributes.connections);
      assert.equal(s.attributes.statistics.total_connections, s.attributes.total_connections);
    }
    assert.equal(rw.attributes.router, "generic");
    assert.equal(lobby.attributes.router, "game");
    assert.equal(rw.attributes.statistics.connections, 2);
    assert.equal(rw.attributes.total_connections, 3, "live plus ended within retention");
    assert.equal(rw.attributes.statistics.active_operations, 1);
    assert.equal(lobby.attributes.statistics.connections, 1);
    assert.equal(rw.attributes.state, "Started");
    assert.equal(rw.attributes.started, new Date((await t.server.hub.services.get("rw"))!.createdAt).toUTCString(), "created after the node started");
    const slash = await t.call("GET", "/v1/services/");
    assert.deepEqual(slash.body, r.body);
  });

  test("28. a service whose family is not running on this node is Stopped", async () => {
    await t.server.store.insertService({ id: "orphan", kind: "nobody", name: "orphan", description: null, settings: { a: 1 }, defaultInactiveTimeoutSeconds: 60 }, () => [], t.clock.now());
    const r = await t.call("GET", "/v1/services/orphan");
    assert.equal(r.body.data.attributes.state, "Stopped");
    assert.deepEqual(r.body.data.attributes.parameters, { a: 1 });
  });

  test("29. GET /v1/services/rw, unknown names, and If-None-Match → 304", async () => {
    const r = await t.call("GET", "/v1/services/rw");
    assert.equal(r.status, 200);
    assert.equal(r.body.links.self, `http://${host}/v1/services/rw/`);
    assert.equal(r.body.data.links.self, `http://${host}/v1/services/rw/`);
    assert.match(r.headers.get("etag")!, /^"[0-9a-f]{40}"$/);
    assert.equal(r.headers.get("last-modified"), new Date((await t.server.hub.services.get("rw"))!.updatedAt).toUTCString());
    assertErrors(await t.call("GET", "/v1/services/nope"), 404, "nope is not a service");
    const etag = r.headers.get("etag")!;
    const cached = await t.call("GET", "/v1/services/rw", { headers: { "if-none-match": etag } });
    assertNoBody(cached, 304);
    assert.equal(cached.headers.get("etag"), etag);
    assert.equal((await t.call("GET", "/v1/services/rw", { headers: { "if-none-match": '"other", ' + etag } })).status, 304);
    assert.equal((await t.call("GET", "/v1/services/rw", { headers: { "if-modified-since": r.headers.get("last-modified")! } })).status, 304);
    assert.equal((await t.call("GET", "/v1/services/rw", { headers: { "if-modified-since": "Thu, 01 Jan 1970 00:00:00 GMT" } })).status, 200);
    await t.server.hub.sessions.create(SYSTEM_PRINCIPAL, { serviceId: "rw" });
    assert.equal((await t.call("GET", "/v1/services/rw", { headers: { "if-none-match": etag } })).status, 200, "a new session changes the document");
  });

  test("30. GET /v1/ → 200 with an empty body; without credentials → 401", async () => {
    const r = await t.call("GET", "/v1/");
    assert.equal(r.status, 200);
    assert.equal(r.text, "");
    assert.equal((await t.call("GET", "/v1")).status, 200);
    assert.equal((await t.call("GET", "/")).status, 200);
    assertErrors(await t.call("GET", "/v1/", { auth: null }), 401, "Access denied");
  });

  test("31. GET /v1/maxscale → retain_last_statements, version, start and activation times, uptime, system", async () => {
    const r = await t.call("GET", "/v1/maxscale");
    assert.equal(r.status, 200);
    assertDocument(r.body);
    const a = r.body.data.attributes;
    assert.equal(a.parameters.retain_last_statements, 10);
    assert.equal(a.version, "0.1.0");
    assert.ok(Number.isInteger(a.uptime) && a.uptime >= 0);
    assert.ok(Date.parse(a.started_at) <= t.clock.now());
    assert.equal(a.activated_at, a.started_at, "a node is active from its start");
    assert.equal(a.config_sync, null);
    assert.ok(a.system.machine.cores_available >= 1);
    assert.equal(a.system.maxscale.threads, 1);
    assert.equal(r.body.links.self, `http://${host}/v1/maxscale/`);
    t.clock.advance(5000);
    const later = (await t.call("GET", "/v1/maxscale")).body.data.attributes;
    assert.ok(later.uptime >= a.uptime + 5, "uptime follows the clock");
  });

  test("32. other methods and paths → body-less 404; OPTIONS lists methods; HEAD has no body", async () => {
    for (const [method, path] of [
      ["PUT", "/v1/sessions"],
      ["POST", "/v1/sessions"],
      ["GET", "/v1/auth"],
      ["POST", "/v1/users/inet"],
      ["PUT", "/v1/servers"],
      ["DELETE", "/v1/services/rw"],
      ["POST", "/v1/maxscale/logs/flush"],
      ["GET", "/v1/sessions/1/restart"],
      ["GET", "/nothing/here"],
    ]) {
      assertNoBody(await t.call(method!, path!), 404);
    }
    const options = await t.call("OPTIONS", "/v1/sessions/1", { auth: null });
    assert.equal(options.status, 204);
    const allow = options.headers.get("allow")!.split(", ");
    for (const m of ["GET", "HEAD", "PATCH", "DELETE"]) assert.ok(allow.includes(m), m);
    assert.equal((await t.call("OPTIONS", "/v1/sessions/restart")).headers.get("allow"), "POST, OPTIONS");
    assert.equal((await t.call("OPTIONS", "/v1/sessions")).headers.get("allow"), "GET, HEAD, OPTIONS");
    const head = await t.call("HEAD", "/v1/sessions/1");
    assert.equal(head.status, 200);
    assert.equal(head.text, "");
    assert.match(head.headers.get("etag")!, /^"[0-9a-f]{40}"$/);
    assert.match(head.headers.get("content-type")!, /^application\/json/);
    assertNoBody(await t.call("HEAD", "/v1/sessions/99999"), 404);
    assert.equal((await t.call("HEAD", "/v1/services")).status, 200);
  });
});

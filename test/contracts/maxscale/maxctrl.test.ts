import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Answer } from "../../helpers/server.js";
import { type MaxscaleServer, addJob, createService, createSession, finishJob, startMaxscale } from "./fixture.js";
import { getPath } from "./maxctrl-client.js";
import { assertDocument } from "./shape.js";

/** The headers maxctrl (axios) sends with every request. */
const MAXCTRL = { "user-agent": "axios/0.28.0", accept: "application/json, text/plain, */*" };

/** The JSON paths maxctrl reads, in its own notation: `a.b[].c` maps over an array. */
const SESSION_PATHS = [
  "id",
  "attributes.user",
  "attributes.remote",
  "attributes.connected",
  "attributes.idle",
  "relationships.services.data[].id",
  "attributes.memory.total",
  "attributes.io_activity",
  "attributes.state",
  "attributes.port",
  "attributes.parameters",
  "attributes.client.cipher",
  "attributes.client.connection_attributes",
  "attributes.connections[]",
  "attributes.queries[].statement",
  "attributes.log",
];
const SERVICE_PATHS = ["id", "attributes.router", "attributes.statistics.connections", "attributes.statistics.total_connections"];

/** Always empty by contract: the hub records no TLS cipher and holds no backend connections. */
const EMPTY_BY_CONTRACT = new Set(["attributes.client.cipher", "attributes.connections[]"]);

/** Every path resolves on every row, to something maxctrl prints (arrays of strings are joined). */
function assertPopulated(rows: unknown[], paths: string[]): void {
  assert.ok(rows.length > 0);
  for (const row of rows) {
    for (const path of paths) {
      const v = getPath(row, path);
      assert.notEqual(v, undefined, `${path} of ${JSON.stringify(row).slice(0, 80)}`);
      assert.notEqual(v, null, path);
      if (EMPTY_BY_CONTRACT.has(path)) continue;
      if (typeof v === "string") assert.notEqual(v, "", path);
      if (Array.isArray(v)) assert.ok(v.length > 0 && v.every((x) => x !== undefined && x !== ""), path);
    }
  }
}

/** Contract §9 items 43–44: every request maxctrl sends, and what it reads from the answers. */
describe("maxscale: the maxctrl wire transcript", () => {
  let t: MaxscaleServer;
  const send = (method: string, path: string, body?: unknown): Promise<Answer> =>
    t.call(method, path, { headers: { ...MAXCTRL, ...(body !== undefined ? { "content-type": "application/json" } : {}) }, ...(body !== undefined ? { raw: JSON.stringify(body) } : {}) });

  before(async () => {
    t = await startMaxscale();
    await createService(t, "rw");
    await createService(t, "lobby", "game");
    for (const [i, serviceId, state] of [[1, "rw", "idle"], [2, "lobby", "idle"], [3, "rw", "running"], [4, "rw", "idle"], [5, "lobby", "idle"]] as const) {
      const s = await createSession(t, { serviceId, owner: "alice", state, client: { address: `192.0.2.${i}`, port: 40000 + i, userAgent: "mysql/8.0" } });
      await t.server.hub.sessions.writeLog(s, [{ type: "note", text: `session ${i} opened` }]);
      const job = await addJob(t, s, `SELECT ${i}`);
      if (i !== 3) await finishJob(t, job);
    }
  });

  after(() => t.stop());

  test("43. list sessions (with and without rdns), show session, show sessions, list services: every path maxctrl reads resolves", async () => {
    for (const path of ["/v1/sessions", "/v1/sessions?rdns=true", "/v1/sessions/"]) {
      const r = await send("GET", path);
      assert.equal(r.status, 200, path);
      assertDocument(r.body, path);
      assert.ok(Array.isArray(r.body.data), path);
      assertPopulated(r.body.data, SESSION_PATHS);
    }
    const one = await send("GET", "/v1/sessions/1");
    assert.equal(one.status, 200);
    assert.ok(!Array.isArray(one.body.data));
    assertPopulated([one.body.data], SESSION_PATHS);
    assert.ok(!Number.isNaN(new Date(one.body.data.attributes.connected).getTime()), "connected parses as a Date");
    const services = await send("GET", "/v1/services");
    assert.equal(services.status, 200);
    assertPopulated(services.body.data, SERVICE_PATHS);
    assert.deepEqual(getPath(services.body.data[0], "relationships.servers.data[].id"), undefined, "no servers: maxctrl prints an empty cell");
  });

  test("43. list queries: retain_last_statements > 0, and the running statement is the one without completed", async () => {
    const maxscale = await send("GET", "/v1/maxscale");
    assert.ok(maxscale.body.data.attributes.parameters.retain_last_statements > 0);
    const sessions = (await send("GET", "/v1/sessions")).body.data;
    const active = sessions.filter((s: any) => s.attributes.queries.length > 0 && !("completed" in s.attributes.queries[0]));
    assert.deepEqual(active.map((s: any) => s.id), ["3"]);
    assert.ok(Date.now() - Date.parse(active[0].attributes.queries[0].received) < 60_000 + t.clock.offset);
  });

  test("44. destroy, reload and alter session → 2xx with an empty body, with or without sync=false; GET /v1/ pings", async () => {
    for (const path of ["/v1/sessions/2?ttl=0", "/v1/sessions/4?ttl=0&sync=false"]) {
      const r = await send("DELETE", path);
      assert.equal(r.status, 204, path);
      assert.equal(r.text, "", path);
    }
    for (const path of ["/v1/sessions/3/restart", "/v1/sessions/3/restart?sync=false"]) {
      const r = await send("POST", path);
      assert.equal(r.status, 204, path);
      assert.equal(r.text, "");
    }
    for (const [path, flag] of [["/v1/sessions/3", "log_info"], ["/v1/sessions/3?sync=false", "log_warning"]] as const) {
      const r = await send("PATCH", path, { data: { attributes: { parameters: { [flag]: true } } } });
      assert.equal(r.status, 204, path);
      assert.equal(r.text, "");
    }
    const three = (await send("GET", "/v1/sessions/3")).body.data.attributes;
    assert.equal(three.parameters.log_info, true);
    assert.equal(three.parameters.log_warning, true);
    assert.equal((await send("GET", "/v1/sessions/2")).status, 404, "destroy session 2 ended it");
    const destroyMissing = await send("DELETE", "/v1/sessions/123456");
    assert.equal(destroyMissing.status, 404, "maxctrl destroy session 123456 must fail");
    assert.equal(destroyMissing.text, "");
    const ping = await send("GET", "/v1/");
    assert.equal(ping.status, 200);
    assert.equal(ping.text, "");
  });
});

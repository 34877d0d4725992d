import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { localTime } from "../../../src/api/maxscale/time-format.js";
import { SYSTEM_PRINCIPAL } from "../../../src/core/types.js";
import { ADMIN_TOKEN, http } from "../../helpers/server.js";
import { type DnsStub, dnsStub } from "./dns-stub.js";
import { type Checklist, type MaxscaleServer, addJob, createChecklist, createService, createSession, finishJob, startMaxscale } from "./fixture.js";
import { assertDocument, assertErrors, assertNoBody } from "./shape.js";

const ids = (body: any) => body.data.map((r: { id: string }) => r.id);

/** Contract §9 items 1–15: reading sessions. */
describe("maxscale: reading sessions", () => {
  let t: MaxscaleServer;
  let c: Checklist;
  let silent: DnsStub;
  let host: string;

  before(async () => {
    silent = await dnsStub(null);
    t = await startMaxscale({ env: { SESSIONHUB_MAXSCALE_DNS_SERVERS: silent.server } });
    c = await createChecklist(t);
    host = new URL(t.ms).host;
  });

  after(async () => {
    await t.stop();
    await silent.close();
  });

  test("1. GET /v1/sessions → every live session of every service, ascending, links from the Host", async () => {
    const r = await t.call("GET", "/v1/sessions");
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type")!, /^application\/json/);
    assert.deepEqual(Object.keys(r.body), ["data", "links"]);
    assert.deepEqual(ids(r.body), ["1", "2", "3"]);
    assert.ok(r.body.data.every((d: { type: string }) => d.type === "sessions"));
    assert.equal(r.body.links.self, `http://${host}/v1/sessions/`);
    assertDocument(r.body);
  });

  test("2. GET /v1/sessions/ is the same collection", async () => {
    const [plain, slash] = [await t.call("GET", "/v1/sessions"), await t.call("GET", "/v1/sessions/")];
    assert.equal(slash.status, 200);
    assert.deepEqual(ids(slash.body), ids(plain.body));
    assert.deepEqual(Object.keys(slash.body.data[0].attributes), Object.keys(plain.body.data[0].attributes));
  });

  test("3. GET /v1/sessions/1: keys sorted, the services relationship, self links, and every emitted link resolves", async () => {
    const r = await t.call("GET", "/v1/sessions/1");
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body), ["data", "links"]);
    assert.deepEqual(Object.keys(r.body.data), ["attributes", "id", "links", "relationships", "type"]);
    const attributes = Object.keys(r.body.data.attributes);
    assert.deepEqual(attributes, [...attributes].sort(), "attributes in MaxScale's (sorted) order");
    const relationship = {
      data: [{ id: "rw", type: "services" }],
      links: { related: `http://${host}/v1/services/`, self: `http://${host}/v1/sessions/1/relationships/services/` },
    };
    assert.deepEqual(r.body.data.relationships, { services: relationship });
    assert.equal(r.body.data.links.self, `http://${host}/v1/sessions/1/`);
    assert.equal(r.body.links.self, `http://${host}/v1/sessions/1/`);
    const again = await http(r.body.data.links.self, "GET", "", { token: null, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    assert.equal(again.status, 200);
    assert.equal(again.body.links.self, r.body.links.self);
    assert.equal(again.body.data.links.self, r.body.data.links.self);
    for (const link of [r.body.links.self, r.body.data.links.self, relationship.links.self, relationship.links.related]) {
      const followed = await http(link, "GET", "", { token: null, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      assert.equal(followed.status, 200, link);
    }
    const own = await http(relationship.links.self, "GET", "", { token: null, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    assert.deepEqual(own.body, relationship, "the relationship's link serves the relationship");
  });

  test("4. #1's attributes are derived from the core: user, client, times, memory, parameters", async () => {
    const before = t.clock.now();
    const r = await t.call("GET", "/v1/sessions/1");
    const afterwards = t.clock.now();
    const a = r.body.data.attributes;
    const s = (await t.server.hub.sessions.find(1))!;
    assert.equal(a.state, "Session started");
    assert.equal(a.user, "alice");
    assert.equal(a.remote, "192.0.2.10");
    assert.equal(a.port, 51344);
    assert.equal(a.connected, new Date(s.createdAt).toUTCString());
    assert.ok(a.seconds_alive >= (before - s.createdAt) / 1000 - 0.001 && a.seconds_alive <= (afterwards - s.createdAt) / 1000 + 0.001, String(a.seconds_alive));
    assert.ok(a.idle >= (before - s.lastActivityAt) / 1000 - 0.001 && a.idle <= (afterwards - s.lastActivityAt) / 1000 + 0.001, String(a.idle));
    assert.equal(a.client.connection_attributes.user_agent, "curl/8.5.0");
    assert.equal(a.client.cipher, "");
    assert.deepEqual(a.connections, []);
    assert.deepEqual(a.parameters, { log_info: false, log_notice: false, log_warning: false, log_error: false });
    assert.equal(a.memory.total, a.memory.last_queries + a.memory.variables + a.memory.connection_buffers.total);
    assert.equal(a.memory.variables, Buffer.byteLength(JSON.stringify(s.attributes)));
    assert.equal(a.thread, 0, "the node's one worker");
    assert.equal(a.sessionhub.id, s.id);
    assert.equal(a.sessionhub.node, t.server.nodeId);

    t.clock.advance(5000);
    const later = (await t.call("GET", "/v1/sessions/1")).body.data.attributes;
    const grew = later.idle - a.idle;
    assert.ok(grew >= 5 && grew < 5 + (t.clock.now() - before) / 1000, `idle grew by ${grew}`);
  });

  test("5. a pending session is created and idles, without a user; remote, port and thread are always there; a running one idles 0", async () => {
    const before = t.clock.now();
    const two = (await t.call("GET", "/v1/sessions/2")).body.data.attributes;
    assert.equal(two.state, "Session created");
    assert.ok(two.idle >= (before - c.s2.lastActivityAt) / 1000 - 0.001, String(two.idle));
    assert.ok(!("user" in two));
    assert.equal(two.remote, "", "no address known");
    assert.equal(two.port, 0, "no port known");
    assert.equal(two.thread, 0);
    const three = (await t.call("GET", "/v1/sessions/3")).body.data.attributes;
    assert.equal(three.state, "Session started");
    assert.equal(three.idle, 0);
  });

  test("6. log lines: MaxScale's format, oldest first, capped, newlines escaped", async () => {
    const s1 = c.s1;
    await t.server.hub.sessions.writeLog(s1, [{ type: "warning", text: "disk low" }]);
    let log: string[] = (await t.call("GET", "/v1/sessions/1")).body.data.attributes.log;
    assert.match(log.at(-1)!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}   warning: \(1\) disk low$/);
    await t.server.hub.sessions.writeLog(s1, [
      { type: "error", text: "boom" },
      { type: "note", text: "noted" },
      { type: "normal", text: "two\nlines" },
      { type: "source", text: "x = 1" },
    ]);
    log = (await t.call("GET", "/v1/sessions/1")).body.data.attributes.log;
    assert.deepEqual(
      log.map((l) => l.slice(26)),
      ["warning: (1) disk low", "error  : (1) boom", "notice : (1) noted", "info   : (1) two\\nlines", "info   : (1) x = 1"],
    );
    await t.server.hub.sessions.writeLog(s1, Array.from({ length: 120 }, (_, i) => ({ type: "normal" as const, text: `line ${i}` })));
    log = (await t.call("GET", "/v1/sessions/1")).body.data.attributes.log;
    assert.equal(log.length, 100);
    assert.match(log[0]!, /\(1\) line 20$/);
    assert.match(log.at(-1)!, /\(1\) line 119$/);
  });

  test("7. queries are the session's jobs, oldest first, with MaxScale's command and local times; completed and responses once final", async () => {
    let q = (await t.call("GET", "/v1/sessions/3")).body.data.attributes.queries;
    assert.equal(q.length, 1);
    assert.equal(q[0].statement, "x = 1");
    assert.equal(q[0].command, "COM_QUERY");
    assert.equal(q[0].received, localTime(c.job.createdAt, "T"));
    assert.match(q[0].received, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/, "MaxScale's local time, without a zone");
    assert.ok(!("completed" in q[0]));
    assert.deepEqual(q[0].responses, []);
    t.clock.advance(250);
    const done = await finishJob(t, c.job);
    q = (await t.call("GET", "/v1/sessions/3")).body.data.attributes.queries;
    assert.equal(q[0].completed, localTime(done.endedAt!, "T"));
    assert.deepEqual(Object.keys(q[0]), ["command", "completed", "received", "responses", "statement"]);
    assert.equal(q[0].responses.length, 1);
    assert.equal(q[0].responses[0].server, t.server.nodeId);
    assert.equal(q[0].responses[0].duration, done.endedAt! - done.createdAt, "from receipt to completion, in ms");
    assert.ok(q[0].responses[0].duration >= 250);
    await addJob(t, c.s3, "y = 2");
    q = (await t.call("GET", "/v1/sessions/3")).body.data.attributes.queries;
    assert.deepEqual(q.map((x: { statement: string }) => x.statement), ["x = 1", "y = 2"]);
    assert.deepEqual((await t.call("GET", "/v1/sessions/2")).body.data.attributes.queries, []);
    const memory = (await t.call("GET", "/v1/sessions/3")).body.data.attributes.memory;
    assert.equal(memory.last_queries, Buffer.byteLength(JSON.stringify(q)));
  });

  test("8. io_activity counts the session's core events of the last 30 s", async () => {
    t.clock.advance(31_000);
    assert.equal((await t.call("GET", "/v1/sessions/1")).body.data.attributes.io_activity, 0);
    for (let i = 0; i < 3; i += 1) {
      assert.equal((await http(t.url, "POST", `/api/v1/sessions/${c.s1.id}/heartbeat`)).status, 200);
    }
    assert.ok((await t.call("GET", "/v1/sessions/1")).body.data.attributes.io_activity >= 3);
    t.clock.advance(31_000);
    assert.equal((await t.call("GET", "/v1/sessions/1")).body.data.attributes.io_activity, 0);
  });

  test("9. a GET by an administrator is not activity of the session, not even of one the administrator owns", async () => {
    // The core counts reads by the owner or a member as activity: a session of `ops`
    // shows that this family never asks it to.
    const own = await createSession(t, { serviceId: "rw", owner: "ops" });
    try {
      await t.server.hub.activity.flush();
      const before = (await t.server.hub.sessions.find(1))!.lastActivityAt;
      const ownBefore = (await t.server.hub.sessions.find(own.id))!.lastActivityAt;
      t.clock.advance(2000);
      assert.equal((await t.call("GET", "/v1/sessions/1")).status, 200);
      assert.equal((await t.call("GET", `/v1/sessions/${own.number}`)).status, 200);
      assert.equal((await t.call("GET", "/v1/sessions")).status, 200);
      await t.server.hub.activity.flush();
      assert.equal((await t.server.hub.sessions.find(1))!.lastActivityAt, before);
      assert.equal((await t.server.hub.sessions.find(own.id))!.lastActivityAt, ownBefore);
    } finally {
      await t.server.hub.sessions.end(SYSTEM_PRINCIPAL, own.id, "closed");
    }
  });

  test("10. an unknown or ended session → 404 with no body and no Content-Type", async () => {
    assertNoBody(await t.call("GET", "/v1/sessions/99999"), 404);
    assertNoBody(await t.call("GET", "/v1/sessions/4"), 404);
    assertNoBody(await t.call("GET", "/v1/sessions/18446744073709551615"), 404);
    assert.equal((await t.call("GET", "/v1/sessions/001")).body.data.id, "1");
  });

  test("11. a malformed id → 404 '<segment> is not a session'", async () => {
    for (const segment of ["abc", "0", "-1", "1x", "18446744073709551616", "%20"]) {
      assertErrors(await t.call("GET", `/v1/sessions/${segment}`), 404, `${decodeURIComponent(segment)} is not a session`);
    }
  });

  test("12. pretty by default; false, OFF, no and 0 are compact; garbage is pretty", async () => {
    const pretty = await t.call("GET", "/v1/sessions?fields[sessions]=state");
    assert.ok(pretty.text.includes("\n    "));
    for (const value of ["false", "OFF", "no", "0"]) {
      const compact = await t.call("GET", `/v1/sessions?fields[sessions]=state&pretty=${value}`);
      assert.ok(!compact.text.includes("\n"), value);
      assert.deepEqual(compact.body, pretty.body);
      assert.equal(compact.headers.get("etag"), pretty.headers.get("etag"));
    }
    const banana = await t.call("GET", "/v1/sessions?fields[sessions]=state&pretty=banana");
    assert.ok(banana.text.includes("\n    "));
    assert.deepEqual(banana.body, pretty.body);
    const error = await t.call("GET", "/v1/sessions/abc?pretty=false");
    assert.equal(error.text, '{"errors":[{"detail":"abc is not a session"}]}');
  });

  test("13. unknown parameters are ignored; rdns=true answers within 1.5 s when DNS does not", async () => {
    const plain = await t.call("GET", "/v1/sessions?fields[sessions]=state,user,services");
    const extra = await t.call("GET", "/v1/sessions?fields[sessions]=state,user,services&sync=false&foo=bar");
    assert.equal(extra.status, 200);
    assert.deepEqual(extra.body.data, plain.body.data);
    const started = Date.now();
    const r = await t.call("GET", "/v1/sessions?rdns=true");
    assert.equal(r.status, 200);
    // Its budget is 1 s; unbounded, it would wait for the resolver to give up (2 s).
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
    assert.equal(r.body.data[0].attributes.remote, "192.0.2.10");
    assert.ok(silent.queries >= 1, "the lookup was made");
  });

  test("14. sparse fieldsets keep id, type and links and only the named paths", async () => {
    const state = await t.call("GET", "/v1/sessions?fields[sessions]=state");
    for (const item of state.body.data) {
      assert.deepEqual(Object.keys(item), ["attributes", "id", "links", "type"]);
      assert.deepEqual(Object.keys(item.attributes), ["state"]);
    }
    const services = await t.call("GET", "/v1/sessions?fields[sessions]=services");
    for (const item of services.body.data) {
      assert.deepEqual(Object.keys(item), ["id", "links", "relationships", "type"]);
      assert.deepEqual(Object.keys(item.relationships), ["services"]);
    }
    const total = await t.call("GET", "/v1/sessions/1?fields[sessions]=memory/total");
    assert.deepEqual(Object.keys(total.body.data.attributes), ["memory"]);
    assert.deepEqual(Object.keys(total.body.data.attributes.memory), ["total"]);
    const full = await t.call("GET", "/v1/sessions/1");
    const other = await t.call("GET", "/v1/sessions/1?fields[services]=state");
    assert.deepEqual(Object.keys(other.body.data), Object.keys(full.body.data), "another type's fieldset leaves sessions whole");
    assert.deepEqual(other.body.data.relationships, full.body.data.relationships);
    assert.deepEqual(Object.keys(other.body.data.attributes), Object.keys(full.body.data.attributes));
    const nothing = await t.call("GET", "/v1/sessions/1?fields[sessions]=nope");
    assert.deepEqual(Object.keys(nothing.body.data), ["id", "links", "type"]);
    assertDocument(nothing.body);
  });

  test("15. filter: JSON pointers with literals, comparisons and logic; bad expressions → 400", async () => {
    const get = async (q: string) => t.call("GET", `/v1/sessions?filter=${encodeURIComponent(q)}`);
    assert.deepEqual(ids((await get('/relationships/services/data/0/id="rw"')).body), ["1", "3"]);
    assert.deepEqual(ids((await get('/attributes/state=eq("Session created")')).body), ["2"]);
    assert.deepEqual(ids((await get("/id=and(ge(2),le(3))")).body), ["2", "3"]);
    assert.deepEqual(ids((await get('/id=or(eq("1"),eq(3))')).body), ["1", "3"]);
    assert.deepEqual(ids((await get("/id=not(eq(2))")).body), ["1", "3"]);
    assert.deepEqual(ids((await get('/attributes/user="alice"')).body), ["1"]);
    assert.deepEqual(ids((await get('/attributes/user=ne("bob")')).body), ["1"], "rows without a user are dropped");
    assert.deepEqual(ids((await get("/attributes/idle=ge(0)")).body), ["1", "2", "3"]);
    assert.deepEqual(ids((await get('/attributes/client/connection_attributes/user_agent="curl/8.5.0"')).body), ["1"]);
    assert.deepEqual(ids((await get('/id=lt("2")')).body), ["1"], "strings compare as strings");
    assert.deepEqual(ids((await get("/attributes/state=lt(5)")).body), [], "different types are unordered");
    assert.deepEqual(ids((await t.call("GET", `/v1/sessions?filter[attributes.user]=${encodeURIComponent('"alice"')}`)).body), ["1"]);
    assert.deepEqual(ids((await t.call("GET", `/v1/sessions?filter[$.relationships.services.data[*].id]=${encodeURIComponent('"lobby"')}`)).body), ["2"]);
    assert.deepEqual(ids((await t.call("GET", `/v1/sessions?filter[id]=ge(2)&filter[attributes.state]=${encodeURIComponent('"Session started"')}`)).body), ["3"]);
    assertErrors(await get("/id=bogus(1)"), 400, /^Not a valid filter expression: /);
    assertErrors(await get("/id=eq("), 400, /^Invalid JSON: /);
    assertErrors(await get("/id="), 400, "Empty filter expression");
    assertErrors(await get("/id=eq(1)x"), 400, "Unexpected trailing data: x");
    assertErrors(await get("nothing"), 400, "Invalid filter expression: nothing");
    assertErrors(await get("/id=eq(1"), 400, /^Not a valid filter expression: /);
    assert.equal((await t.call("GET", "/v1/sessions/1?filter=/id=bogus(1)")).status, 200, "ignored on single resources");
  });
});

describe("maxscale: collections of other sizes", () => {
  let t: MaxscaleServer;

  before(async () => {
    t = await startMaxscale();
    await createService(t, "rw");
  });

  after(() => t.stop());

  test("2. with no live sessions → 200 and data []", async () => {
    const r = await t.call("GET", "/v1/sessions/");
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.data, []);
    assertDocument(r.body);
  });

  test("16. page[size] and page[number]: slices, links and meta.total; bad values ignore paging", async () => {
    for (let i = 0; i < 5; i += 1) await createSession(t, { serviceId: "rw" });
    const host = new URL(t.ms).host;
    const r = await t.call("GET", "/v1/sessions?page[size]=2&page[number]=1");
    assert.deepEqual(ids(r.body), ["3", "4"]);
    assert.deepEqual(Object.keys(r.body), ["data", "links", "meta"]);
    assert.equal(r.body.links.self, `http://${host}/v1/sessions/?page%5Bsize%5D=2&page%5Bnumber%5D=1`);
    assert.match(r.body.links.first, /=0$/);
    assert.match(r.body.links.last, /=2$/);
    assert.match(r.body.links.next, /=2$/);
    assert.match(r.body.links.prev, /=0$/);
    assert.deepEqual(r.body.meta, { total: 5 });
    const all = await t.call("GET", "/v1/sessions?page[size]=10");
    assert.deepEqual(ids(all.body), ["1", "2", "3", "4", "5"]);
    assert.equal(all.body.meta.total, 5);
    assert.match(all.body.links.last, /=0$/);
    assert.ok(!("next" in all.body.links) && !("prev" in all.body.links));
    for (const bad of ["page[size]=0", "page[size]=x", "page[size]=2&page[number]=-1"]) {
      const ignored = await t.call("GET", `/v1/sessions?${bad}`);
      assert.deepEqual(ids(ignored.body), ["1", "2", "3", "4", "5"], bad);
      assert.ok(!("meta" in ignored.body), bad);
    }
    const filtered = await t.call("GET", `/v1/sessions?page[size]=2&page[number]=1&filter=${encodeURIComponent("/attributes/seconds_alive=ge(0)")}`);
    assert.deepEqual(ids(filtered.body), ["3", "4"], "paging after an in-memory filter");
    assert.equal(filtered.body.meta.total, 5);
    const last = await t.call("GET", "/v1/sessions?page[size]=2&page[number]=1&filter=/id=ge(2)");
    assert.deepEqual(ids(last.body), ["4", "5"], "paging in the store after a pushed-down filter");
    assert.equal(last.body.meta.total, 4);
    assert.ok(!("next" in last.body.links));
    await t.server.hub.sessions.end(SYSTEM_PRINCIPAL, "3", "closed");
    assert.equal((await t.call("GET", "/v1/sessions?page[size]=2")).body.meta.total, 4, "ended sessions are not counted");
  });
});

describe("maxscale: a session with everything shown", () => {
  test("its resource is written in sorted order all the way down, one and in the collection, pretty or compact", async () => {
    const t = await startMaxscale();
    try {
      await createService(t, "rw");
      const client = { address: "192.0.2.10", port: 5, userAgent: "ua", system: "linux", type: "cli", deviceId: "d-1", timezone: "+0100", language: "en" };
      const s = await createSession(t, {
        serviceId: "rw",
        owner: "alice",
        client,
        attributes: { zeta: 1, alpha: { b: 2, a: 1 }, maxscale: { parameters: { log_warning: true, log_info: true } } },
      });
      await t.server.store.appendLog(s.id, [{ stream: "log", type: "warning", text: "w" }, { stream: "log", type: "note", text: "naïve → 🚀" }], [], t.clock.now());
      await finishJob(t, await addJob(t, s, "SELECT 1"));
      await addJob(t, s, "SELECT 2");
      const sorted = (v: unknown, at: string): void => {
        if (Array.isArray(v)) return v.forEach((x, i) => sorted(x, `${at}[${i}]`));
        if (v === null || typeof v !== "object") return;
        const keys = Object.keys(v);
        assert.deepEqual(keys, [...keys].sort(), `${at} is sorted`);
        for (const k of keys) sorted((v as Record<string, unknown>)[k], `${at}.${k}`);
      };
      for (const path of [`/v1/sessions/${s.number}`, "/v1/sessions"]) {
        for (const query of ["", "?pretty=false"]) {
          const r = await t.call("GET", path + query);
          assert.equal(r.status, 200);
          sorted(JSON.parse(r.text), path + query);
          assert.ok(r.text.includes("naïve → 🚀"), "text beyond ASCII, encoded as UTF-8");
          assert.equal(r.headers.get("etag"), `"${createHash("sha1").update(JSON.stringify(r.body)).digest("hex")}"`, "the ETag is the SHA-1 of the compact form");
          const a = (Array.isArray(r.body.data) ? r.body.data[0] : r.body.data).attributes;
          assert.equal(Object.keys(a.client.connection_attributes).length, 6);
          assert.equal(a.queries.length, 2);
          assert.equal(a.log.length, 2);
        }
      }
    } finally {
      await t.stop();
    }
  });
});

describe("maxscale: reverse DNS", () => {
  test("13. rdns=true shows the name of an address that resolves, from a cache afterwards", async () => {
    const dns = await dnsStub({ "192.0.2.10": "client.example.test" });
    const t = await startMaxscale({ env: { SESSIONHUB_MAXSCALE_DNS_SERVERS: dns.server } });
    try {
      await createService(t, "rw");
      await createSession(t, { serviceId: "rw", client: { address: "192.0.2.10", port: 1 } });
      await createSession(t, { serviceId: "rw", client: { address: "192.0.2.11", port: 2 } });
      const list = await t.call("GET", "/v1/sessions?rdns=true");
      assert.deepEqual(list.body.data.map((d: any) => d.attributes.remote), ["client.example.test", "192.0.2.11"]);
      const queries = dns.queries;
      const one = await t.call("GET", "/v1/sessions/1?rdns=yes");
      assert.equal(one.body.data.attributes.remote, "client.example.test");
      assert.equal(dns.queries, queries, "answered from the cache");
      assert.equal((await t.call("GET", "/v1/sessions/1")).body.data.attributes.remote, "192.0.2.10", "off by default");
    } finally {
      await t.stop();
      await dns.close();
    }
  });
});

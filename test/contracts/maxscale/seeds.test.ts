import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type MaxscaleServer, createService, createSession, startMaxscale } from "./fixture.js";
import { assertDocument } from "./shape.js";

/**
 * The examples of the seeds (Resources-Session.md, 2017: `000_46e628775a387eea.txt`, and
 * its rendered text `001_8ef25d0bddd05563.txt`), reproduced with sessionhub's own ids,
 * names and times. Values differ where today's MaxScale differs: `state` uses the
 * current names, `connected` is RFC 1123 (a zone-less asctime is read in the client's
 * zone), links end in a slash and a relationship has `related` beside `self`, and keys
 * are sorted.
 */
const SEED_ONE = {
  links: { self: "http://localhost:8989/v1/sessions/1/" },
  data: {
    id: "1",
    type: "sessions",
    relationships: {
      services: {
        links: { self: "http://localhost:8989/v1/sessions/1/relationships/services/", related: "http://localhost:8989/v1/services/" },
        data: [{ id: "RW-Split-Router", type: "services" }],
      },
    },
    attributes: { state: "Listener Session", connected: "Wed May 17 10:06:35 2017" },
    links: { self: "http://localhost:8989/v1/sessions/1/" },
  },
};
const SEED_SERVICES = ["RW-Split-Router", "Read-Connection-Router", "CLI"];

type Tree = { [k: string]: unknown };

/** The same keys, in MaxScale's sorted order, all the way down (arrays compared item by item). */
function assertSameShape(actual: unknown, expected: unknown, at = "$"): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${at} is an array`);
    assert.equal(actual.length, expected.length, `${at} length`);
    expected.forEach((e, i) => assertSameShape(actual[i], e, `${at}[${i}]`));
  } else if (expected !== null && typeof expected === "object") {
    assert.ok(actual !== null && typeof actual === "object" && !Array.isArray(actual), `${at} is an object`);
    assert.deepEqual(Object.keys(actual as Tree), Object.keys(expected as Tree).sort(), `${at} keys`);
    for (const key of Object.keys(expected as Tree)) assertSameShape((actual as Tree)[key], (expected as Tree)[key], `${at}.${key}`);
  } else {
    assert.equal(typeof actual, typeof expected, `${at} type`);
  }
}

/** `actual` has every key of `expected` (the full document adds attributes), all sorted. */
function assertKeysSorted(actual: Tree, expected: Tree, at: string): void {
  const keys = Object.keys(actual);
  assert.ok(Object.keys(expected).every((k) => keys.includes(k)), `${at} has ${Object.keys(expected).join(", ")}`);
  assert.deepEqual(keys, [...keys].sort(), `${at} is sorted`);
}

describe("maxscale: the seed examples", () => {
  let t: MaxscaleServer;
  let host: string;

  before(async () => {
    t = await startMaxscale();
    for (const name of SEED_SERVICES) {
      const id = name.toLowerCase();
      await createService(t, id);
      await createSession(t, { serviceId: id });
    }
    host = new URL(t.ms).host;
  });

  after(() => t.stop());

  test("seed 000 'Get a session': the document has the seed's shape and keys, sorted", async () => {
    const full = (await t.call("GET", "/v1/sessions/1")).body;
    assertKeysSorted(full, SEED_ONE, "$");
    assertKeysSorted(full.data, SEED_ONE.data, "$.data");
    assertKeysSorted(full.data.attributes, SEED_ONE.data.attributes, "$.data.attributes");
    const narrowed = (await t.call("GET", "/v1/sessions/1?fields[sessions]=state,connected,services")).body;
    assertSameShape(narrowed, SEED_ONE);
    assertDocument(narrowed);
    assert.deepEqual(narrowed.links, { self: `http://${host}/v1/sessions/1/` });
    assert.deepEqual(narrowed.data.relationships, {
      services: {
        data: [{ id: "rw-split-router", type: "services" }],
        links: { related: `http://${host}/v1/services/`, self: `http://${host}/v1/sessions/1/relationships/services/` },
      },
    });
    assert.equal(narrowed.data.attributes.state, "Session started");
    const created = (await t.server.hub.sessions.find(1))!.createdAt;
    assert.equal(narrowed.data.attributes.connected, new Date(created).toUTCString());
  });

  test("seed 000 'Get all sessions': three sessions on three services, the seed's shape", async () => {
    const narrowed = (await t.call("GET", "/v1/sessions?fields[sessions]=state,connected,services")).body;
    const expected = {
      links: { self: "http://localhost:8989/v1/sessions/" },
      data: SEED_SERVICES.map((service, i) => ({
        ...SEED_ONE.data,
        id: String(i + 1),
        relationships: { services: { ...SEED_ONE.data.relationships.services, data: [{ id: service, type: "services" }] } },
        links: { self: `http://localhost:8989/v1/sessions/${i + 1}/` },
      })),
    };
    assertSameShape(narrowed, expected);
    assert.equal(narrowed.links.self, `http://${host}/v1/sessions/`);
    assert.deepEqual(
      narrowed.data.map((d: any) => [d.id, d.relationships.services.data[0].id, d.links.self]),
      SEED_SERVICES.map((s, i) => [String(i + 1), s.toLowerCase(), `http://${host}/v1/sessions/${i + 1}/`]),
    );
  });

  test("seed 001: `pretty` is the one parameter every request supports", async () => {
    for (const path of ["/v1/sessions", "/v1/sessions/1", "/v1/services", "/v1/services/cli", "/v1/maxscale", "/v1/sessions/abc", "/v1/services/nope"]) {
      const pretty = await t.call("GET", path);
      const compact = await t.call("GET", `${path}?pretty=false`);
      assert.ok(pretty.text.includes("\n    "), path);
      assert.ok(!compact.text.includes("\n"), path);
      assert.equal(pretty.status, compact.status);
      if (pretty.status === 200) assert.deepEqual(Object.keys(compact.body), Object.keys(pretty.body));
    }
  });
});

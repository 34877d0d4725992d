import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { http, usersWithTokens } from "../../helpers/server.js";
import { type MaxscaleServer, OPS, createService, startMaxscale } from "./fixture.js";
import { validateJsonApi } from "./jsonapi-schema.js";

/**
 * MaxScale's REST API test `server/core/test/rest-api/test/schema_validation.js`,
 * replayed: every resource it asks for is found and is a valid JSON:API document, GET on
 * a document's `links.self` gives a document with the same `links.self`, and GET on a
 * relationship's `links.self` gives that relationship. Its test configuration's names
 * map to the hub's as in the maxctrl replay: the service `RW-Split-Router` is
 * `rw-split-router`, session 1 is a client's session on it, and the router module is the
 * service's kind, `generic`, for `readwritesplit`.
 */
const SERVICE = "rw-split-router";

describe("upstream server/core/test/rest-api/test/schema_validation.js", () => {
  let t: MaxscaleServer;
  let base: string;
  /** The suite's `request.get`: the parsed body of a 2xx answer, a rejection otherwise. */
  const get = async (url: string) => {
    const r = await http(url, "GET", "", { token: null, headers: { authorization: OPS } });
    if (r.status < 200 || r.status > 299) throw new Error(`GET ${url} → ${r.status} ${r.text}`);
    return r.body;
  };

  before(async () => {
    t = await startMaxscale();
    await createService(t, SERVICE);
    // `createConnection`: a client opens session 1 on the service.
    const { maxuser } = await usersWithTokens(t.url, ["maxuser"]);
    const opened = await http(t.url, "POST", "/api/v1/sessions", { token: maxuser, body: { serviceId: SERVICE } });
    assert.equal(opened.body.number, 1);
    base = `${t.ms}/v1`;
  });

  after(() => t.stop());

  test("the schema refuses what JSON:API refuses", () => {
    for (const bad of [
      { data: { id: 1, type: "sessions" } },
      { data: { id: "1", type: "sessions", attributes: { _private: 1 } } },
      { data: { id: "1", type: "sessions", attributes: { links: {} } } },
      { data: { id: "1", type: "sessions", relationships: { services: { data: [{ id: "x", type: "services", extra: 1 }] } } } },
      { data: [], links: { self: "not a uri reference" } },
      { data: [], other: 1 },
      { errors: [{ message: "x" }] },
    ]) {
      assert.notEqual(validateJsonApi(bad), true, JSON.stringify(bad));
    }
  });

  describe("Resource Collections", () => {
    for (const endpoint of ["/servers", "/sessions", "/services", "/monitors", "/filters", "/listeners", "/maxscale/threads", "/maxscale/modules", "/users", "/users/inet", "/users/unix"]) {
      test(`${endpoint}: resource found`, async () => {
        await get(base + endpoint);
      });

      test(`${endpoint}: resource schema is valid`, async () => {
        const body = await get(base + endpoint);
        assert.equal(validateJsonApi(body), true, endpoint);
        assert.ok(Array.isArray(body.data));
      });
    }
  });

  describe("Individual Resources", () => {
    for (const endpoint of [
      `/services/${SERVICE}`,
      `/services/${SERVICE}/listeners`,
      "/sessions/1",
      "/maxscale/",
      "/maxscale/query_classifier/cache",
      "/maxscale/threads/0",
      "/maxscale/logs",
      "/maxscale/modules/generic",
      "/sessions/1/relationships/services",
      "/users/inet/ops",
    ]) {
      test(`${endpoint}: resource found`, async () => {
        await get(base + endpoint);
      });

      test(`${endpoint}: resource schema is valid`, async () => {
        assert.equal(validateJsonApi(await get(base + endpoint)), true, endpoint);
      });
    }

    test("the names of MaxScale's test configuration are unknown here: a valid error document", async () => {
      for (const [endpoint, detail] of [
        ["/servers/server1", "server1 is not a server"],
        ["/servers/server2", "server2 is not a server"],
        ["/listeners/RW-Split-Listener", "RW-Split-Listener is not a listener"],
        ["/monitors/MariaDB-Monitor", "MariaDB-Monitor is not a monitor"],
        ["/filters/Hint", "Hint is not a filter"],
        ["/maxscale/modules/readwritesplit", "readwritesplit is not a module"],
        [`/services/${SERVICE}/listeners/RW-Split-Listener`, "RW-Split-Listener is not a listener"],
      ]) {
        const r = await http(base + endpoint!, "GET", "", { token: null, headers: { authorization: OPS } });
        assert.equal(r.status, 404, endpoint);
        assert.deepEqual(r.body, { errors: [{ detail }] });
        assert.equal(validateJsonApi(r.body), true);
      }
    });
  });

  describe("Resource Self Links", () => {
    for (const endpoint of [
      "/servers",
      "/sessions",
      "/services",
      "/monitors",
      "/filters",
      "/listeners",
      "/maxscale/query_classifier/cache",
      "/maxscale/threads",
      "/maxscale/modules",
      `/services/${SERVICE}`,
      `/services/${SERVICE}/listeners`,
      "/sessions/1",
      "/maxscale/",
      "/maxscale/threads/0",
      "/maxscale/logs",
      "/maxscale/modules/generic",
      "/users",
      "/users/inet/ops",
    ]) {
      test(`${endpoint}: correct self link`, async () => {
        const obj = await get(base + endpoint);
        const objSelf = await get(obj.links.self);
        assert.equal(objSelf.links.self, obj.links.self);
        assert.match(obj.links.self, /\/$/, "MaxScale's links end in a slash");
      });
    }
  });

  describe("Resource Relationship Self Links", () => {
    const endpoints: Record<string, string[]> = {
      servers: ["services", "monitors"],
      services: ["servers", "services", "filters", "monitors"],
      monitors: ["servers", "services"],
      filters: ["services"],
      listeners: ["services"],
      sessions: ["services"],
    };
    for (const [k, relationships] of Object.entries(endpoints)) {
      test(`${k}: correct resource self link`, async () => {
        const res = await get(`${base}/${k}`);
        for (const o of res.data) {
          for (const r of relationships) {
            if (o.relationships[r]) {
              const self = await get(o.relationships[r].links.self);
              assert.deepEqual(self, o.relationships[r]);
            }
          }
        }
      });
    }

    test("sessions: every session's relationship was followed", async () => {
      const res = await get(`${base}/sessions`);
      assert.ok(res.data.length > 0 && res.data.every((o: any) => o.relationships.services.links.self));
    });
  });
});

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { SignJWT } from "jose";
import { SYSTEM_PRINCIPAL } from "../../../src/core/types.js";
import { ADMIN_TOKEN, JWT_SECRET, http, usersWithTokens } from "../../helpers/server.js";
import { ALICE, type MaxscaleServer, OPS, basic, createChecklist, createSession, startMaxscale } from "./fixture.js";
import { rawRequest } from "./raw.js";
import { assertDocument, assertErrors, assertNoBody } from "./shape.js";

/** Contract §9 items 33–41: authentication, admin and basic accounts, CORS, preconditions, Host, secrets, shape. */
describe("maxscale: authentication and security", () => {
  let t: MaxscaleServer;
  let opsToken: string;

  before(async () => {
    t = await startMaxscale();
    await createChecklist(t);
    const issued = await http(t.url, "POST", "/api/v1/tokens", { body: { userId: "ops", name: "maxscale" } });
    opsToken = issued.body.secret;
  });

  after(() => t.stop());

  test("33. bad or missing credentials → 401 Access denied with the Basic challenge, except for XHR", async () => {
    const cases: (string | null)[] = [
      null,
      basic("ops", "wrong"),
      basic("nobody", "pw-ops"),
      "Basic !!!",
      "Basic " + Buffer.from("no-colon").toString("base64"),
      "Foo x",
      "Bearer shk_unknown",
      "Basic",
    ];
    for (const auth of cases) {
      const r = await t.call("GET", "/v1/sessions", { auth });
      assertErrors(r, 401, "Access denied");
      assert.equal(r.headers.get("www-authenticate"), 'Basic realm="maxscale"', String(auth));
    }
    const xhr = await t.call("GET", "/v1/sessions", { auth: basic("ops", "wrong"), headers: { "x-requested-with": "XMLHttpRequest" } });
    assertErrors(xhr, 401, "Access denied");
    assert.equal(xhr.headers.get("www-authenticate"), null);
    const lower = await t.call("GET", "/v1/", { auth: null, headers: { "x-requested-with": "xmlhttprequest" } });
    assert.equal(lower.headers.get("www-authenticate"), null);
    assertErrors(await t.call("GET", "/v1/auth", { auth: null }), 401, "Access denied");
  });

  test("34. no default password: admin:mariadb → 401", async () => {
    assertErrors(await t.call("GET", "/v1/sessions", { auth: basic("admin", "mariadb") }), 401, "Access denied");
  });

  test("35. a basic account (a user with a password, not an administrator) reads what the core lets it read; every write → 403 before any effect", async () => {
    const hidden = await createSession(t, { serviceId: "rw", owner: null, visibility: "private" });
    try {
      const list = await t.call("GET", "/v1/sessions", { auth: ALICE });
      assert.equal(list.status, 200);
      assert.ok(list.body.data.some((d: { id: string }) => d.id === "1"), "alice's own session");
      assert.ok(!list.body.data.some((d: { id: string }) => d.id === String(hidden.number)), "not a private session of someone else");
      assertNoBody(await t.call("GET", `/v1/sessions/${hidden.number}`, { auth: ALICE }), 404);
      assert.equal((await t.call("GET", `/v1/sessions/${hidden.number}`)).status, 200, "an administrator sees it");
      assert.equal((await t.call("GET", "/v1/sessions/1", { auth: ALICE })).status, 200);
      assert.equal((await t.call("GET", "/v1/", { auth: ALICE })).status, 200);
      assert.equal((await t.call("GET", "/v1/services", { auth: ALICE })).status, 200);
      assert.equal((await t.call("HEAD", "/v1/sessions/1", { auth: ALICE })).status, 200);
      for (const [method, path, body] of [
        ["DELETE", "/v1/sessions/1", undefined],
        ["DELETE", "/v1/sessions/1?ttl=5", undefined],
        ["POST", "/v1/sessions/restart", undefined],
        ["POST", "/v1/sessions/1/restart", undefined],
        ["PATCH", "/v1/sessions/1", { data: { attributes: { parameters: { log_info: true } } } }],
        ["PATCH", "/v1/sessions/1/relationships/filters", { data: [] }],
        ["PUT", "/v1/sessions", undefined],
      ] as const) {
        assertErrors(await t.call(method, path, { auth: ALICE, ...(body ? { body } : {}) }), 403, "Administrative access required");
      }
      const one = (await t.server.hub.sessions.find(1))!;
      assert.equal(one.state, "idle");
      assert.equal(one.version, 0);
      assert.equal(one.endAt, null);
    } finally {
      await t.server.hub.sessions.end(SYSTEM_PRINCIPAL, hidden.id, "closed");
    }
  });

  test("35. a caller with no MaxScale account — a user without a password, an unknown JWT subject — → 403 on reads too", async () => {
    const { device } = await usersWithTokens(t.url, ["device"]);
    assertErrors(await t.call("GET", "/v1/sessions", { auth: `Bearer ${device}` }), 403, "Administrative access required");
    assertErrors(await t.call("GET", "/v1/", { auth: `token ${device}` }), 403, "Administrative access required");
    const stranger = await new SignJWT({ uid: "mallory" }).setProtectedHeader({ alg: "HS256" }).setExpirationTime("5m").sign(new TextEncoder().encode(JWT_SECRET));
    assertErrors(await t.call("GET", "/v1/sessions", { auth: `Bearer ${stranger}` }), 403, "Administrative access required");
    await http(t.url, "PATCH", "/api/v1/users/alice", { body: { disabled: true } });
    try {
      assertErrors(await t.call("GET", "/v1/sessions", { auth: ALICE }), 401, "Access denied");
    } finally {
      await http(t.url, "PATCH", "/api/v1/users/alice", { body: { disabled: false } });
    }
  });

  test("36. Bearer with an API token or a JWT works too, with the account of its user", async () => {
    assert.equal((await t.call("GET", "/v1/sessions", { auth: `Bearer ${opsToken}` })).status, 200);
    assert.equal((await t.call("GET", "/v1/sessions", { auth: `token ${opsToken}` })).status, 200);
    const jwt = await new SignJWT({ uid: "ops", roles: ["admin"] }).setProtectedHeader({ alg: "HS256" }).setExpirationTime("5m").sign(new TextEncoder().encode(JWT_SECRET));
    assert.equal((await t.call("GET", "/v1/sessions", { auth: `Bearer ${jwt}` })).status, 200);
    const plain = await new SignJWT({ uid: "alice" }).setProtectedHeader({ alg: "HS256" }).setExpirationTime("5m").sign(new TextEncoder().encode(JWT_SECRET));
    assert.equal((await t.call("GET", "/v1/sessions", { auth: `Bearer ${plain}` })).status, 200, "alice has a password: basic");
    assertErrors(await t.call("DELETE", "/v1/sessions/1", { auth: `Bearer ${plain}` }), 403, "Administrative access required");
  });

  test("37. a foreign Origin is refused first, and nothing changes", async () => {
    const evil = { origin: "http://evil.example" };
    const versions = async () => Promise.all([1, 2, 3].map(async (n) => (await t.server.hub.sessions.find(n))!.version));
    const before = await versions();
    assertErrors(await t.call("POST", "/v1/sessions/restart", { headers: evil }), 403, "Cross-origin request refused");
    assertErrors(await t.call("DELETE", "/v1/sessions/1", { headers: evil }), 403, "Cross-origin request refused");
    assertErrors(await t.call("GET", "/v1/sessions", { headers: evil }), 403, "Cross-origin request refused");
    assertErrors(await t.call("GET", "/v1/sessions", { headers: evil, auth: null }), 403, "Cross-origin request refused");
    assertErrors(await t.call("OPTIONS", "/v1/sessions", { headers: evil, auth: null }), 403, "Cross-origin request refused");
    assert.deepEqual(await versions(), before);
  });

  test("38. If-Match and If-Unmodified-Since are checked before any change → 412, nothing happens", async () => {
    const zeros = { "if-match": '"0000000000000000000000000000000000000000"' };
    assertNoBody(await t.call("DELETE", "/v1/sessions/1", { headers: zeros }), 412);
    assert.equal((await t.server.hub.sessions.find(1))!.state, "idle");
    assertNoBody(await t.call("POST", "/v1/sessions/1/restart", { headers: zeros }), 412);
    assertNoBody(await t.call("PATCH", "/v1/sessions/1", { headers: zeros, body: { data: { attributes: { parameters: { log_info: true } } } } }), 412);
    assertNoBody(await t.call("POST", "/v1/sessions/restart", { headers: zeros }), 412);
    const s = (await t.server.hub.sessions.find(1))!;
    const earlier = { "if-unmodified-since": new Date(s.updatedAt - 5000).toUTCString() };
    assertNoBody(await t.call("DELETE", "/v1/sessions/1?ttl=10", { headers: earlier }), 412);
    assertNoBody(await t.call("POST", "/v1/sessions/restart", { headers: earlier }), 412);
    const unchanged = (await t.server.hub.sessions.find(1))!;
    assert.equal(unchanged.version, s.version);
    assert.equal(unchanged.endAt, null);
    assertNoBody(await t.call("POST", "/v1/sessions/1/restart", { headers: { "if-match": "*", "if-unmodified-since": new Date(s.updatedAt + 1000).toUTCString() } }), 204);
    assert.equal((await t.server.hub.sessions.find(1))!.version, s.version + 1);
  });

  test("39. a Host that is not host[:port] → 400; links follow the Host otherwise", async () => {
    const bad = await rawRequest(t.ms, "GET", "/v1/sessions", { host: "bad host", authorization: OPS });
    assert.equal(bad.status, 400);
    assert.deepEqual(JSON.parse(bad.text), { errors: [{ detail: "Invalid Host header" }] });
    for (const host of ["evil.example/x", "a:99999", "a b:1"]) {
      assert.equal((await rawRequest(t.ms, "GET", "/v1/sessions", { host, authorization: OPS })).status, 400, host);
    }
    const named = await rawRequest(t.ms, "GET", "/v1/sessions/1", { host: "maxscale.example:8989", authorization: OPS });
    assert.equal(JSON.parse(named.text).links.self, "http://maxscale.example:8989/v1/sessions/1/");
    const v6 = await rawRequest(t.ms, "GET", "/v1/sessions/1", { host: "[::1]:8989", authorization: OPS });
    assert.equal(JSON.parse(v6.text).links.self, "http://[::1]:8989/v1/sessions/1/");
  });

  test("41. every response has the security headers; every 200 body passes the JSON:API shape rules", async () => {
    const paths = ["/v1/sessions", "/v1/sessions/1", "/v1/sessions/2", "/v1/sessions/3", "/v1/services", "/v1/services/rw", "/v1/maxscale",
      "/v1/sessions?fields[sessions]=state", "/v1/sessions?page[size]=1", "/sessions", "/services/lobby"];
    for (const path of paths) {
      const r = await t.call("GET", path);
      assert.equal(r.status, 200, path);
      assert.match(r.headers.get("content-type")!, /^application\/json/);
      assertDocument(r.body, path);
    }
    for (const [method, path, auth] of [["GET", "/v1/sessions", OPS], ["GET", "/v1/sessions", null], ["GET", "/v1/sessions/abc", OPS], ["GET", "/v1/nope", OPS], ["DELETE", "/v1/sessions/999", OPS], ["OPTIONS", "/v1/", null], ["GET", "/v1/", OPS]] as const) {
      const r = await t.call(method, path, { auth });
      assert.equal(r.headers.get("cache-control"), "no-cache", `${method} ${path}`);
      assert.equal(r.headers.get("x-frame-options"), "Deny");
      assert.equal(r.headers.get("referrer-policy"), "same-origin");
      assert.equal(r.headers.get("x-content-type-options"), "nosniff");
      assert.ok(r.headers.get("date"));
      if (r.text !== "") assert.match(r.headers.get("content-type")!, /^application\/json/);
    }
  });

  test("40. no password, token or Authorization value reaches a response or a log line", async () => {
    const secrets = ["pw-ops", "pw-alice", OPS.slice(6), ALICE.slice(6), opsToken, ADMIN_TOKEN];
    const answers = [
      await t.call("GET", "/v1/sessions"),
      await t.call("GET", "/v1/sessions", { auth: basic("ops", "pw-wrong") }),
      await t.call("GET", `/v1/sessions?password=pw-ops&token=${opsToken}`, { auth: `Bearer ${opsToken}` }),
      await t.call("GET", "/v1/sessions/1", { auth: ALICE }),
    ];
    for (const a of answers) for (const secret of secrets) assert.ok(!a.text.includes(secret) && ![...a.headers.values()].some((v) => v.includes(secret)));
    const logs = t.logs.join("\n");
    for (const secret of secrets) assert.ok(!logs.includes(secret), `a log line holds ${secret.slice(0, 4)}…`);
  });
});

describe("maxscale: failed authentication limit and configured origins", () => {
  let t: MaxscaleServer;

  before(async () => {
    t = await startMaxscale({ env: { SESSIONHUB_MAXSCALE_CORS_ORIGINS: "https://admin.example", SESSIONHUB_MAXSCALE_PUBLIC_URL: "https://maxscale.example/api/" } });
  });

  after(() => t.stop());

  test("40. the 21st failed attempt from one address within 60 s → 429 with Retry-After, even with the right password", async () => {
    for (let i = 0; i < 20; i += 1) assert.equal((await t.call("GET", "/v1/", { auth: basic("ops", `guess-${i}`) })).status, 401, `attempt ${i + 1}`);
    const blocked = await t.call("GET", "/v1/", { auth: basic("ops", "guess-21") });
    assertErrors(blocked, 429, "Too many failed authentication attempts");
    assert.equal((await t.call("GET", "/", { auth: basic("ops", "guess-22") })).status, 429, "one limit for every path of the family");
    assert.equal((await t.call("GET", "/v1/", { auth: basic("ops", "guess-23"), base: t.url })).status, 429, "and for every listener");
    assert.ok(Number(blocked.headers.get("retry-after")) >= 1);
    assert.equal((await t.call("GET", "/v1/", { auth: OPS })).status, 429);
    t.clock.advance(61_000);
    assert.equal((await t.call("GET", "/v1/", { auth: OPS })).status, 200, "the window passes");
  });

  test("39. with maxscale.publicUrl, links use it whatever the Host", async () => {
    const r = await rawRequest(t.ms, "GET", "/v1/sessions", { host: "other.example:1", authorization: OPS });
    assert.equal(JSON.parse(r.text).links.self, "https://maxscale.example/api/v1/sessions/");
  });

  test("37. an allowed origin gets CORS headers and its preflight the allowed methods", async () => {
    const origin = { origin: "https://admin.example" };
    const r = await t.call("GET", "/v1/sessions", { headers: origin });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("access-control-allow-origin"), "https://admin.example");
    assert.equal(r.headers.get("vary"), "Origin");
    const preflight = await t.call("OPTIONS", "/v1/sessions/1", { auth: null, headers: { ...origin, "access-control-request-method": "DELETE" } });
    assert.equal(preflight.status, 204);
    assert.match(preflight.headers.get("access-control-allow-methods")!, /DELETE/);
    assert.equal(preflight.headers.get("cache-control"), "no-cache");
    assert.match(preflight.headers.get("access-control-allow-headers")!, /Authorization/);
  });
});

describe("maxscale: a fresh server", () => {
  test("34. admin:mariadb gets nothing on a server that never set that password", async () => {
    const t = await startMaxscale({ users: false });
    try {
      assertErrors(await t.call("GET", "/v1/", { auth: basic("admin", "mariadb") }), 401, "Access denied");
      assertErrors(await t.call("GET", "/v1/sessions", { auth: basic("admin", "") }), 401, "Access denied");
    } finally {
      await t.stop();
    }
  });
});

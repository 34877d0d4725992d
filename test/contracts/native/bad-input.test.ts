import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { SignJWT } from "jose";
import type { Principal } from "../../../src/core/types.js";
import { ADMIN_TOKEN, JWT_SECRET, type TestServer, client, http, startServer } from "../../helpers/server.js";

const PROBLEM = "application/problem+json; charset=utf-8";

function assertProblem(r: { status: number; headers: Headers; body: any }, status: number, type?: string) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(r.headers.get("content-type"), PROBLEM);
  assert.deepEqual(Object.keys(r.body).filter((k) => ["type", "title", "status", "detail"].includes(k)), ["type", "title", "status", "detail"]);
  assert.equal(r.body.status, status);
  if (type) assert.equal(r.body.type, `https://sessionhub.dev/problems/${type}`);
  assert.ok(!("stack" in r.body));
}

/** Bad input gets a 4xx problem+json body; nothing a client sends gives a 500. */
describe("native API: bad input and credentials", () => {
  let t: TestServer;
  let admin: ReturnType<typeof client>;
  let sessionId: string;

  before(async () => {
    t = await startServer();
    admin = client(t.url, ADMIN_TOKEN);
    await admin("POST", "/api/v1/services", { body: { id: "lobby" } });
    sessionId = (await admin("POST", "/api/v1/sessions", { body: { serviceId: "lobby" } })).body.id;
  });

  after(() => t.stop());

  test("malformed JSON → 400", async () => {
    const r = await admin("POST", "/api/v1/sessions", { raw: '{"serviceId": "lobby",', headers: { "content-type": "application/json" } });
    assertProblem(r, 400, "invalid-request");
    assert.match(r.body.detail, /not valid JSON/);
  });

  test("wrong types → 400 naming each field", async () => {
    const r = await admin("POST", "/api/v1/sessions", { body: { serviceId: "lobby", capacity: "4", visibility: "friends", name: 5 } });
    assertProblem(r, 400, "invalid-request");
    const pointers = r.body.errors.map((e: { pointer: string }) => e.pointer);
    for (const p of ["/capacity", "/visibility", "/name"]) assert.ok(pointers.includes(p), `${p} in ${pointers}`);
  });

  test("unknown fields → 400 naming the field", async () => {
    const r = await admin("POST", "/api/v1/sessions", { body: { serviceId: "lobby", colour: "red" } });
    assertProblem(r, 400, "invalid-request");
    assert.deepEqual(r.body.errors, [{ pointer: "/colour", detail: "unknown field" }]);
    const patch = await admin("PATCH", `/api/v1/sessions/${sessionId}`, { body: { passwordHash: "x" } });
    assertProblem(patch, 400, "invalid-request");
  });

  test("bodies over 1 MiB → 413", async () => {
    const big = JSON.stringify({ serviceId: "lobby", attributes: { blob: "x".repeat(1024 * 1024) } });
    assertProblem(await admin("POST", "/api/v1/sessions", { raw: big, headers: { "content-type": "application/json" } }), 413, "payload-too-large");
  });

  test("other media types → 415; an empty JSON body → 400; a JSON array → 400", async () => {
    assertProblem(await admin("POST", "/api/v1/sessions", { raw: "serviceId=lobby", headers: { "content-type": "application/x-www-form-urlencoded" } }), 415);
    assertProblem(await admin("POST", "/api/v1/sessions", { raw: "", headers: { "content-type": "application/json" } }), 400);
    assertProblem(await admin("POST", "/api/v1/sessions", { body: [] }), 400);
    assertProblem(await admin("POST", "/api/v1/sessions", { body: null }), 400);
  });

  test("missing or bad credentials → 401 with WWW-Authenticate", async () => {
    const expired = await new SignJWT({ uid: "alice" }).setProtectedHeader({ alg: "HS256" }).setExpirationTime(Math.floor(Date.now() / 1000) - 3600).sign(new TextEncoder().encode(JWT_SECRET));
    const wrongKey = await new SignJWT({ uid: "alice" }).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode("other"));
    const unsigned = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from('{"uid":"alice"}').toString("base64url")}.`;
    const cases: (string | undefined)[] = [
      undefined,
      "Bearer",
      "Bearer ",
      "Bearer a b",
      "Bearer shk_unknown",
      "Bearer é",
      "Basic !!!",
      "Basic " + Buffer.from("admin:wrong").toString("base64"),
      "Basic " + Buffer.from("nobody:pw").toString("base64"),
      "Foo bar",
      `jwt ${expired}`,
      `jwt ${wrongKey}`,
      `jwt ${unsigned}`,
      "jwt garbage",
      `Bearer ${"x".repeat(10_000)}`,
    ];
    for (const authorization of cases) {
      const r = await http(t.url, "GET", "/api/v1/sessions", { token: null, headers: authorization === undefined ? {} : { authorization } });
      assertProblem(r, 401, "unauthenticated");
      assert.match(r.headers.get("www-authenticate") ?? "", /^Bearer realm="sessionhub"/, String(authorization));
    }
  });

  test("a JWT caller is identified by profile.uid, uid or sub, and admins by role", async () => {
    const key = new TextEncoder().encode(JWT_SECRET);
    const sign = (payload: Record<string, unknown>) => new SignJWT(payload).setProtectedHeader({ alg: "HS256" }).setExpirationTime("1h").sign(key);
    const me = async (token: string, scheme = "jwt") => (await http(t.url, "GET", "/api/v1/me", { token: null, headers: { authorization: `${scheme} ${token}` } })).body;
    assert.equal((await me(await sign({ profile: JSON.stringify({ uid: "p-uid" }) }))).userId, "p-uid");
    assert.equal((await me(await sign({ profile: { uid: "o-uid", roles: ["admin"] } }), "Bearer")).isAdmin, true);
    assert.equal((await me(await sign({ uid: "top-uid", sub: "s" }))).userId, "top-uid");
    assert.equal((await me(await sign({ sub: "sub-only" }))).userId, "sub-only");
    const none = await http(t.url, "GET", "/api/v1/me", { token: null, headers: { authorization: `jwt ${await sign({ foo: 1 })}` } });
    assertProblem(none, 401);
  });

  test("revoked tokens stop working at once", async () => {
    await admin("POST", "/api/v1/users", { body: { id: "revokee" } });
    const issued = (await admin("POST", "/api/v1/tokens", { body: { userId: "revokee" } })).body;
    assert.equal((await http(t.url, "GET", "/api/v1/me", { token: issued.secret })).status, 200);
    assert.equal((await admin("DELETE", `/api/v1/tokens/${issued.token.id}`)).status, 204);
    assertProblem(await http(t.url, "GET", "/api/v1/me", { token: issued.secret }), 401);
    const listed = await admin("GET", "/api/v1/tokens");
    assert.ok(!JSON.stringify(listed.body).includes(issued.secret));
    assert.ok(!JSON.stringify(listed.body).includes("hash"));
  });

  test("unknown routes, ids and services → 404; a bad If-Match → 412", async () => {
    assertProblem(await admin("GET", "/api/v1/nope"), 404, "not-found");
    assertProblem(await admin("GET", "/api/v1/sessions/not-a-session"), 404, "not-found");
    assertProblem(await admin("GET", "/api/v1/sessions/99999999999999999999999"), 404);
    assertProblem(await admin("GET", `/api/v1/sessions/${"9".repeat(70)}`), 400);
    assertProblem(await admin("POST", "/api/v1/sessions", { body: { serviceId: "no-such-service" } }), 400);
    assertProblem(await admin("PATCH", `/api/v1/sessions/${sessionId}`, { body: {}, headers: { "if-match": "garbage" } }), 412);
    assertProblem(await admin("GET", "/api/v1/sessions?sort=passwordHash"), 400);
    assertProblem(await admin("GET", "/api/v1/sessions?limit=0"), 400);
    assertProblem(await admin("GET", "/api/v1/sessions?limit=abc"), 400);
    assertProblem(await admin("GET", "/api/v1/sessions?state=sleeping"), 400);
    assertProblem(await admin("GET", "/api/v1/sessions?createdAfter=yesterday"), 400);
    assertProblem(await admin("GET", "/api/v1/sessions?attributes.a..b=1"), 400);
  });

  test("a token lifetime past the bound → 400; a token stored earlier with a huge expiry still lists", async () => {
    await admin("POST", "/api/v1/users", { body: { id: "longlived" } });
    const user = (await admin("POST", "/api/v1/tokens", { body: { userId: "longlived" } })).body.secret;
    const asUser = client(t.url, user);
    const huge = await asUser("POST", "/api/v1/tokens", { body: { expiresInSeconds: 8_640_000_000_000 } });
    assertProblem(huge, 400, "invalid-request");
    assert.deepEqual(huge.body.errors.map((e: { pointer: string }) => e.pointer), ["/expiresInSeconds"]);
    assert.equal((await asUser("POST", "/api/v1/tokens", { body: { expiresInSeconds: 315_360_000 } })).status, 201, "ten years is allowed");
    // What the defect stored: a token whose expiry no Date can hold.
    const principal: Principal = { userId: "longlived", roles: [], isAdmin: false, method: "token" };
    const stored = await t.server.users.createToken(principal, { expiresInSeconds: 8_640_000_000_000 });
    for (const who of [admin, asUser]) {
      const listed = await who("GET", "/api/v1/tokens");
      assert.equal(listed.status, 200, listed.text);
      assert.equal(listed.body.items.find((tk: { id: string }) => tk.id === stored.token.id).expiresAt, "9999-12-31T23:59:59.999Z");
    }
  });

  test("every number a client sends is bounded: out of range → 400 naming it, never a 500", async () => {
    const s = (await admin("POST", "/api/v1/sessions", { body: { serviceId: "lobby" } })).body;
    const cases: [string, string, unknown, string][] = [
      ["POST", "/api/v1/sessions", { serviceId: "lobby", inactiveTimeoutSeconds: 1e12 }, "/inactiveTimeoutSeconds"],
      ["POST", "/api/v1/sessions", { serviceId: "lobby", capacity: 2 ** 53 }, "/capacity"],
      ["PATCH", `/api/v1/sessions/${s.id}`, { version: 2 ** 31 }, "/version"],
      ["PATCH", `/api/v1/sessions/${s.id}`, { version: 1e300 }, "/version"],
      ["POST", `/api/v1/sessions/${s.id}/members`, { team: 2 ** 31 }, "/team"],
      ["POST", "/api/v1/services", { id: "far", number: 2 ** 31 }, "/number"],
      ["POST", "/api/v1/services", { id: "far", defaultInactiveTimeoutSeconds: 1e10 }, "/defaultInactiveTimeoutSeconds"],
      ["PATCH", "/api/v1/services/lobby", { version: 1e20 }, "/version"],
      ["POST", "/api/v1/tokens", { expiresInSeconds: 0 }, "/expiresInSeconds"],
    ];
    for (const [method, path, body, pointer] of cases) {
      const r = await admin(method, path, { body });
      assertProblem(r, 400, "invalid-request");
      assert.ok(r.body.errors.some((e: { pointer: string }) => e.pointer === pointer), `${method} ${path} ${JSON.stringify(body)}: ${r.text}`);
    }
    for (const query of ["limit=1001", "limit=1e400", `from=${2 ** 31}`, "from=-1"]) {
      const path = query.startsWith("from") ? `/api/v1/sessions/${s.id}/log?${query}` : `/api/v1/sessions?${query}`;
      assertProblem(await admin("GET", path), 400, "invalid-request");
    }
    for (const cursor of [[1e300, "x"], ["text", "x"], [1.5, "x"]]) {
      const forged = Buffer.from(JSON.stringify(cursor)).toString("base64url");
      assertProblem(await admin("GET", `/api/v1/sessions?sort=number&cursor=${forged}`), 400, "invalid-request");
    }
  });

  test("filters beyond the filter limits → 400; at the limits they run", async () => {
    const repeated = (n: number) => Array.from({ length: n }, (_, i) => `attributes.x=${i}`).join("&");
    const tooMany = await admin("GET", `/api/v1/sessions?${repeated(300)}`);
    assertProblem(tooMany, 400, "invalid-request");
    assert.match(tooMany.body.detail, /at most 64 conditions/);
    // Each number-like value is one condition per form it may be stored in (string, number): 64 in all with the service.
    const within = await admin("GET", `/api/v1/sessions?service=lobby&${repeated(31)}`);
    assert.equal(within.status, 200, within.text);
    const sorted = await admin("GET", `/api/v1/sessions?sort=${Array.from({ length: 17 }, () => "name").join(",")}`);
    assertProblem(sorted, 400, "invalid-request");
  });

  test("random bytes, methods and paths never give a 5xx", async () => {
    const paths = [
      "/api/v1/sessions",
      `/api/v1/sessions/${sessionId}`,
      `/api/v1/sessions/${sessionId}/members`,
      `/api/v1/sessions/${sessionId}/members/me`,
      `/api/v1/sessions/${sessionId}/log`,
      `/api/v1/sessions/${sessionId}/end`,
      `/api/v1/sessions/${sessionId}/heartbeat`,
      "/api/v1/services",
      "/api/v1/services/lobby",
      "/api/v1/tokens",
      "/api/v1/users",
      "/api/v1/users/admin",
      "/api/v1/me",
    ];
    const methods = ["GET", "POST", "PATCH", "PUT", "DELETE"];
    const bodies = [
      () => randomBytes(64).toString("latin1"),
      () => JSON.stringify({ [randomBytes(4).toString("hex")]: randomBytes(8).toString("hex") }),
      () => JSON.stringify({ serviceId: "lobby", capacity: -1, attributes: [] }),
      () => JSON.stringify([1, 2]),
      () => '"str"',
      () => "{".repeat(5000),
      () => JSON.stringify({ lines: [{ text: 5 }], password: { a: 1 }, owner: [], team: "x", roles: "admin" }),
    ];
    let n = 0;
    for (let round = 0; round < 4; round += 1) {
      for (const path of paths) {
        for (const method of methods) {
          const body = method === "GET" || method === "DELETE" ? undefined : bodies[n % bodies.length]!();
          const query = ["", "?limit=-5", "?cursor=%ff%fe", "?from=x&stream=nope", "?force=maybe"][n % 5];
          const r = await admin(method, path + query, body === undefined ? {} : { raw: body, headers: { "content-type": n % 3 === 0 ? "text/plain" : "application/json" } });
          n += 1;
          assert.ok(r.status < 500, `${method} ${path}${query} → ${r.status} ${r.text.slice(0, 200)}`);
        }
      }
    }
    assert.ok(n >= 250);
    assert.equal((await admin("GET", "/api/v1/me")).status, 200, "the server still answers");
  });
});

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { http } from "../../helpers/server.js";
import { openEventStream } from "../../helpers/sse.js";
import { B, type Players, SESSION_KEYS, assertError, create, startGame } from "./fixture.js";

/** A small deterministic generator, so a failing fuzz case can be replayed. */
function random(seed: number) {
  let x = seed;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  return { next, pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]! };
}

/** Game contract checklist items 53 and 55–57, secrets, and a fuzz over every route. */
describe("game API: errors, events, secrets and bad input", () => {
  let g: Players;

  before(async () => {
    g = await startGame();
  });
  after(() => g.t.stop());

  test("53. every error body is exactly {code, status, message}, without a stack", async () => {
    const s = await create(g.a, { password: "pw" });
    const errors = [
      await http(g.t.url, "GET", "/sessions", { token: null }),
      await g.b("PUT", `/sessions/${s.uid}`, { body: { version: 0 } }),
      await g.a("GET", "/sessions/0193a6f2-7c4e-7b1a-9f3d-5e2c8a1b4d60"),
      await g.a("GET", "/sessions?numTeams=range(1)"),
      await g.a("GET", `/sessions/${s.uid}/join?team=x`),
      await g.b("GET", `/sessions/${s.uid}/join`),
      await g.a("PUT", `/sessions/${s.uid}`, { body: { version: 5 } }),
      await g.a("PATCH", `/sessions/${s.uid}`),
    ];
    assert.deepEqual(errors.map((r) => r.status), [401, 403, 404, 400, 400, 403, 409, 405]);
    for (const r of errors) {
      assert.deepEqual(Object.keys(r.body), ["code", "status", "message"]);
      assert.equal(r.body.status, r.status);
      assert.ok(!("stack" in r.body));
    }
  });

  test("55. a join made here is a member.joined event on the native event stream", async () => {
    const s = await create(g.a);
    const stream = await openEventStream(`${g.t.url}/api/v1/events?session=${s.uid}`, g.tokens.Z);
    try {
      assert.equal((await g.b("GET", `/sessions/${s.uid}/join`)).status, 200);
      const event = await stream.waitFor((e) => e.event === "member.joined");
      assert.equal(event.data.sessionId, s.uid);
      assert.equal(event.data.data.userId, B);
      assert.equal(event.data.serviceId, "game");
    } finally {
      stream.close();
    }
  });

  test("56. a known path with another method → 405 with Allow and api-003; an unknown path → 404 api-010", async () => {
    const s = await create(g.a);
    for (const [method, path, allow] of [
      ["PATCH", `/sessions/${s.uid}`, "GET, HEAD, PUT, DELETE"],
      ["POST", `/sessions/${s.uid}`, "GET, HEAD, PUT, DELETE"],
      ["PUT", "/sessions", "GET, HEAD, POST, DELETE"],
      ["DELETE", "/sessions/count", "GET, HEAD"],
      ["HEAD", `/sessions/${s.uid}/join`, "GET, POST"],
      ["OPTIONS", `/sessions/${s.uid}/leave`, "GET, POST"],
    ]) {
      const r = await g.a(method!, path!);
      assert.equal(r.status, 405, `${method} ${path}`);
      assert.equal(r.headers.get("allow"), allow);
      if (method !== "HEAD") assertError(r, 405, "api-003", "Invalid message or request. Method not allowed.");
    }
    for (const path of ["/nope", "/sessions/a/b/c", "/session", "/index.html"]) {
      assertError(await g.a("GET", path), 404, "api-010");
      assertError(await http(g.t.url, "GET", path, { token: null }), 404, "api-010");
    }
    const native = await http(g.t.url, "GET", "/api/v1/nope");
    assert.equal(native.status, 404);
    assert.equal(native.headers.get("content-type"), "application/problem+json; charset=utf-8", "the native API keeps its own 404");
    assert.equal((await http(g.t.url, "GET", "/healthz", { token: null })).status, 200);
  });

  test("57. the 11th wrong password within a minute → 429 session-005, even with the right one; a minute later it is accepted", async () => {
    const s = await create(g.a, { password: "right" });
    for (let i = 0; i < 10; i += 1) assertError(await g.c("GET", `/sessions/${s.uid}/join?password=wrong${i}`), 403, "session-003");
    assertError(await g.c("GET", `/sessions/${s.uid}/join?password=wrong`), 429, "session-005");
    assertError(await g.c("POST", `/sessions/${s.uid}/join`, { body: { password: "right" } }), 429, "session-005");
    assert.equal((await g.d("GET", `/sessions/${s.uid}/join?password=right`)).status, 200, "other users are not locked out");
    g.t.clock.advance(61_000);
    assert.equal((await g.c("POST", `/sessions/${s.uid}/join`, { body: { password: "right" } })).status, 200);
  });

  test("57. single-session responses carry ETag \"<version>\"", async () => {
    const created = await g.a("POST", "/sessions", { body: {} });
    assert.equal(created.headers.get("etag"), '"0"');
    const uid = created.body.uid;
    assert.equal((await g.b("GET", `/sessions/${uid}/join`)).headers.get("etag"), '"1"');
    assert.equal((await g.a("GET", `/sessions/${uid}`)).headers.get("etag"), '"1"');
    assert.equal((await g.a("PUT", `/sessions/${uid}`, { body: { status: "x" }, headers: { "if-match": '"1"' } })).headers.get("etag"), '"2"');
  });

  test("passwords, password hashes and tokens appear in no response, log line or event", async () => {
    const secrets = ["create-secret-1", "put-secret-2"];
    const s = await create(g.a, { password: secrets[0] });
    assert.equal((await g.a("PUT", `/sessions/${s.uid}`, { body: { version: 0, password: secrets[1] } })).status, 200);
    const answers = [
      await g.b("GET", `/sessions/${s.uid}/join?password=${secrets[0]}`),
      await g.c("GET", `/sessions/${s.uid}/join`, { headers: { "x-session-password": secrets[1]! } }),
      await g.d("POST", `/sessions/${s.uid}/join`, { body: { password: secrets[1] } }),
      await g.e("GET", `/sessions?password=${secrets[1]}`),
      await g.a("GET", `/sessions/${s.uid}`),
      await g.a("GET", "/sessions"),
    ];
    // The old password no longer admits; the new one does, by header and by body; password is no filter.
    assert.deepEqual(answers.map((r) => r.status), [403, 200, 200, 400, 200, 200]);
    // The whole record, replayed: through the newest event stored now.
    const [newest] = await g.t.server.hub.eventsBefore(Number.MAX_SAFE_INTEGER, 1);
    const stream = await openEventStream(`${g.t.url}/api/v1/events`, g.tokens.Z, "0");
    const events = JSON.stringify(await stream.through((e) => e.id === String(newest!.seq)));
    stream.close();
    assert.ok(events.includes(s.uid), "the events of the session were read");
    const everything = [...answers.map((r) => r.text), events, ...g.t.logs];
    for (const text of everything) {
      for (const secret of [...secrets, "scrypt$", g.tokens.A, g.tokens.B]) assert.ok(!text.includes(secret), `${secret.slice(0, 12)}… leaked in ${text.slice(0, 200)}`);
    }
    assert.ok(g.t.logs.some((l) => l.includes("password=[REDACTED]")), "the query-string password is redacted, not dropped");
  });

  test("fuzz: random methods, paths, queries, headers and bodies never give a 500, a hang or a malformed error", async () => {
    const s = await create(g.a, { numTeams: 2, teamSize: 3, password: "pw" });
    const rng = random(20250301);
    // fetch resolves ".." itself (WHATWG URLs); the edge's answer to a raw ".." is tested in test/http/edge.test.ts.
    const ids = [s.uid, s.uid.toUpperCase(), "0193a6f2-7c4e-7b1a-9f3d-5e2c8a1b4d60", "x", "%00", "...", "' OR 1=1 --", "9".repeat(40), "%F0%9F%98%80"];
    const paths = ["/sessions", "/sessions/count", "/nope", "/sessions/count/x", ...ids.flatMap((id) => [`/sessions/${id}`, `/sessions/${id}/join`, `/sessions/${id}/leave`])];
    const queries = ["", "?limit=1e3", "?skip=-0", "?sort=%7B", "?numTeams=gt()", "?status=like(%25)", "?users=in(,)", "?data.x=%00", "?dateCreated=range(a,b)", "?hasPassword=TRUE", "?visibility=eq(PRIVATE)", "?uid=like(_)", "?status=lobby&status=eq(a)&status=ne(b)", "?team=99999999999", "?password=%FF", "?version=range(-1,1e99)", "?a[b]=1", "?__proto__=1", "?constructor=1"];
    const bodies: (string | undefined)[] = [undefined, "", "{}", "[]", "null", "1", '"x"', "{", '{"version":0,"status":null}', '{"version":0,"numTeams":1e400}', '{"version":0,"users":[null]}', '{"version":0,"teams":[{"id":-1}]}', '{"version":0,"teams":[null]}', '{"version":0,"data":{"a":{"b":[1,{"c":null}]}}}', '{"version":1.5}', '{"constructor":{"prototype":{}}}', '{"password":"' + "x".repeat(129) + '"}', '{"hostUid":"","users":["a","a"],"version":0}', '{"version":0,"numTeams":2,"teamSize":2,"teams":[{"id":0,"members":[]},{"id":1,"members":[]}]}'];
    const types = ["application/json", "application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded", "application/json-patch+json", "multipart/form-data; boundary=x"];
    const who = [g.a, g.b, g.z];
    for (let i = 0; i < 400; i += 1) {
      const method = rng.pick(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]);
      const path = rng.pick(paths) + rng.pick(queries);
      const raw = method === "GET" || method === "HEAD" ? undefined : rng.pick(bodies);
      const headers: Record<string, string> = raw === undefined ? {} : { "content-type": rng.pick(types) };
      if (rng.next() < 0.2) headers["if-match"] = rng.pick(['"0"', "*", "W/\"1\"", '"x", "y"', ""]);
      if (rng.next() < 0.1) headers.authorization = rng.pick(["jwt", "Bearer x.y.z", "Basic Og==", `jwt ${g.tokens.A}x`]);
      const r = await rng.pick(who)(method, path, { raw, headers });
      const where = `${i}: ${method} ${path} ${headers["content-type"] ?? ""} ${raw?.slice(0, 60) ?? ""} → ${r.status} ${r.text.slice(0, 200)}`;
      assert.ok(r.status < 500, where);
      assert.equal(r.headers.get("cache-control"), "no-store", where);
      if (r.status >= 400 && method !== "HEAD") assert.deepEqual(Object.keys(r.body), ["code", "status", "message"], where);
      if (r.status === 200 && path.startsWith(`/sessions/${s.uid}`) && !path.includes("/leave") && method !== "DELETE" && method !== "HEAD") {
        assert.deepEqual(Object.keys(r.body), SESSION_KEYS, where);
      }
    }
    assert.equal((await g.z("GET", "/sessions/count")).status, 200, "the server still answers");
    assert.ok(!g.t.logs.some((l) => l.includes("game request failed")), "no request failed on the server");
  });
});

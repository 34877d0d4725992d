import assert from "node:assert/strict";
import { deflateSync, gzipSync } from "node:zlib";
import { after, before, describe, test } from "node:test";
import { ADMIN_TOKEN, type TestServer, http, startServer } from "../../helpers/server.js";
import { A, type Players, Z, assertEmpty, assertError, gameClient, players, sign, tokenFor } from "./fixture.js";

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** Game contract checklist items 1–7: `jwt` and Bearer tokens, identity, roles; every failure a 401. */
describe("game API: authentication", () => {
  let g: Players;
  let t: TestServer;
  const get = (authorization?: string, path = "/sessions") => http(t.url, "GET", path, { token: null, headers: authorization === undefined ? {} : { authorization } });

  before(async () => {
    g = await players(await startServer());
    t = g.t;
  });
  after(() => t.stop());

  test("1. no Authorization → 401 api-101 with WWW-Authenticate", async () => {
    const r = await get();
    assertError(r, 401, "api-101");
    assert.equal(r.headers.get("www-authenticate"), 'Bearer realm="sessionhub"');
  });

  test("2. `jwt <A>`, `Bearer <A>` and `JWT <A>` → 200 each", async () => {
    for (const scheme of ["jwt", "Bearer", "JWT", "bearer"]) {
      const r = await get(`${scheme} ${g.tokens.A}`);
      assert.equal(r.status, 200, `${scheme}: ${r.text}`);
      assert.ok(Array.isArray(r.body));
    }
  });

  test("3. Basic, a bare scheme, extra parts, garbage, a wrong signature, alg none, an expired token → 401, never 500", async () => {
    const wrongKey = await sign({ profile: JSON.stringify({ uid: A, roles: [] }) }, { key: new TextEncoder().encode("another-secret") });
    const expired = await sign({ profile: JSON.stringify({ uid: A, roles: [] }) }, { expiresIn: Math.floor(Date.now() / 1000) - 3600 });
    const unsigned = `${b64url({ alg: "none", typ: "JWT" })}.${b64url({ profile: JSON.stringify({ uid: A }), exp: Math.floor(Date.now() / 1000) + 3600 })}.`;
    const [head, payload] = g.tokens.A.split(".");
    const tampered = `${head}.${b64url({ profile: JSON.stringify({ uid: Z, roles: ["admin"] }) })}.${g.tokens.A.split(".")[2]}`;
    const headers = [
      `Basic ${Buffer.from(`${A}:pw`).toString("base64")}`,
      "jwt",
      "jwt ",
      `jwt ${g.tokens.A} extra`,
      `jwt  ${g.tokens.A}`,
      "jwt a b",
      "jwt garbage",
      "jwt a.b.c",
      `jwt ${head}.${payload}`,
      `jwt ${wrongKey}`,
      `jwt ${tampered}`,
      `jwt ${unsigned}`,
      `Bearer ${unsigned}`,
      `jwt ${expired}`,
      `jwt ${"x".repeat(8000)}`,
      "jwt é",
      "Bearer",
      "Digest abc",
    ];
    for (const authorization of headers) {
      const r = await get(authorization);
      assert.equal(r.status, 401, authorization.slice(0, 60));
      assertError(r, 401, "api-101");
      assert.ok(r.headers.get("www-authenticate")?.startsWith('Bearer realm="sessionhub"'));
    }
    const presented = await get("jwt garbage");
    assert.equal(presented.headers.get("www-authenticate"), 'Bearer realm="sessionhub", error="invalid_token"');
  });

  test("3. a wrong `aud` → 401 when an audience is configured; the right one → 200", async () => {
    const strict = await startServer({ env: { SESSIONHUB_JWT_AUDIENCE: "game-clients" } });
    try {
      const right = await sign({ profile: JSON.stringify({ uid: A, roles: [] }), aud: "game-clients" });
      const wrong = await sign({ profile: JSON.stringify({ uid: A, roles: [] }), aud: "someone-else" });
      assertError(await http(strict.url, "GET", "/sessions", { headers: { authorization: `jwt ${wrong}` } }), 401, "api-101");
      assertError(await http(strict.url, "GET", "/sessions", { headers: { authorization: `jwt ${g.tokens.A}` } }), 401, "api-101");
      assert.equal((await http(strict.url, "GET", "/sessions", { headers: { authorization: `jwt ${right}` } })).status, 200);
    } finally {
      await strict.stop();
    }
  });

  test("4. identity: profile.uid (JSON string or object), else uid, else sub; none → 401", async () => {
    const hostOf = async (payload: Record<string, unknown>) => {
      const r = await gameClient(t, await sign(payload))("POST", "/sessions", { body: {} });
      return r.status === 201 ? r.body.hostUid : r.status;
    };
    assert.equal(await hostOf({ profile: JSON.stringify({ uid: "from-string", roles: [] }), uid: "top", sub: "sub" }), "from-string");
    assert.equal(await hostOf({ profile: { uid: "from-object", roles: [] }, sub: "sub" }), "from-object");
    assert.equal(await hostOf({ uid: "top-level", sub: "sub" }), "top-level");
    assert.equal(await hostOf({ sub: "subject" }), "subject");
    assert.equal(await hostOf({ profile: JSON.stringify({ roles: [] }), name: "nobody" }), 401);
    assert.equal(await hostOf({ profile: "{not json" , uid: "x" }), 401);
    assert.equal(await hostOf({ uid: "x".repeat(256) }), 401);
    assert.equal(await hostOf({ uid: "" }), 401);
    assert.equal(await hostOf({ profile: JSON.stringify({ uid: A }), encryption: true }), 401);
  });

  test("5. `compression: \"zlib\"` with a gzip- or zlib-compressed base64 profile → 200 and the right uid", async () => {
    for (const [framing, pack] of [["gzip", gzipSync], ["zlib", deflateSync]] as const) {
      const profile = pack(Buffer.from(JSON.stringify({ uid: `packed-${framing}`, roles: [] }))).toString("base64");
      const r = await gameClient(t, await sign({ profile, compression: "zlib" }))("POST", "/sessions", { body: {} });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.body.hostUid, `packed-${framing}`);
    }
    const broken = await sign({ profile: Buffer.from("not compressed").toString("base64"), compression: "zlib" });
    assertError(await get(`jwt ${broken}`), 401, "api-101");
  });

  test("6. roles in profile.roles or top-level roles make Z an admin (Truncate → 200); other roles do not", async () => {
    const viaProfile = await tokenFor(Z, ["admin"]);
    const viaTopLevel = await sign({ profile: JSON.stringify({ uid: Z }), roles: ["player", "admin"] });
    assertEmpty(await gameClient(t, viaProfile)("DELETE", "/sessions"));
    assertEmpty(await gameClient(t, viaTopLevel)("DELETE", "/sessions"));
    const notAdmin = await sign({ profile: JSON.stringify({ uid: Z, roles: ["moderator"] }), roles: ["admin"] });
    assertError(await gameClient(t, notAdmin)("DELETE", "/sessions"), 403, "api-102");
    const rolesNotAList = await sign({ profile: JSON.stringify({ uid: Z, roles: "admin" }) });
    assertError(await gameClient(t, rolesNotAList)("DELETE", "/sessions"), 403, "api-102");
  });

  test("7. a token in `?jwt_token=` or a `jwt` cookie is not a credential → 401", async () => {
    assertError(await get(undefined, `/sessions?jwt_token=${g.tokens.A}`), 401, "api-101");
    assertError(await http(t.url, "GET", "/sessions", { token: null, headers: { cookie: `jwt=${g.tokens.A}` } }), 401, "api-101");
  });

  test("sessionhub API tokens work too (`token <key>`, `Bearer <key>`), with their user's roles", async () => {
    const issued = await http(t.url, "POST", "/api/v1/tokens", { body: { userId: "admin", name: "game" } });
    assert.equal(issued.status, 201);
    assert.equal((await get(`token ${issued.body.secret}`)).status, 200);
    assertEmpty(await http(t.url, "DELETE", "/sessions", { token: ADMIN_TOKEN }));
    assertError(await get("token shk_unknown"), 401, "api-101");
  });
});

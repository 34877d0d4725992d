import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, describe, test } from "node:test";
import { type Fixture, native, startFixture } from "./fixture.js";

/** A request whose Authorization header carries raw bytes (fetch would refuse them). */
function rawAuthorization(url: string, header: Buffer): Promise<{ status: number; body: string; challenge: string | undefined }> {
  const target = new URL(`${url}/api/2/sessions/`);
  return new Promise((resolve, reject) => {
    // latin1 keeps the byte as it is: 0xE9 is not ASCII.
    const headers = { authorization: header.toString("latin1") };
    const req = request({ host: target.hostname, port: target.port, path: target.pathname, method: "GET", headers }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, body, challenge: res.headers["www-authenticate"] as string | undefined }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** Checklist items 12–14: the 401 bodies of DRF's TokenAuthentication. */
describe("roundware: authentication", () => {
  let f: Fixture;

  before(async () => {
    f = await startFixture();
  });

  after(() => f.t.stop());

  const expect401 = async (authorization: string | null, detail: string) => {
    const r = await f.call("GET", "sessions/", authorization === null ? { auth: null } : { auth: null, headers: { authorization } });
    assert.equal(r.status, 401, `${authorization}: ${r.text}`);
    assert.deepEqual(r.body, { detail });
    assert.equal(r.headers.get("www-authenticate"), "Token");
    assert.equal(r.headers.get("cache-control"), "no-store");
  };

  test("12. no header, and HTTP Basic, → 401 credentials were not provided, with WWW-Authenticate: Token", async () => {
    await expect401(null, "Authentication credentials were not provided.");
    await expect401("Basic YTpi", "Authentication credentials were not provided.");
    await expect401("Basic " + Buffer.from("admin:pw-admin").toString("base64"), "Authentication credentials were not provided.");
  });

  test("13. bad token headers → DRF's messages", async () => {
    await expect401("token deadbeef", "Invalid token.");
    await expect401("token", "Invalid token header. No credentials provided.");
    await expect401("token a b", "Invalid token header. Token string should not contain spaces.");
    const r = await rawAuthorization(f.url, Buffer.concat([Buffer.from("token "), Buffer.from([0xe9])]));
    assert.equal(r.status, 401);
    assert.equal(r.body, '{"detail":"Invalid token header. Token string should not contain invalid characters."}');
    assert.equal(r.challenge, "Token");
  });

  test("14. Token, TOKEN and Bearer schemes work; a token revoked through the native API → 401 Invalid token.", async () => {
    for (const scheme of ["Token", "TOKEN", "token", "Bearer"]) {
      const r = await f.call("GET", "sessions/", { auth: null, headers: { authorization: `${scheme} ${f.T1}` } });
      assert.equal(r.status, 200, scheme);
    }
    const login = await f.call("POST", "login/", { auth: null, body: { username: "admin", password: "pw-admin" } });
    const token = login.body.token as string;
    assert.equal((await f.call("GET", "sessions/", { auth: token })).status, 200);
    const listed = (await native(f.t, "GET", "/tokens?userId=admin")).body.items as { id: string; name: string; issuer: string }[];
    const issued = listed.filter((t) => t.issuer === "roundware");
    for (const t of issued) assert.equal((await native(f.t, "DELETE", `/tokens/${t.id}`)).status, 204);
    await expect401(`token ${token}`, "Invalid token.");
  });

  test("14. a JWT is accepted with the jwt and Bearer schemes", async () => {
    const { SignJWT } = await import("jose");
    const jwt = await new SignJWT({ uid: "jwt-user" }).setProtectedHeader({ alg: "HS256" }).setExpirationTime("5m").sign(new TextEncoder().encode("test-secret"));
    for (const scheme of ["jwt", "Bearer"]) {
      const r = await f.call("GET", "sessions/", { auth: null, headers: { authorization: `${scheme} ${jwt}` } });
      assert.equal(r.status, 200, scheme);
      assert.deepEqual(r.body, []);
    }
  });
});

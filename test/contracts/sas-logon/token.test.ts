import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createLocalJWKSet, decodeJwt, jwtVerify } from "jose";
import { TokenIssuer } from "../../../src/auth/issuer.js";
import { SqliteStore } from "../../../src/store/sqlite/index.js";
import { freePort } from "../../helpers/postgres.js";
import { ADMIN_TOKEN, type TestServer, http, startServer } from "../../helpers/server.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const basic = (client: string, secret = "") => `Basic ${Buffer.from(`${client}:${secret}`).toString("base64")}`;
const form = (fields: Record<string, string>) => Buffer.from(new URLSearchParams(fields).toString());
const FORM = "application/x-www-form-urlencoded";

function multipart(fields: Record<string, string>): { body: Buffer; type: string } {
  const boundary = "----sessionhub-test-boundary";
  const body = Object.entries(fields)
    .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
    .join("");
  return { body: Buffer.from(`${body}--${boundary}--\r\n`), type: `multipart/form-data; boundary=${boundary}` };
}

async function token(t: TestServer, fields: Record<string, string>, client = "sas.cli", secret = "") {
  return http(t.url, "POST", "/SASLogon/oauth/token", { raw: form(fields), headers: { authorization: basic(client, secret), "content-type": FORM } });
}

async function setPassword(t: TestServer, user: string, password: string, roles: string[] = []) {
  if ((await http(t.url, "GET", `/api/v1/users/${user}`, { token: ADMIN_TOKEN })).status === 404) {
    assert.equal((await http(t.url, "POST", "/api/v1/users", { token: ADMIN_TOKEN, body: { id: user, roles, password } })).status, 201);
  } else assert.equal((await http(t.url, "PATCH", `/api/v1/users/${user}`, { token: ADMIN_TOKEN, body: { password } })).status, 200);
}

describe("SAS Logon: the token endpoint", () => {
  let t: TestServer;
  before(async () => {
    t = await startServer({
      config: { sasLogon: { failuresPerMinute: 3, clients: [{ id: "svc", secret: "s3cret", grants: ["client_credentials"], user: "carol" }] } },
    });
    await setPassword(t, "alice", "alice-pw-1");
    await setPassword(t, "carol", "carol-pw-1");
  });
  after(() => t.stop());

  test("password grant (sas.cli, empty secret): UAA's response; the access token works on every API", async () => {
    const r = await token(t, { grant_type: "password", username: "alice", password: "alice-pw-1" });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get("cache-control"), "no-store");
    assert.deepEqual(Object.keys(r.body), ["access_token", "token_type", "refresh_token", "expires_in", "scope", "jti"]);
    assert.equal(r.body.token_type, "bearer");
    assert.equal(r.body.expires_in, 43200);
    const access = decodeJwt(r.body.access_token);
    assert.equal(access.sub, "alice");
    assert.equal(access.user_name, "alice");
    assert.equal(access.client_id, "sas.cli");
    assert.equal(access.iss, `${t.url}/SASLogon/oauth/token`);
    assert.ok(decodeJwt(r.body.refresh_token).exp! - access.exp! > 86400 * 20, "refresh tokens outlive access tokens");
    // Accepted everywhere: MaxScale's API knows alice, a user with a password: a `basic` account, which reads.
    const expected: [string, string, number][] = [["Bearer", "/compute/contexts", 200], ["bearer", "/api/v1/sessions", 200], ["Bearer", "/v1/sessions", 200]];
    for (const [scheme, path, status] of expected) {
      const used = await http(t.url, "GET", path, { headers: { authorization: `${scheme} ${r.body.access_token}` } });
      assert.equal(used.status, status, `${path}: ${used.text}`);
    }
    const write = await http(t.url, "DELETE", "/v1/sessions/1", { headers: { authorization: `Bearer ${r.body.access_token}` } });
    assert.equal(write.status, 403, "and only reads");
    const refreshAsAccess = await http(t.url, "GET", "/compute/contexts", { headers: { authorization: `Bearer ${r.body.refresh_token}` } });
    assert.equal(refreshAsAccess.status, 401, "a refresh token is no access token");
  });

  test("errors in UAA's format: bad password, unknown client, no client, missing or unsupported grant, grant not allowed", async () => {
    const bad = await token(t, { grant_type: "password", username: "alice", password: "nope" });
    assert.equal(bad.status, 401);
    assert.deepEqual(bad.body, { error: "unauthorized", error_description: "Bad credentials" });
    const unknown = await token(t, { grant_type: "password", username: "alice", password: "alice-pw-1" }, "nobody");
    assert.equal(unknown.status, 401);
    assert.match(unknown.headers.get("www-authenticate")!, /^Basic realm="UAA\/client"/);
    const wrongSecret = await token(t, { grant_type: "client_credentials" }, "svc", "wrong");
    assert.deepEqual([wrongSecret.status, wrongSecret.body.error], [401, "unauthorized"]);
    const anonymous = await http(t.url, "POST", "/SASLogon/oauth/token", { raw: form({ grant_type: "password" }), headers: { "content-type": FORM } });
    assert.deepEqual([anonymous.status, anonymous.body.error], [401, "unauthorized"]);
    const missing = await token(t, {});
    assert.deepEqual([missing.status, missing.body], [400, { error: "invalid_request", error_description: "Missing grant type" }]);
    const unsupported = await token(t, { grant_type: "authorization_code", code: "x" });
    assert.deepEqual([unsupported.status, unsupported.body.error], [400, "unsupported_grant_type"]);
    const notAllowed = await token(t, { grant_type: "client_credentials" });
    assert.deepEqual([notAllowed.status, notAllowed.body], [401, { error: "invalid_client", error_description: "Unauthorized grant type: client_credentials" }]);
    const json = await http(t.url, "POST", "/SASLogon/oauth/token", { body: { grant_type: "password" }, headers: { authorization: basic("sas.cli") } });
    assert.deepEqual([json.status, json.body.error], [400, "invalid_request"]);
    const nowhere = await http(t.url, "GET", "/SASLogon/nowhere");
    assert.deepEqual([nowhere.status, nowhere.body.error], [404, "not_found"]);
    assert.ok(!t.logs.some((l) => l.includes("alice-pw-1")), "no password in any log line");
  });

  test("hostile bodies and headers get OAuth errors, never a 500", async () => {
    const cases: [Record<string, string>, string | Buffer, number][] = [
      [{ "content-type": "multipart/form-data; boundary=x", authorization: basic("sas.cli") }, "--x\r\nno headers end", 400],
      [{ "content-type": "multipart/form-data", authorization: basic("sas.cli") }, "grant_type=password", 400],
      [{ "content-type": FORM, authorization: "Basic %%%" }, "grant_type=password", 401],
      [{ "content-type": FORM, authorization: `Basic ${Buffer.from("sas.cli%ZZ:").toString("base64")}` }, "grant_type=password", 401],
      [{ "content-type": FORM, authorization: "Basic" }, "grant_type=password", 401],
      [{ "content-type": FORM, authorization: basic("sas.cli") }, Buffer.alloc(70_000, 97), 413],
      [{ "content-type": FORM, authorization: basic("sas.cli") }, "grant_type=password&username=alice&password=%ZZ", 401],
    ];
    for (const [headers, raw, status] of cases) {
      const r = await http(t.url, "POST", "/SASLogon/oauth/token", { token: null, raw, headers });
      assert.equal(r.status, status, `${JSON.stringify(headers)}: ${r.text}`);
      assert.equal(typeof r.body.error, "string");
    }
    const get = await http(t.url, "GET", "/SASLogon/oauth/token", { token: null });
    assert.deepEqual([get.status, get.body.error], [405, "method_not_allowed"]);
  });

  test("failed password grants lock the user out for the minute", async () => {
    await setPassword(t, "dave", "dave-pw-1");
    for (let i = 0; i < 3; i += 1) assert.equal((await token(t, { grant_type: "password", username: "dave", password: "x" })).status, 401);
    const locked = await token(t, { grant_type: "password", username: "dave", password: "dave-pw-1" });
    assert.equal(locked.status, 401);
    assert.match(locked.body.error_description, /locked/);
  });

  test("refresh_token grant: urlencoded and multipart (sasjs); not rotated; wrong client, garbage, revoked → 401", async () => {
    const first = (await token(t, { grant_type: "password", username: "alice", password: "alice-pw-1" })).body;
    const again = await token(t, { grant_type: "refresh_token", refresh_token: first.refresh_token });
    assert.equal(again.status, 200, again.text);
    assert.equal(again.body.refresh_token, first.refresh_token);
    assert.notEqual(again.body.access_token, first.access_token);
    const { body, type } = multipart({ grant_type: "refresh_token", refresh_token: first.refresh_token });
    const viaMultipart = await http(t.url, "POST", "/SASLogon/oauth/token", { raw: body, headers: { "content-type": type, authorization: basic("sas.cli") } });
    assert.equal(viaMultipart.status, 200, viaMultipart.text);
    const wrongClient = await token(t, { grant_type: "refresh_token", refresh_token: first.refresh_token }, "sas.ec");
    assert.deepEqual([wrongClient.status, wrongClient.body.error], [401, "invalid_grant"]);
    const garbage = await token(t, { grant_type: "refresh_token", refresh_token: "abc.def.ghi" });
    assert.deepEqual([garbage.status, garbage.body.error], [401, "invalid_token"]);
    const revoke = await http(t.url, "DELETE", `/SASLogon/oauth/token/revoke/${decodeJwt(first.refresh_token).jti}`, { headers: { authorization: `Bearer ${first.access_token}` } });
    assert.equal(revoke.status, 200, revoke.text);
    const revoked = await token(t, { grant_type: "refresh_token", refresh_token: first.refresh_token });
    assert.deepEqual([revoked.status, revoked.body.error], [401, "invalid_token"]);
  });

  test("revoking all of a user's refresh tokens, and a password change, end them; others may not revoke", async () => {
    await setPassword(t, "erin", "erin-pw-1");
    const a = (await token(t, { grant_type: "password", username: "erin", password: "erin-pw-1" })).body;
    const b = (await token(t, { grant_type: "password", username: "erin", password: "erin-pw-1" })).body;
    const alice = (await token(t, { grant_type: "password", username: "alice", password: "alice-pw-1" })).body;
    const denied = await http(t.url, "GET", "/SASLogon/oauth/token/revoke/user/erin", { headers: { authorization: `Bearer ${alice.access_token}` } });
    assert.equal(denied.status, 403);
    assert.equal((await http(t.url, "GET", "/SASLogon/oauth/token/revoke/user/erin", { token: ADMIN_TOKEN })).status, 200);
    for (const old of [a, b]) assert.equal((await token(t, { grant_type: "refresh_token", refresh_token: old.refresh_token })).status, 401);
    const fresh = (await token(t, { grant_type: "password", username: "erin", password: "erin-pw-1" })).body;
    assert.equal((await http(t.url, "GET", "/compute/contexts", { headers: { authorization: `Bearer ${fresh.access_token}` } })).status, 200);
    await setPassword(t, "erin", "erin-pw-2");
    assert.equal((await http(t.url, "GET", "/compute/contexts", { headers: { authorization: `Bearer ${fresh.access_token}` } })).status, 401);
    assert.equal((await token(t, { grant_type: "refresh_token", refresh_token: fresh.refresh_token })).status, 401);
  });

  test("client_credentials for a registered client acts as its user; no refresh token", async () => {
    const r = await token(t, { grant_type: "client_credentials" }, "svc", "s3cret");
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.refresh_token, undefined);
    assert.equal(decodeJwt(r.body.access_token).sub, "carol");
    const me = await http(t.url, "POST", "/compute/contexts/sas-job-execution/sessions", { body: {}, headers: { authorization: `Bearer ${r.body.access_token}` } });
    assert.equal(me.status, 201);
    assert.equal(me.body.owner, "carol");
  });

  test("token_keys (JWKS as UAA serves it) verifies the tokens; check_token answers for a client", async () => {
    const jwks = await http(t.url, "GET", "/SASLogon/token_keys");
    assert.equal(jwks.status, 200);
    const [key] = jwks.body.keys;
    assert.deepEqual([key.kty, key.alg, key.use], ["RSA", "RS256", "sig"]);
    assert.match(key.value, /^-----BEGIN PUBLIC KEY-----/);
    const issued = (await token(t, { grant_type: "password", username: "alice", password: "alice-pw-1" })).body;
    const { payload } = await jwtVerify(issued.access_token, createLocalJWKSet(jwks.body));
    assert.equal(payload.sub, "alice");
    const check = await http(t.url, "POST", "/SASLogon/oauth/check_token", { raw: form({ token: issued.access_token }), headers: { "content-type": FORM, authorization: basic("sas.cli") } });
    assert.equal(check.status, 200, check.text);
    assert.equal(check.body.active, true);
    assert.equal(check.body.user_name, "alice");
    const invalid = await http(t.url, "POST", "/SASLogon/oauth/check_token", { raw: form({ token: "x.y.z" }), headers: { "content-type": FORM, authorization: basic("sas.cli") } });
    assert.deepEqual([invalid.status, invalid.body.error], [400, "invalid_token"]);
  });
});

describe("SAS Logon: on SAS Compute's own port too", () => {
  let t: TestServer;
  before(async () => {
    t = await startServer({ env: { SESSIONHUB_SAS_COMPUTE_PORT: String(await freePort()) } });
    await setPassword(t, "alice", "alice-pw-1");
  });
  after(() => t.stop());

  test("both listeners serve /SASLogon; a token from either works on /compute", async () => {
    const sasUrl = t.urls["sas-compute"]!;
    assert.ok(sasUrl);
    for (const url of [t.url, sasUrl]) {
      const r = await http(url, "POST", "/SASLogon/oauth/token", { raw: form({ grant_type: "password", username: "alice", password: "alice-pw-1" }), headers: { authorization: basic("sas.cli"), "content-type": FORM } });
      assert.equal(r.status, 200, r.text);
      assert.equal((await http(sasUrl, "GET", "/compute/contexts", { headers: { authorization: `Bearer ${r.body.access_token}` } })).status, 200);
    }
  });
});

describe("SAS Logon: one signing key for every node", () => {
  test("issuers racing on one store settle on the same key", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sessionhub-keys-"));
    const store = new SqliteStore({ file: join(dir, "s.db"), nodeId: "n1", migrations: [], clock: Date.now, synchronous: "NORMAL" });
    await store.migrate();
    try {
      const issuers = [new TokenIssuer(store, Date.now), new TokenIssuer(store, Date.now), new TokenIssuer(store, Date.now)];
      const kids = await Promise.all(issuers.map(async (i) => (await i.signingKey()).kid));
      assert.equal(new Set(kids).size, 1);
      assert.equal((await new TokenIssuer(store, Date.now).signingKey()).kid, kids[0]);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

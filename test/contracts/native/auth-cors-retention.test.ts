import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type CryptoKey, SignJWT, exportSPKI, generateKeyPair } from "jose";
import { ADMIN_TOKEN, type TestServer, client, http, reaperPass, startServer } from "../../helpers/server.js";
import { until } from "../../helpers/wait.js";

describe("native API: public-key JWTs, CORS allow-list, retention", () => {
  let t: TestServer;
  let privateKey: CryptoKey;

  before(async () => {
    const pair = await generateKeyPair("RS256");
    privateKey = pair.privateKey as CryptoKey;
    t = await startServer({
      env: {
        SESSIONHUB_JWT_SECRET: "",
        SESSIONHUB_JWT_PUBLIC_KEY: await exportSPKI(pair.publicKey),
        SESSIONHUB_JWT_ALGORITHMS: "RS256",
        SESSIONHUB_JWT_AUDIENCE: "sessionhub-tests",
        SESSIONHUB_CORS_ORIGINS: "https://console.example",
        SESSIONHUB_RETENTION_SECONDS: "60",
      },
    });
    await client(t.url, ADMIN_TOKEN)("POST", "/api/v1/services", { body: { id: "lobby" } });
  });

  after(() => t.stop());

  const sign = (payload: Record<string, unknown>, alg = "RS256", key: CryptoKey | Uint8Array = privateKey) =>
    new SignJWT(payload).setProtectedHeader({ alg }).setAudience("sessionhub-tests").setExpirationTime("5m").sign(key);

  test("a JWT signed with the configured key pair is accepted; HS256 and a wrong audience are not", async () => {
    const ok = await http(t.url, "GET", "/api/v1/me", { token: null, headers: { authorization: `Bearer ${await sign({ sub: "rsa-user" })}` } });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.userId, "rsa-user");
    const hs = await sign({ sub: "x" }, "HS256", new TextEncoder().encode("test-secret"));
    assert.equal((await http(t.url, "GET", "/api/v1/me", { token: null, headers: { authorization: `jwt ${hs}` } })).status, 401);
    const wrongAudience = await new SignJWT({ sub: "x" }).setProtectedHeader({ alg: "RS256" }).setAudience("other").setExpirationTime("5m").sign(privateKey);
    assert.equal((await http(t.url, "GET", "/api/v1/me", { token: null, headers: { authorization: `jwt ${wrongAudience}` } })).status, 401);
  });

  test("CORS: allowed origins get their headers and preflights; other origins get none", async () => {
    const preflight = await http(t.url, "OPTIONS", "/api/v1/sessions", {
      token: null,
      headers: { origin: "https://console.example", "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get("access-control-allow-origin"), "https://console.example");
    assert.match(preflight.headers.get("access-control-allow-methods") ?? "", /POST/);
    assert.match(preflight.headers.get("access-control-allow-headers") ?? "", /authorization/);
    const actual = await http(t.url, "GET", "/api/v1/me", { headers: { origin: "https://console.example" } });
    assert.equal(actual.headers.get("access-control-allow-origin"), "https://console.example");
    const foreign = await http(t.url, "GET", "/api/v1/me", { headers: { origin: "https://evil.example" } });
    assert.equal(foreign.status, 200);
    assert.equal(foreign.headers.get("access-control-allow-origin"), null);
    const foreignPreflight = await http(t.url, "OPTIONS", "/api/v1/sessions", { token: null, headers: { origin: "https://evil.example", "access-control-request-method": "POST" } });
    assert.notEqual(foreignPreflight.status, 204);
    assert.equal(foreignPreflight.headers.get("access-control-allow-origin"), null);
  });

  test("ended sessions are deleted once their retention has passed", async () => {
    const admin = client(t.url, ADMIN_TOKEN);
    const s = (await admin("POST", "/api/v1/sessions", { body: { serviceId: "lobby" } })).body;
    assert.equal((await admin("POST", `/api/v1/sessions/${s.id}/end`, { body: {} })).status, 200);
    t.clock.advance(30_000);
    await reaperPass(t);
    assert.equal((await admin("GET", `/api/v1/sessions/${s.id}`)).body.state, "ended", "kept within retention");
    t.clock.advance(31_000);
    await until("the reaper to delete the session", async () => (await admin("GET", `/api/v1/sessions/${s.id}`)).status === 404);
  });
});

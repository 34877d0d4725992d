import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { after, before, describe, test } from "node:test";
import { type Fixture, assertProjectShape, startFixture } from "./fixture.js";

/**
 * The published roundware-web-framework (AGPL-3.0), loaded at test time only. Its
 * CommonJS build requires core-js without declaring it (apps get it from their own
 * Babel setup), so core-js is a devDependency here; Node 20 has fetch, URL and
 * URLSearchParams, and the one browser object the client reads, `navigator`, is passed
 * to Session as its constructor asks.
 */
const require = createRequire(import.meta.url);
interface ApiClient {
  get<T>(path: string, data: object): Promise<T>;
}
const { ApiClient } = require("roundware-web-framework/dist/api-client.js") as { ApiClient: new (base: string) => ApiClient };
const { User } = require("roundware-web-framework/dist/user.js") as {
  User: new (o: { apiClient: ApiClient; deviceId: string; clientType?: string }) => { connect(): Promise<{ token?: string }>; id?: number };
};
const { Session } = require("roundware-web-framework/dist/session.js") as {
  Session: new (navigator: { userAgent: string }, projectId: number, geo: boolean, o: { apiClient: ApiClient }) => { connect(): Promise<number> };
};

const NAVIGATOR = { userAgent: "Mozilla/5.0 (X11; Linux x86_64) roundware-web-framework test" };

/** Checklist items 38–40: CORS for browsers, the real web client, and an iOS wire replay. */
describe("roundware: CORS and real clients", () => {
  let f: Fixture;

  before(async () => {
    f = await startFixture();
  });

  after(() => f.t.stop());

  test("38. a preflight without a token → 204 with the CORS headers; the real request carries Allow-Origin and no credentials", async () => {
    const pre = await fetch(`${f.url}/api/2/sessions/`, {
      method: "OPTIONS",
      headers: { origin: "https://app.example", "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get("access-control-allow-origin"), "*");
    const allowHeaders = pre.headers.get("access-control-allow-headers")!.split(/,\s*/);
    for (const h of ["authorization", "content-type"]) assert.ok(allowHeaders.includes(h), h);
    assert.ok(pre.headers.get("access-control-allow-methods")!.split(/,\s*/).includes("POST"));
    assert.equal(pre.headers.get("access-control-max-age"), "86400");
    assert.equal(pre.headers.get("allow"), "GET, POST, HEAD, OPTIONS");
    assert.equal(pre.headers.get("access-control-allow-credentials"), null);
    const real = await f.call("POST", "sessions/", { auth: f.T1, body: { project_id: 1, client_system: "web" }, headers: { origin: "https://app.example" } });
    assert.equal(real.status, 200);
    assert.equal(real.headers.get("access-control-allow-origin"), "*");
    assert.equal(real.headers.get("access-control-allow-credentials"), null);
    const plain = await fetch(`${f.url}/api/2/languages/7/`, { method: "OPTIONS" });
    assert.equal(plain.status, 204);
    assert.equal(plain.headers.get("allow"), "GET, PATCH, DELETE, HEAD, OPTIONS");
  });

  test("38. with a configured origin list: listed origins are echoed with Vary, others get no CORS headers", async () => {
    const { startServer } = await import("../../helpers/server.js");
    const t = await startServer({ env: { SESSIONHUB_ROUNDWARE_CORS_ORIGINS: "https://app.example" } });
    try {
      const ok = await fetch(`${t.url}/api/2/`, { headers: { origin: "https://app.example" } });
      assert.equal(ok.headers.get("access-control-allow-origin"), "https://app.example");
      assert.match(ok.headers.get("vary") ?? "", /Origin/);
      const other = await fetch(`${t.url}/api/2/sessions/`, {
        method: "OPTIONS",
        headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
      });
      assert.equal(other.status, 204);
      assert.equal(other.headers.get("access-control-allow-origin"), null);
      assert.equal(other.headers.get("access-control-allow-methods"), null);
    } finally {
      await t.stop();
    }
  });

  test("39. the published web client: User.connect, Session.connect, then api.get of the session", async () => {
    const api = new ApiClient(`${f.url}/api/2`);
    const user = new User({ apiClient: api, deviceId: "web-dev-9" });
    const connected = await user.connect();
    assert.equal(typeof connected.token, "string");
    assert.ok(Number.isInteger(user.id));
    const sessionId = await new Session(NAVIGATOR, 1, false, { apiClient: api }).connect();
    assert.ok(Number.isInteger(sessionId));
    const session = await api.get<Record<string, unknown>>(`/sessions/${sessionId}/`, {});
    assert.equal(session.client_type, "web");
    assert.equal(session.device_id, "web-dev-9");
    assert.equal(session.language_id, 1);
    assert.equal(session.timezone, "0000");
    assert.equal(session.geo_listen_enabled, false);
    assert.equal(session.client_system, NAVIGATOR.userAgent);
    await assert.rejects(new Session(NAVIGATOR, 999, false, { apiClient: api }).connect());
  });

  test("40. iOS wire replay: users/, sessions/ and the project decode by the iOS rules", async () => {
    const headers = { "content-type": "application/json", accept: "application/json", "user-agent": "Roundware/1 CFNetwork/1331.0.7 Darwin/21.4.0" };
    const userRes = await fetch(`${f.url}/api/2/users/`, {
      method: "POST",
      headers,
      body: JSON.stringify({ device_id: "6F9619FF-8B86-D011-B42D-00C04FC964FF", client_type: "iPhone", client_system: "iOS 15.0" }),
    });
    assert.equal(userRes.status, 200);
    const user = (await userRes.json()) as Record<string, unknown>;
    assert.ok(Number.isInteger(user.id));
    assert.equal(typeof user.username, "string");
    assert.equal(typeof user.token, "string");
    const sessionRes = await fetch(`${f.url}/api/2/sessions/`, {
      method: "POST",
      headers: { ...headers, authorization: `token ${user.token as string}` },
      body: JSON.stringify({ project_id: 1, timezone: "-0800", client_system: "iOS 15.0", language: "en" }),
    });
    assert.equal(sessionRes.status, 200);
    const session = (await sessionRes.json()) as Record<string, unknown>;
    assert.ok(Number.isInteger(session.id));
    assert.equal(session.timezone, "-0800");
    // iOS slices the timezone as sign + HH + MM and force-unwraps the integers.
    const tz = session.timezone as string;
    assert.ok(Number.isInteger(Number(tz.slice(1, 3))) && Number.isInteger(Number(tz.slice(3, 5))));
    const projectRes = await fetch(`${f.url}/api/2/projects/1/?session_id=${session.id as number}`, { headers: { ...headers, authorization: `token ${user.token as string}` } });
    assert.equal(projectRes.status, 200);
    const project = (await projectRes.json()) as Record<string, unknown>;
    assertProjectShape(project);
    assert.ok(Number.isInteger(project.id));
    for (const k of ["name", "out_of_range_url", "repeat_mode", "ordering"]) assert.equal(typeof project[k], "string", k);
    for (const k of ["recording_radius", "out_of_range_distance", "latitude", "longitude"]) assert.equal(typeof project[k], "number", k);
    for (const k of ["geo_listen_enabled", "listen_enabled", "speak_enabled"]) assert.equal(typeof project[k], "boolean", k);
  });
});

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ADMIN_TOKEN, type Answer, type TestServer, http, startServer } from "../helpers/server.js";
import { signJwt } from "./fuzz/world.js";

/**
 * If-Match uses the strong comparison (RFC 9110 §13.1.1): a weak tag never matches, so a
 * write conditioned on the current tag marked weak must fail and change nothing — in every
 * API that honours If-Match. Each case reads the current tag, sends it back weak, and
 * checks the answer and that the session is unchanged.
 */
describe("proof: a weak ETag never satisfies If-Match", () => {
  let t: TestServer;
  let jwt: string;
  const admin = (method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}) => http(t.url, method, path, { token: ADMIN_TOKEN, ...opts });

  before(async () => {
    t = await startServer();
    jwt = await signJwt({ profile: JSON.stringify({ uid: "admin", roles: ["admin"] }) });
    assert.equal((await admin("POST", "/api/v1/services", { body: { id: "tags" } })).status, 201);
  });
  after(() => t.stop());

  const weak = (r: Answer) => {
    const tag = r.headers.get("etag");
    assert.ok(tag && tag.startsWith('"'), `a strong ETag to start from, got ${tag}`);
    return `W/${tag}`;
  };
  const fresh = async () => (await admin("POST", "/api/v1/sessions", { body: { serviceId: "tags", name: "before" } })).body;

  for (const [name, method, path, body, status] of [
    ["PATCH", "PATCH", "", { name: "after" }, 412],
    ["DELETE", "DELETE", "", undefined, 412],
    ["end", "POST", "/end", {}, 412],
  ] as const) {
    test(`native ${name} with the current tag marked weak → ${status}, nothing changes`, async () => {
      const s = await fresh();
      const r = await admin(method, `/api/v1/sessions/${s.id}${path}`, { headers: { "if-match": weak(await admin("GET", `/api/v1/sessions/${s.id}`)) }, ...(body !== undefined ? { body } : {}) });
      assert.equal(r.status, status, r.text);
      const after = await admin("GET", `/api/v1/sessions/${s.id}`);
      assert.equal(after.body.version, s.version);
      assert.equal(after.body.state, s.state);
    });
  }

  test("game PUT with the current version as a weak tag → 409 api-012, nothing changes", async () => {
    const game = (method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}) =>
      http(t.url, method, path, { token: null, ...opts, headers: { authorization: `jwt ${jwt}`, ...opts.headers } });
    const s = (await game("POST", "/sessions", { body: {} })).body;
    const r = await game("PUT", `/sessions/${s.uid}`, { headers: { "if-match": `W/"${s.version}"` }, body: { status: "changed" } });
    assert.equal(r.status, 409, r.text);
    assert.equal((await game("GET", `/sessions/${s.uid}`)).body.status, "");
  });

  test("MaxScale DELETE with the current tag marked weak → 412, the session lives", async () => {
    const s = await fresh();
    const read = await admin("GET", `/v1/sessions/${s.number}`);
    const r = await admin("DELETE", `/v1/sessions/${s.number}`, { headers: { "if-match": weak(read) } });
    assert.equal(r.status, 412, r.text);
    assert.equal((await admin("GET", `/api/v1/sessions/${s.id}`)).body.state, s.state);
  });

  test("SAS PUT …/state with the current tag marked weak → 412", async () => {
    const created = await admin("POST", "/compute/contexts/sas-job-execution/sessions", { body: {} });
    assert.equal(created.status, 201, created.text);
    const state = await admin("GET", `/compute/sessions/${created.body.id}/state`);
    const r = await admin("PUT", `/compute/sessions/${created.body.id}/state?value=canceled`, { headers: { "if-match": weak(state) } });
    assert.equal(r.status, 412, r.text);
  });
});

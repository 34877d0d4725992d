import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Validator } from "@seriousme/openapi-schema-validator";
import { ADMIN_TOKEN, type TestServer, client, http, startServer } from "../../helpers/server.js";

/** Native checklist item 10, and the operational endpoints. */
describe("native API: OpenAPI and operation", () => {
  let t: TestServer;

  before(async () => {
    t = await startServer();
  });

  after(() => t.stop());

  test("10. /api/v1/openapi.json validates as OpenAPI 3.1 and every route is in it", async () => {
    const doc = await http(t.url, "GET", "/api/v1/openapi.json", { token: null });
    assert.equal(doc.status, 200);
    assert.equal(doc.body.openapi, "3.1.0");
    const validator = new Validator();
    const result = await validator.validate(doc.body);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
    const routes: [string, string][] = [
      ["get", "/api/v1/me"],
      ["get", "/api/v1/services"],
      ["post", "/api/v1/services"],
      ["get", "/api/v1/services/{id}"],
      ["patch", "/api/v1/services/{id}"],
      ["delete", "/api/v1/services/{id}"],
      ["get", "/api/v1/sessions"],
      ["post", "/api/v1/sessions"],
      ["get", "/api/v1/sessions/{id}"],
      ["patch", "/api/v1/sessions/{id}"],
      ["delete", "/api/v1/sessions/{id}"],
      ["post", "/api/v1/sessions/{id}/end"],
      ["post", "/api/v1/sessions/{id}/heartbeat"],
      ["get", "/api/v1/sessions/{id}/members"],
      ["post", "/api/v1/sessions/{id}/members"],
      ["delete", "/api/v1/sessions/{id}/members/{userId}"],
      ["get", "/api/v1/sessions/{id}/log"],
      ["post", "/api/v1/sessions/{id}/log"],
      ["get", "/api/v1/events"],
      ["post", "/api/v1/tokens"],
      ["get", "/api/v1/tokens"],
      ["delete", "/api/v1/tokens/{id}"],
      ["post", "/api/v1/users"],
      ["get", "/api/v1/users"],
      ["get", "/api/v1/users/{id}"],
      ["patch", "/api/v1/users/{id}"],
      ["delete", "/api/v1/users/{id}"],
    ];
    for (const [method, path] of routes) assert.ok(doc.body.paths[path]?.[method], `${method.toUpperCase()} ${path} is described`);
    const documented = Object.keys(doc.body.paths);
    assert.ok(documented.every((p) => p.startsWith("/api/v1/")), `only native routes: ${documented.join(", ")}`);
    assert.ok(!JSON.stringify(doc.body).includes("passwordHash"));
  });

  test("/docs renders from this server alone: no asset points elsewhere", async () => {
    const page = await http(t.url, "GET", "/docs/", { token: null });
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /text\/html/);
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(assets.length > 0);
    for (const asset of assets) {
      assert.ok(!/^(https?:)?\/\//.test(asset), `external asset ${asset}`);
      const url = new URL(asset, `${t.url}/docs/`).toString();
      const res = await fetch(url);
      await res.arrayBuffer();
      assert.equal(res.status, 200, url);
    }
  });

  test("/healthz, /readyz and /metrics", async () => {
    assert.deepEqual((await http(t.url, "GET", "/healthz", { token: null })).body, { status: "ok" });
    assert.equal((await http(t.url, "GET", "/readyz", { token: null })).status, 200);
    const admin = client(t.url, ADMIN_TOKEN);
    await admin("POST", "/api/v1/services", { body: { id: "m" } });
    await admin("POST", "/api/v1/sessions", { body: { serviceId: "m" } });
    await admin("GET", "/api/v1/sessions");
    const metrics = await http(t.url, "GET", "/metrics", { token: null });
    assert.equal(metrics.status, 200);
    assert.match(metrics.text, /sessionhub_http_requests_total\{listener="main",method="GET",route="\/api\/v1\/sessions",status="200"\} \d+/);
    assert.match(metrics.text, /sessionhub_http_request_duration_seconds_bucket\{le="0\.005",listener="main",method="POST",route="\/api\/v1\/sessions"\}/);
    assert.match(metrics.text, /sessionhub_sessions\{state="idle"\} 1/);
    assert.match(metrics.text, /sessionhub_sessions\{state="ended"\} 0/);
    assert.match(metrics.text, /sessionhub_service_sessions\{service="m",state="idle"\} 1/);
    assert.match(metrics.text, /sessionhub_service_sessions\{service="m",state="running"\} 0/);
    assert.match(metrics.text, /^sessionhub_process_cpu_seconds_total /m);
    assert.doesNotMatch(metrics.text, /sessionhub_process_process_/);
  });

  test("request ids: a well-formed X-Request-Id is kept, others are replaced, and every log line carries one", async () => {
    const kept = await http(t.url, "GET", "/api/v1/me", { headers: { "x-request-id": "trace-123" } });
    assert.equal(kept.headers.get("x-request-id"), "trace-123");
    const replaced = await http(t.url, "GET", "/api/v1/me", { headers: { "x-request-id": "bad id\twith tabs" } });
    assert.match(replaced.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
    const line = t.logs.map((l) => JSON.parse(l)).find((l) => l.reqId === "trace-123");
    assert.ok(line, "a log line with the request id");
    assert.equal(line.status, 200);
  });
});

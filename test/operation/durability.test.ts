import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { ADMIN_TOKEN, client } from "../helpers/server.js";
import { spawnServer } from "../helpers/process.js";
import { until } from "../helpers/wait.js";

describe("operation: durability and shutdown", () => {
  const dir = mkdtempSync(join(tmpdir(), "sessionhub-crash-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const env = { SESSIONHUB_DATA_DIR: dir, SESSIONHUB_ADMIN_TOKEN: ADMIN_TOKEN };

  test("a session answered with 201 survives SIGKILL right after, and the node id is stable", async () => {
    const first = await spawnServer(env);
    const api = client(first.url, ADMIN_TOKEN);
    assert.equal((await api("POST", "/api/v1/services", { body: { id: "durable" } })).status, 201);
    const created = await api("POST", "/api/v1/sessions", { body: { serviceId: "durable", name: "must-survive" } });
    assert.equal(created.status, 201);
    first.child.kill("SIGKILL");
    assert.equal((await first.exited).signal, "SIGKILL");

    const second = await spawnServer(env);
    const again = await client(second.url, ADMIN_TOKEN)("GET", `/api/v1/sessions/${created.body.id}`);
    assert.equal(again.status, 200);
    assert.equal(again.body.name, "must-survive");
    assert.equal(again.body.nodeId, created.body.nodeId);
    second.child.kill("SIGTERM");
    const { code } = await second.exited;
    assert.equal(code, 0, "SIGTERM is a clean shutdown");
  });

  test("SIGTERM drains: an open event stream does not hold the shutdown", async () => {
    const server = await spawnServer(env);
    const res = await fetch(`${server.url}/api/v1/events`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    assert.equal(res.status, 200);
    server.child.kill("SIGTERM");
    // The server ends the stream itself: one it had to cut off after the grace period would
    // end in a network error here, not a clean end of the body.
    await res.text();
    const { code } = await server.exited;
    assert.equal(code, 0);
  });

  test("the first start prints one admin token, later starts print none", async () => {
    const fresh = mkdtempSync(join(tmpdir(), "sessionhub-boot-"));
    try {
      const first = await spawnServer({ SESSIONHUB_DATA_DIR: fresh, SESSIONHUB_ADMIN_TOKEN: "" });
      const token = first.output().match(/\n\s+(shk_[A-Za-z0-9_-]{43})\n/)?.[1];
      assert.ok(token, first.output());
      assert.equal((await client(first.url, token)("GET", "/api/v1/me")).body.isAdmin, true);
      first.child.kill("SIGTERM");
      await first.exited;
      const second = await spawnServer({ SESSIONHUB_DATA_DIR: fresh, SESSIONHUB_ADMIN_TOKEN: "" });
      assert.ok(!second.output().includes("shk_"), "no token printed again");
      assert.equal((await client(second.url, token)("GET", "/api/v1/me")).status, 200);
      second.child.kill("SIGTERM");
      await second.exited;
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  test("a bad database URL is a clear message and a non-zero exit", async () => {
    await assert.rejects(spawnServer({ ...env, SESSIONHUB_DATABASE_URL: "mysql://x" }), /SESSIONHUB_DATABASE_URL must be a postgres:\/\/ URL/);
  });
});

describe("operation: draining", () => {
  /**
   * A request whose body is still arriving keeps its connection busy through the start of
   * a shutdown; a second request sent behind it on that connection reaches the router while
   * the server drains.
   */
  async function requestWhileDraining(t: Awaited<ReturnType<typeof import("../helpers/server.js").startServer>>, second: string) {
    const { connect } = await import("node:net");
    const socket = connect(Number(new URL(t.url).port), "127.0.0.1");
    let received = "";
    socket.on("data", (c) => (received += c.toString()));
    await new Promise((r) => socket.once("connect", r));
    const body = JSON.stringify({ id: "drain-test" });
    const inFlight = new Promise((r) => t.server.app.server.once("request", r));
    socket.write(`POST /api/v1/services HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`);
    // In flight (its head read, its body not) before the shutdown begins; draining (no
    // longer listening) before the rest arrives.
    await inFlight;
    const stopping = t.stop();
    await until("the server to stop listening", () => !t.server.app.server.listening);
    socket.write(`${body.slice(5)}${second}`);
    await stopping;
    await new Promise((r) => socket.once("close", r));
    return received.slice(received.indexOf("HTTP/1.1", 10));
  }

  test("a request that arrives while the server drains gets a 503 in its API's own error format", async () => {
    const { startServer: start } = await import("../helpers/server.js");
    const native = await requestWhileDraining(await start(), `GET /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\n\r\n`);
    assert.match(native, /^HTTP\/1\.1 503 /);
    assert.match(native, /connection: close/i);
    assert.match(native, /"type":"https:\/\/sessionhub\.dev\/problems\/unavailable"/);
    const roundware = await requestWhileDraining(await start(), `GET /api/2/sessions/ HTTP/1.1\r\nHost: x\r\nAuthorization: token ${ADMIN_TOKEN}\r\n\r\n`);
    assert.match(roundware, /^HTTP\/1\.1 503 [\s\S]*\{"detail":"Service unavailable\."\}$/);
    const maxscale = await requestWhileDraining(await start(), `GET /v1/sessions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\n\r\n`);
    assert.match(maxscale, /^HTTP\/1\.1 503 [\s\S]*"detail": "Server is shutting down"/);
    const logon = await requestWhileDraining(await start(), "GET /SASLogon/token_keys HTTP/1.1\r\nHost: x\r\n\r\n");
    assert.match(logon, /^HTTP\/1\.1 503 [\s\S]*\{"error":"temporarily_unavailable","error_description":"The server is shutting down\."\}$/);
  });
});

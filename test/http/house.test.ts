import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ROOT } from "../helpers/process.js";
import { PATIENCE_MS } from "../helpers/wait.js";
import { type TestServer, http, startServer } from "../helpers/server.js";

describe("the house: the shared listener's own paths", () => {
  let t: TestServer;
  before(async () => {
    t = await startServer();
  });
  after(() => t.stop());

  test("GET / leads a browser to the console and tells a program where everything is", async () => {
    const browser = await fetch(`${t.url}/`, { headers: { accept: "text/html,application/xhtml+xml" }, redirect: "manual" });
    assert.equal(browser.status, 302);
    assert.equal(browser.headers.get("location"), "/admin/");
    const program = await http(t.url, "GET", "/", { token: null });
    assert.equal(program.status, 200);
    assert.equal(program.body.name, "sessionhub");
    assert.equal(program.body.links.docs, "/docs");
    assert.equal(program.body.links.openapi, "/api/v1/openapi.json");
    assert.deepEqual(
      program.body.apis.map((a: { name: string; path: string }) => `${a.name} ${a.path}`).sort(),
      ["game /sessions", "maxscale /v1", "native /api/v1", "roundware /api/2", "sas-compute /compute", "sas-logon /SASLogon"],
    );
  });

  test("/docs works over plain HTTP from anywhere: its CSP does not ask the browser to upgrade to https", async () => {
    const docs = await fetch(`${t.url}/docs/`, { redirect: "follow" });
    assert.equal(docs.status, 200);
    const csp = docs.headers.get("content-security-policy") ?? "";
    assert.match(csp, /default-src 'self'/);
    assert.doesNotMatch(csp, /upgrade-insecure-requests/);
  });
});

describe("logs and the start-up banner", () => {
  /**
   * `sessionhub serve` with the given log format, until `ready` says so; then, if given,
   * `then.act` runs and the output is read on until `then.ready`. Its standard output.
   */
  async function serveOutput(format: string, ready: RegExp, then?: { act: (out: string) => Promise<void>; ready: RegExp }): Promise<string> {
    const dataDir = mkdtempSync(join(tmpdir(), "sessionhub-logs-"));
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "serve", "--port", "0"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, SESSIONHUB_DATA_DIR: dataDir, SESSIONHUB_MAXSCALE_PORT: "0", SESSIONHUB_LOG_FORMAT: format },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    try {
      const seen = (pattern: RegExp) =>
        new Promise<void>((resolve, reject) => {
          if (pattern.test(out)) return resolve();
          child.stdout.on("data", () => pattern.test(out) && resolve());
          child.on("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
          setTimeout(() => reject(new Error(`waited ${PATIENCE_MS} ms for ${pattern}: ${out}`)), PATIENCE_MS).unref();
        });
      child.stdout.on("data", (d) => (out += d));
      await seen(ready);
      if (then) {
        await then.act(out);
        await seen(then.ready);
      }
      return out;
    } finally {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.on("exit", resolve));
      rmSync(dataDir, { recursive: true, force: true });
    }
  }

  test("pretty: a banner with the console, the docs and every API's URL, and readable lines", async () => {
    const out = await serveOutput("pretty", /maxscale\s+http:\/\/127\.0\.0\.1:\d+\n/);
    assert.match(out, /^sessionhub \S+ · node \S+ · SQLite in /m);
    for (const [name, path] of [["console", "/admin/"], ["docs", "/docs"], ["native", "/api/v1"], ["game", "/sessions"], ["roundware", "/api/2"], ["sas-compute", "/compute"]]) {
      assert.match(out, new RegExp(`^  ${name}\\s+http://127\\.0\\.0\\.1:\\d+${path}$`, "m"), name);
    }
    assert.match(out, /^\d\d:\d\d:\d\d INFO  listening listener=main/m);
    assert.doesNotMatch(out, /^\{"level"/m, "no JSON lines");
  });

  test("json: one JSON line per event, with each listener's APIs and their URLs", async () => {
    const out = await serveOutput("json", /"listener":"maxscale"/);
    // The one-time admin token is announced as text, for the operator, outside the log.
    const lines = out.trim().split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, any>);
    const main = lines.find((l) => l.msg === "listening" && l.listener === "main")!;
    assert.ok(main.apis.some((a: { name: string; url: string }) => a.name === "native" && a.url.endsWith("/api/v1")));
    assert.doesNotMatch(out, /^sessionhub \S+ · node/m, "no banner among JSON lines");
  });

  test("json: a quiet server's request shows in the log at once, not when enough traffic has come", async () => {
    const out = await serveOutput("json", /"listener":"maxscale"/, {
      act: async (logged) => {
        const main = /"listener":"main","url":"([^"]+)"/.exec(logged)![1]!;
        assert.equal((await fetch(`${main}/healthz`)).status, 200);
      },
      ready: /"url":"\/healthz","status":200/,
    });
    const line = JSON.parse(out.split("\n").find((l) => l.includes('"url":"/healthz"'))!) as Record<string, unknown>;
    assert.equal(line.msg, "request completed");
    assert.equal(line.method, "GET");
  });
});

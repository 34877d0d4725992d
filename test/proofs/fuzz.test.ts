import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import Database from "better-sqlite3";
import { prng, seedFrom } from "../helpers/prng.js";
import { ADMIN_TOKEN, type TestServer, http, startServer } from "../helpers/server.js";
import { PROMPT_MS } from "../helpers/wait.js";
import { type BadJwts, generate } from "./fuzz/generate.js";
import { printable, report } from "./fuzz/report.js";
import { type RunResult, run } from "./fuzz/run.js";
import { SECRET, type World, buildWorld, signJwt } from "./fuzz/world.js";
import { memberViolations, teamViolations } from "./invariants.js";

/**
 * The fuzzer (issue "Trust"): at least 20,000 seeded requests over every route of every
 * API, on the main listener and on the MaxScale and Roundware listeners of their own —
 * hostile bytes mixed with valid writes of several users, so state grows through every
 * API. Then: no 5xx, every error in the owning API's format, no hang, nothing answered
 * without credentials, no secret in a log line; and the server restarts on its data, the
 * SQLite file is intact and every API still lists. Replay with FUZZ_SEED; FUZZ_COUNT
 * changes the number of requests.
 */

const SEED = seedFrom("FUZZ_SEED", 20_260_101);
const COUNT = Number(process.env.FUZZ_COUNT ?? 20_000);
const ENV = {
  SESSIONHUB_ROUNDWARE_PORT: "0",
  SESSIONHUB_MAXSCALE_PORT: "0",
  // The failure limiter would answer every later MaxScale request 429 and hide the API.
  SESSIONHUB_MAXSCALE_AUTH_FAILURES_PER_MINUTE: "0",
  // Long polls are answered within the request timeout.
  SESSIONHUB_SAS_MAX_WAIT_SECONDS: "1",
  SESSIONHUB_SAS_CREATE_WAIT_SECONDS: "1",
  SESSIONHUB_REAPER_INTERVAL_MS: "1000",
};
const PROJECT = 901;

describe("proof: fuzzing every API", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "sessionhub-fuzz-"));
  let t: TestServer;
  let world: World;
  let result: RunResult;
  let logs: string[];
  const byKind = (kind: string) => result.failures.filter((f) => f.kind === kind);

  before(async () => {
    t = await startServer({ dataDir, env: ENV });
    world = await buildWorld(t, PROJECT);
    const jwts: BadJwts = {
      expired: await signJwt({ uid: "alice" }, Math.floor(Date.now() / 1000) - 3600),
      wrongKey: await signJwt({ uid: "ops", roles: ["admin"] }, "1h", "not-the-secret"),
      none: `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from('{"uid":"ops","roles":["admin"]}').toString("base64url")}.`,
    };
    const ports = { main: Number(new URL(t.url).port), maxscale: Number(new URL(t.urls.maxscale!).port), roundware: Number(new URL(t.urls.roundware!).port) };
    const root = prng(SEED);
    result = await run(ports, (i) => generate(root, i, world, ports, jwts), { count: COUNT, concurrency: 8, timeoutMs: PROMPT_MS });
    logs = [...t.logs];
  });

  after(async () => {
    await t?.stop().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
    if (!result) return;
    const statuses = [...result.statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(" ");
    const count = (kind: string) => result.failures.filter((f) => f.kind === kind).length;
    console.log(
      `\nfuzz seed ${SEED}: ${result.sent} requests (${result.skipped} skipped after their route hung) in ${(result.ms / 1000).toFixed(1)} s; ` +
        `5xx ${count("5xx")}, foreign error bodies ${count("error body not in the owning API's format")}, ` +
        `hangs ${count("no answer in time (hang)")}, dropped ${count("connection closed without an answer")}, ` +
        `unauthenticated answers ${count("answered without valid credentials")}\nstatuses: ${statuses}\nslowest routes (total ms): ${[...result.timeByRoute].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([r, ms]) => `${r} ${Math.round(ms)}`).join("; ")}` +
        report(SEED, result.failures),
    );
  });

  const none = (kind: string) => () => {
    const found = byKind(kind);
    assert.equal(found.length, 0, `${found.length} × ${kind}:${report(SEED, found, 4)}`);
  };

  test("no answer is a 5xx", none("5xx"));
  test("every error body is in the format of the API that owns the listener and path", none("error body not in the owning API's format"));
  test("every request is answered in time (no hang)", none("no answer in time (hang)"));
  test("no connection is closed without an answer (a 413 is sent, not a reset)", none("connection closed without an answer"));
  test("nothing but an open route answers a request without valid credentials", none("answered without valid credentials"));
  test("a weak ETag never satisfies If-Match", none("weak ETag accepted by If-Match"));
  test("no response echoes a secret", none("secret echoed in a response"));

  test("no secret reaches a log line", () => {
    const leaked = logs.filter((line) => line.includes(SECRET));
    assert.equal(leaked.length, 0, `${leaked.length} log lines hold a secret, e.g.:\n${leaked.slice(0, 5).map((l) => printable(l, 400)).join("\n")}`);
  });

  test("game sessions keep their team rules whatever API changed them", async () => {
    const ops = world.principals.find((p) => p.user === "ops")!;
    const sessions: any[] = [];
    for (let skip = 0; ; skip += 1000) {
      const page = await http(t.url, "GET", `/sessions?limit=1000&skip=${skip}`, { token: null, headers: { authorization: `jwt ${ops.jwt}` } });
      assert.equal(page.status, 200, page.text.slice(0, 300));
      sessions.push(...page.body);
      if (page.body.length < 1000) break;
    }
    const broken = teamViolations(sessions);
    assert.deepEqual(broken.slice(0, 10), [], `${broken.length} team violations`);
  });

  test("after a restart on the same data: the SQLite file is intact, member counts agree, every API lists", async () => {
    await t.stop();
    const db = new Database(join(dataDir, "sessionhub.db"), { readonly: true });
    try {
      assert.equal(db.pragma("integrity_check", { simple: true }), "ok");
      const broken = await memberViolations(async (sql) => db.prepare(sql).all() as Record<string, unknown>[]);
      assert.deepEqual(broken.slice(0, 10), [], `${broken.length} member count violations`);
    } finally {
      db.close();
    }
    t = await startServer({ dataDir, env: ENV });
    const ops = world.principals.find((p) => p.user === "ops")!;
    const lists: [string, string, string][] = [
      [t.url, "/api/v1/sessions?attributes.color=red&limit=1000", `Bearer ${ADMIN_TOKEN}`],
      [t.url, "/api/v1/sessions?sort=-createdAt&limit=1000", `Bearer ${ADMIN_TOKEN}`],
      [t.url, "/sessions?limit=1000", `jwt ${ops.jwt}`],
      [t.url, "/sessions/count", `jwt ${ops.jwt}`],
      [t.url, "/v1/sessions", `Bearer ${ADMIN_TOKEN}`],
      [t.urls.maxscale!, "/sessions", `Basic ${Buffer.from(ops.basic!).toString("base64")}`],
      [t.url, "/v1/services", `Bearer ${ADMIN_TOKEN}`],
      [t.url, "/compute/sessions?limit=1000", `Bearer ${ADMIN_TOKEN}`],
      [t.url, "/api/2/sessions/", `token ${ADMIN_TOKEN}`],
      [t.urls.roundware!, "/api/2/sessions/", `token ${ADMIN_TOKEN}`],
      [t.url, "/api/2/projects/", `token ${ADMIN_TOKEN}`],
    ];
    const failed: string[] = [];
    for (const [base, path, authorization] of lists) {
      const r = await http(base, "GET", path, { token: null, headers: { authorization } });
      if (r.status !== 200) failed.push(`${path} → ${r.status} ${r.text.slice(0, 200)}`);
    }
    let cursor: string | null = "";
    for (let page = 0; cursor !== null && page < 100; page += 1) {
      const r: { status: number; text: string; body: any } = await http(t.url, "GET", `/api/v1/sessions?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { token: ADMIN_TOKEN });
      if (r.status !== 200) {
        failed.push(`native page ${page} → ${r.status} ${r.text.slice(0, 200)}`);
        break;
      }
      cursor = r.body.nextCursor;
    }
    assert.deepEqual(failed, []);
  });
});

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { SignJWT } from "jose";
import pg from "pg";
import { type PostgresCluster, startPostgres } from "../test/helpers/postgres.js";
import type { BenchContext, Scenario } from "./context.js";
import { SCENARIOS } from "./scenarios/index.js";
import { type Load, type Measured, measure } from "./wrk.js";

/**
 * Runs the scenarios against a built sessionhub and, in the same run, a bare node:http
 * server (the ceiling), then records the ratios in RESULTS.md.
 *
 *   npm run bench                         SQLite, one node
 *   npm run bench -- --store postgres     PostgreSQL with one node, then two nodes, plus
 *                                         raw primary-key selects from a pg client loop
 *   npm run bench -- native game          only scenarios whose name contains a word
 *
 * BENCH_SECONDS (default 10) and BENCH_CONNECTIONS (default 50) bound each measurement.
 */
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ADMIN_TOKEN = "shk_bench-admin-token-0123456789abcdefghijklmnopqrs";
const JWT_SECRET = "bench-jwt-secret";

const children: ChildProcess[] = [];
process.on("exit", () => children.forEach((c) => c.kill("SIGKILL")));

function start(cmd: string, args: string[], env: Record<string, string>, ready: RegExp): Promise<RegExpMatchArray> {
  const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let out = "";
  return new Promise((resolve, reject) => {
    const onData = (c: Buffer) => {
      out += c.toString();
      const m = out.match(ready);
      if (!m) return;
      // Keep draining (so the child never blocks on a full pipe) but stop keeping it.
      child.stdout!.off("data", onData);
      child.stderr!.off("data", onData);
      child.stdout!.resume();
      child.stderr!.resume();
      resolve(m);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`${cmd} exited ${code}:\n${out}`)));
  });
}

async function startNode(dir: string, name: string, databaseUrl: string): Promise<string> {
  const m = await start(
    process.execPath,
    ["bin/sessionhub.js", "serve", "--port", "0", "--data-dir", join(dir, name)],
    {
      SESSIONHUB_ADMIN_TOKEN: ADMIN_TOKEN,
      SESSIONHUB_LOG_LEVEL: "info",
      SESSIONHUB_DATABASE_URL: databaseUrl,
      SESSIONHUB_JWT_SECRET: JWT_SECRET,
      SESSIONHUB_MAXSCALE_PORT: "-1",
    },
    /"listener":"main","url":"(http:\/\/[^"]+)"/,
  );
  return m[1]!;
}

function context(url: string, dir: string): BenchContext {
  const ctx: BenchContext = {
    url,
    adminToken: ADMIN_TOKEN,
    dir,
    async api(method, path, body, token = ADMIN_TOKEN) {
      const res = await fetch(url + path, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    },
    async users(prefix, n) {
      const tokens: string[] = [];
      for (let i = 0; i < n; i += 1) {
        await ctx.api("POST", "/api/v1/users", { id: `${prefix}-${i}` });
        tokens.push((await ctx.api("POST", "/api/v1/tokens", { userId: `${prefix}-${i}` })).secret);
      }
      return tokens;
    },
    jwt: (uid, roles = []) =>
      new SignJWT({ profile: JSON.stringify({ uid, roles }) })
        .setProtectedHeader({ alg: "HS256" })
        .setExpirationTime("2h")
        .sign(new TextEncoder().encode(JWT_SECRET)),
  };
  return ctx;
}

interface Row {
  name: string;
  m: Measured;
  compareWith?: string;
}

/** Several nodes at once: the connections split between them, the rates summed. */
async function measureNodes(urls: string[], load: Load, dir: string, name: string): Promise<Measured> {
  const each = await Promise.all(
    urls.map((url, i) => measure(url, load, { seconds: SECONDS, connections: Math.ceil(CONNECTIONS / urls.length), dir, name: `${name}-${i}` })),
  );
  return {
    rps: each.reduce((s, m) => s + m.rps, 0),
    requests: each.reduce((s, m) => s + m.requests, 0),
    non2xx: each.reduce((s, m) => s + m.non2xx, 0),
    errors: each.reduce((s, m) => s + m.errors, 0),
    p50ms: Math.max(...each.map((m) => m.p50ms)),
    p99ms: Math.max(...each.map((m) => m.p99ms)),
  };
}

/** Primary-key selects per second straight from a pg pool: what the database itself gives. */
async function rawSelects(databaseUrl: string): Promise<Measured> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: CONNECTIONS });
  const ids = (await pool.query("SELECT id FROM sessions LIMIT 1000")).rows.map((r) => r.id as string);
  const until = Date.now() + SECONDS * 1000;
  let requests = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, c) => {
      for (let i = c; Date.now() < until; i += CONNECTIONS) {
        await pool.query("SELECT * FROM sessions WHERE id = $1", [ids[i % ids.length]]);
        requests += 1;
      }
    }),
  );
  await pool.end();
  return { rps: requests / SECONDS, requests, non2xx: 0, errors: 0, p50ms: NaN, p99ms: NaN };
}

/** Each scenario prepares its data, then is measured, in order (the order sets what the store holds). */
async function runScenarios(urls: string[], scenarios: Scenario[], dir: string, rows: Row[], label: string) {
  const ctx = context(urls[0]!, dir);
  for (const scenario of scenarios) {
    const load = await scenario.setup(ctx);
    const m = scenario.run ? await scenario.run(ctx, load, SECONDS) : await measureNodes(urls, load, dir, `${label} ${scenario.name}`);
    console.log(`${label} ${scenario.name}: ${m.rps.toFixed(0)} req/s, p99 ${m.p99ms.toFixed(2)} ms, non-2xx ${m.non2xx}`);
    rows.push({ name: `${label}${scenario.name}`, m, compareWith: scenario.compareWith ? `${label}${scenario.compareWith}` : undefined });
  }
}

async function main() {
  const { values, positionals } = parseArgs({ options: { store: { type: "string", default: "sqlite" } }, allowPositionals: true });
  const scenarios = SCENARIOS.filter((s) => positionals.length === 0 || positionals.some((o) => s.name.includes(o)));
  execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });
  const dir = mkdtempSync(join(tmpdir(), "sessionhub-bench-"));
  let cluster: PostgresCluster | undefined;
  try {
    const bare = `http://127.0.0.1:${(await start(process.execPath, ["bench/bare.mjs", "0"], {}, /listening (\d+)/))[1]}`;
    const opts = (name: string) => ({ seconds: SECONDS, connections: CONNECTIONS, dir, name });
    const before = await measure(bare, { method: "GET", path: "/" }, opts("bare-before"));
    console.log(`bare node:http: ${before.rps.toFixed(0)} req/s`);
    const rows: Row[] = [];
    if (values.store === "postgres") {
      cluster = await startPostgres();
      const one = await cluster.createDatabase();
      await runScenarios([await startNode(dir, "one", one)], scenarios, dir, rows, "1 node: ");
      const raw = await rawSelects(one);
      console.log(`raw pg primary-key selects: ${raw.rps.toFixed(0)} /s`);
      rows.push({ name: "raw pg primary-key selects (pg pool loop, no HTTP)", m: raw });
      const two = await cluster.createDatabase();
      const a = await startNode(dir, "a", two);
      const b = await startNode(dir, "b", two);
      await runScenarios([a, b], scenarios, dir, rows, "2 nodes: ");
    } else {
      await runScenarios([await startNode(dir, "data", "")], scenarios, dir, rows, "");
    }
    const after = await measure(bare, { method: "GET", path: "/" }, opts("bare-after"));
    console.log(`bare node:http (after): ${after.rps.toFixed(0)} req/s`);
    writeSection(values.store === "postgres" ? "postgres" : "sqlite", rows, before, after);
  } finally {
    children.forEach((c) => c.kill("SIGTERM"));
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const SETUP: Record<string, string> = {
  sqlite: "a built sessionhub on SQLite (the default: WAL, synchronous=NORMAL)",
  postgres:
    "built sessionhub nodes on an embedded PostgreSQL 18 (the test cluster: fsync off); two nodes share the load, wrk connections split between them",
};

/** RESULTS.md keeps one section per store; a run replaces its own. */
function writeSection(store: string, rows: Row[], before: Measured, after: Measured) {
  const ceiling = (before.rps + after.rps) / 2;
  const byName = new Map(rows.map((r) => [r.name, r.m]));
  const fmt = (n: number, d = 0) => (Number.isNaN(n) ? "—" : n.toFixed(d));
  const section = [
    `<!-- bench:${store} -->`,
    `## ${store === "postgres" ? "PostgreSQL" : "SQLite"}`,
    "",
    `Recorded ${new Date().toISOString()} by \`npm run bench${store === "postgres" ? " -- --store postgres" : ""}\` on ${cpus().length} × ${cpus()[0]?.model ?? "CPU"}, Node ${process.version}.`,
    `wrk, 1 thread, ${CONNECTIONS} connections, ${SECONDS} s per row, on loopback, against ${SETUP[store]}, request logging on (info).`,
    `Ceiling: a bare \`node:http\` server returning a fixed JSON body, measured in the same run before (${fmt(before.rps)} req/s) and after`,
    `(${fmt(after.rps)} req/s) the scenarios; ratios use the mean. Server, database and load generator share the machine's cores.`,
    "",
    "| scenario | req/s | p50 ms | p99 ms | non-2xx | ratio to bare node:http | ratio to its counterpart |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map(({ name, m, compareWith }) => {
      const other = compareWith ? byName.get(compareWith) : undefined;
      return `| ${name} | ${fmt(m.rps)} | ${fmt(m.p50ms, 2)} | ${fmt(m.p99ms, 2)} | ${m.non2xx} | ${fmt(m.rps / ceiling, 2)}× | ${other ? `${fmt(m.rps / other.rps, 2)}× ${compareWith}` : ""} |`;
    }),
    `<!-- /bench:${store} -->`,
  ].join("\n");
  const file = join(ROOT, "bench", "RESULTS.md");
  const existing = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmark results\n\nEach section is rewritten by the run that measures it.\n";
  const pattern = new RegExp(`<!-- bench:${store} -->[\\s\\S]*?<!-- /bench:${store} -->`);
  const next = pattern.test(existing) ? existing.replace(pattern, section) : `${existing.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
  console.log(section);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

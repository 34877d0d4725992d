import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchContext, Scenario } from "./context.js";
import { nativeScenarios } from "./scenarios/native.js";
import { type Measured, measure } from "./wrk.js";

/**
 * Runs every scenario against a built sessionhub (SQLite on disk, request logging off)
 * and a bare node:http server in the same run, and records the ratios in RESULTS.md.
 * BENCH_SECONDS (default 10) and BENCH_CONNECTIONS (default 50) bound each measurement;
 * arguments select scenarios by substring.
 */
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ADMIN_TOKEN = "shk_bench-admin-token-0123456789abcdefghijklmnopqrs";
const SCENARIOS: Scenario[] = [...nativeScenarios];

const children: ChildProcess[] = [];
process.on("exit", () => children.forEach((c) => c.kill("SIGKILL")));

function start(cmd: string, args: string[], env: Record<string, string>, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let out = "";
  return new Promise((resolve, reject) => {
    const onData = (c: Buffer) => {
      out += c.toString();
      const m = out.match(ready);
      if (m) {
        // Keep reading (so the child never blocks on a full pipe) but stop keeping it.
        child.stdout!.off("data", onData);
        child.stderr!.off("data", onData);
        child.stdout!.resume();
        child.stderr!.resume();
        resolve({ child, match: m });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`${cmd} exited ${code}:\n${out}`)));
  });
}

async function main() {
  const only = process.argv.slice(2);
  const scenarios = SCENARIOS.filter((s) => only.length === 0 || only.some((o) => s.name.includes(o)));
  execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });
  const dir = mkdtempSync(join(tmpdir(), "sessionhub-bench-"));
  try {
    const bare = await start(process.execPath, ["bench/bare.mjs", "0"], {}, /listening (\d+)/);
    const bareUrl = `http://127.0.0.1:${bare.match[1]}`;
    const hub = await start(
      process.execPath,
      ["bin/sessionhub.js", "serve", "--port", "0", "--data-dir", join(dir, "data")],
      { SESSIONHUB_ADMIN_TOKEN: ADMIN_TOKEN, SESSIONHUB_LOG_LEVEL: "info" },
      /"listener":"main","url":"(http:\/\/[^"]+)"/,
    );
    const url = hub.match[1]!;
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
    };
    const loads = [];
    for (const s of scenarios) loads.push({ scenario: s, load: await s.setup(ctx) });
    const opts = (name: string) => ({ seconds: SECONDS, connections: CONNECTIONS, dir, name });
    const ceilingBefore = await measure(bareUrl, { method: "GET", path: "/" }, opts("bare-before"));
    console.log(`bare node:http: ${ceilingBefore.rps.toFixed(0)} req/s`);
    const rows: { name: string; m: Measured; compareWith?: string }[] = [];
    for (const { scenario, load } of loads) {
      const m = await measure(url, load, opts(scenario.name));
      console.log(`${scenario.name}: ${m.rps.toFixed(0)} req/s, p99 ${m.p99ms.toFixed(2)} ms, non-2xx ${m.non2xx}`);
      rows.push({ name: scenario.name, m, compareWith: scenario.compareWith });
    }
    const ceilingAfter = await measure(bareUrl, { method: "GET", path: "/" }, opts("bare-after"));
    console.log(`bare node:http (after): ${ceilingAfter.rps.toFixed(0)} req/s`);
    const ceiling = (ceilingBefore.rps + ceilingAfter.rps) / 2;
    writeResults(rows, ceilingBefore, ceilingAfter, ceiling);
  } finally {
    children.forEach((c) => c.kill("SIGTERM"));
    rmSync(dir, { recursive: true, force: true });
  }
}

function writeResults(rows: { name: string; m: Measured; compareWith?: string }[], before: Measured, after: Measured, ceiling: number) {
  const byName = new Map(rows.map((r) => [r.name, r.m]));
  const fmt = (n: number, d = 0) => n.toFixed(d);
  const lines = [
    "# Benchmark results",
    "",
    `Recorded ${new Date().toISOString()} by \`npm run bench\` on ${cpus().length} × ${cpus()[0]?.model ?? "CPU"}, Node ${process.version}.`,
    `Each row: wrk, 1 thread, ${CONNECTIONS} connections, ${SECONDS} s, on loopback, against a built sessionhub on SQLite`,
    "(request logging on, at info) and, in the same run, a bare `node:http` server returning a fixed JSON body — the ceiling,",
    `measured before (${fmt(before.rps)} req/s) and after (${fmt(after.rps)} req/s) the scenarios; the ratio uses their mean.`,
    "Server and load generator share the machine's cores, so absolute numbers are lower than on separate hosts; the ratios are the point.",
    "",
    "| scenario | req/s | p50 ms | p99 ms | non-2xx | ratio to bare node:http | ratio to its counterpart |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map(({ name, m, compareWith }) => {
      const other = compareWith ? byName.get(compareWith) : undefined;
      return `| ${name} | ${fmt(m.rps)} | ${fmt(m.p50ms, 2)} | ${fmt(m.p99ms, 2)} | ${m.non2xx} | ${fmt(m.rps / ceiling, 2)}× | ${other ? `${fmt(m.rps / other.rps, 2)}× ${compareWith}` : ""} |`;
    }),
    "",
  ];
  writeFileSync(join(ROOT, "bench", "RESULTS.md"), lines.join("\n"));
  console.log(lines.join("\n"));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

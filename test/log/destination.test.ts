import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { LogDestination } from "../../src/log/destination.js";
import { ROOT } from "../helpers/process.js";
import { until } from "../helpers/wait.js";

const lineOf = (i: number, width = 0) => `{"n":${i}${width ? `,"pad":"${"x".repeat(width)}"` : ""}}\n`;

/**
 * Runs `code` (an ES module with LogDestination, createLogger and lineOf in scope) with its
 * standard output a pipe the test does not read until the child says `queued` on standard
 * error. Resolves with all it wrote, and what it said on standard error.
 */
async function childOutput(code: string): Promise<{ out: string; said: string }> {
  const prelude = `
    import { LogDestination } from "./src/log/destination.ts";
    import { createLogger } from "./src/log/logger.ts";
    const lineOf = ${lineOf.toString()};
    process.stdout; // a pipe made non-blocking, as a server that prints to it has
  `;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", prelude + code], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  const chunks: Buffer[] = [];
  let errors = "";
  let reading = false;
  child.stderr.on("data", (d: Buffer) => {
    errors += d;
    if (!reading && errors.includes("queued")) {
      reading = true;
      child.stdout.on("data", (c: Buffer) => chunks.push(c));
    }
  });
  const code_ = await new Promise<number | null>((resolve) => child.on("close", resolve));
  assert.equal(code_, 0, errors);
  return { out: Buffer.concat(chunks).toString(), said: errors };
}

describe("the log's destination", () => {
  const dir = mkdtempSync(join(tmpdir(), "sessionhub-log-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("lines leave whole and in order, in batches; a lone line leaves within the delay, and flush says when all has left", async () => {
    const file = join(dir, "batches.log");
    const fd = openSync(file, "w");
    try {
      const destination = new LogDestination(fd, { batchChars: 200, delayMs: 20 });
      const expected = Array.from({ length: 1000 }, (_, i) => lineOf(i)).join("");
      for (let i = 0; i < 1000; i += 1) destination.write(lineOf(i));
      await until("every line in the file", () => readFileSync(file, "utf8") === expected);
      // Far below a batch: only the delay sends it. Without it, a quiet server's lines would wait for traffic.
      destination.write(lineOf(1000));
      await until("the lone line in the file", () => readFileSync(file, "utf8").endsWith(lineOf(1000)));
      for (let i = 1001; i < 1100; i += 1) destination.write(lineOf(i));
      await new Promise<void>((resolve) => destination.flush(resolve));
      assert.ok(readFileSync(file, "utf8").endsWith(lineOf(1099)), "all written when flush calls back");
    } finally {
      closeSync(fd);
    }
  });

  test("a full pipe (EAGAIN, partial writes) is waited for: nothing lost, nothing out of order", async () => {
    // The child counts the writes its output refused as full, and says "queued" (and so is
    // read from) only after the first: the test sees the pipe full for certain.
    const { out, said } = await childOutput(`
      import fs from "node:fs";
      import { syncBuiltinESMExports } from "node:module";
      const write = fs.write;
      let refused = 0;
      fs.write = (...args) => {
        const done = args.pop();
        return write(...args, (err, n) => {
          if (err?.code === "EAGAIN" && refused++ === 0) process.stderr.write("queued");
          done(err, n);
        });
      };
      syncBuiltinESMExports();
      const destination = new LogDestination(1);
      for (let i = 0; i < 20000; i += 1) destination.write(lineOf(i, 200));
      destination.flush(() => {
        process.stderr.write(" refused " + refused);
        process.exit(0);
      });
    `);
    assert.ok(Number(/refused (\d+)/.exec(said)![1]) > 0, said);
    assert.equal(out, Array.from({ length: 20000 }, (_, i) => lineOf(i, 200)).join(""));
  });

  test("what the logger still holds at exit is written before the process ends", async () => {
    const { out } = await childOutput(`
      const logger = createLogger({ logLevel: "info", logFormat: "json" });
      for (let i = 0; i < 5000; i += 1) logger.info({ n: i }, "line");
      process.stderr.write("queued");
      process.exit(0);
    `);
    const ns = out.trim().split("\n").map((l) => (JSON.parse(l) as { n: number }).n);
    assert.deepEqual(ns, Array.from({ length: 5000 }, (_, i) => i));
  });

  test("a reader that goes away (EPIPE) costs the process nothing: it neither crashes nor waits on its log", async () => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "--input-type=module",
        "-e",
        `
        import { LogDestination } from "./src/log/destination.ts";
        const destination = new LogDestination(1);
        const burst = () => { for (let i = 0; i < 1000; i += 1) destination.write("x".repeat(100) + "\\n"); };
        process.stdin.once("data", () => {
          burst();
          destination.flush(() => {
            burst();
            destination.flush(() => process.stderr.write("flushed"));
          });
        });
        `,
      ],
      { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] },
    );
    let said = "";
    child.stderr.on("data", (d: Buffer) => (said += d));
    child.stdout.destroy();
    child.stdin.end("go");
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    assert.equal(code, 0, said);
    assert.equal(said, "flushed");
  });

  test("an output that does not keep up costs bounded memory: lines over the bound are dropped and counted", async () => {
    const { out } = await childOutput(`
      const destination = new LogDestination(1, { maxPendingChars: 10000 });
      for (let i = 0; i < 5000; i += 1) destination.write(lineOf(i, 100));
      process.stderr.write("queued");
      destination.flush(() => process.exit(0));
    `);
    const lines = out.trim().split("\n").map((l) => JSON.parse(l) as { n?: number; dropped?: number; msg?: string });
    const kept = lines.filter((l) => l.n !== undefined).map((l) => l.n!);
    const note = lines.find((l) => l.msg?.startsWith("log lines dropped"));
    assert.ok(note, "a line says lines were dropped");
    assert.equal(note.dropped, 5000 - kept.length);
    assert.ok(kept.length < 5000);
    assert.deepEqual(kept, [...kept].sort((a, b) => a - b), "in order");
  });
});

#!/usr/bin/env node
// Runs every test file under test/ by name. Node 20's runner silently runs nothing for a
// quoted glob or a bare directory, so the files are listed explicitly and the run fails
// unless it reports as many passing tests as it ran, and more than zero (test-summary.mjs).
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describeSummary, summarize } from "./test-summary.mjs";

const root = new URL("..", import.meta.url).pathname;
const only = process.argv.slice(2);

function collect(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return collect(path);
    return name.endsWith(".test.ts") ? [relative(root, path)] : [];
  });
}

const files = collect(join(root, "test"))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
if (files.length === 0) {
  console.error("run-tests: no test files found");
  process.exit(1);
}
console.log(`run-tests: ${files.length} files\n  ${files.join("\n  ")}`);

const child = spawn(
  process.execPath,
  ["--import", "tsx", "--test", "--test-reporter=spec", `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`, ...files],
  { cwd: root, stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, NODE_ENV: "test" } },
);
let output = "";
child.stdout.on("data", (chunk) => {
  output += chunk;
  process.stdout.write(chunk);
});
child.on("close", (code) => {
  const summary = summarize(output);
  console.log(`\n${describeSummary(summary, files.length)}`);
  if (!(summary.tests > 0)) {
    console.error("run-tests: the runner reported no tests");
    process.exit(1);
  }
  if (code !== 0 || !summary.ok) process.exit(code || 1);
});

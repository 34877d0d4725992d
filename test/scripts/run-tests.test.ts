import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { describeSummary, summarize } from "../../scripts/test-summary.mjs";

/** What node's spec reporter prints for a file, run for real. */
function report(dir: string, name: string, source: string): string {
  const file = join(dir, name);
  writeFileSync(file, source);
  // Without NODE_TEST_CONTEXT, which would make the inner runner report to this one instead.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const run = spawnSync(process.execPath, ["--test", "--test-reporter=spec", file], { encoding: "utf8", env });
  return run.stdout + run.stderr;
}

describe("run-tests: the summary counts every test that did not pass", () => {
  const dir = mkdtempSync(join(tmpdir(), "sessionhub-run-tests-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("tests cancelled by a failing hook are failures, not '0 failed'", () => {
    const s = summarize(
      report(dir, "hook.test.mjs", `import { before, describe, test } from "node:test";
test("passes", () => {});
describe("broken", () => { before(() => { throw new Error("setup"); }); for (const n of [1, 2, 3, 4, 5]) test("t" + n, () => {}); });
`),
    );
    assert.deepEqual([s.tests, s.pass, s.failed, s.cancelled, s.ok], [6, 1, 5, 5, false]);
    assert.equal(describeSummary(s, 1), "run-tests: 6 tests in 1 files: 1 passed, 5 failed (5 cancelled), 0 skipped, 0 todo");
  });

  test("a test its file never finishes is cancelled; failures, skipped and todo tests are counted; only all passing is ok", () => {
    const s = summarize(
      report(dir, "mixed.test.mjs", `import { test } from "node:test";
test("passes", () => {});
test("fails", () => { throw new Error("x"); });
test("skipped, because it is the summary's fixture of a skipped test", (t) => t.skip("the summary's fixture"));
test("todo, because it is the summary's fixture of a todo test", (t) => t.todo("the summary's fixture"));
test("never settles", () => new Promise(() => {}));
`),
    );
    assert.deepEqual([s.tests, s.pass, s.failed, s.skipped, s.todo, s.ok], [5, 1, 2, 1, 1, false]);
    assert.ok(s.cancelled >= 1);
    assert.equal(summarize(report(dir, "good.test.mjs", `import { test } from "node:test";\ntest("a", () => {});\n`)).ok, true);
    assert.equal(summarize("no summary at all").ok, false);
  });
});

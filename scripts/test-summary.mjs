// The verdict of a test run from the closing counts of node's spec reporter
// (`ℹ tests 5`, `ℹ pass 1`, `ℹ fail 0`, `ℹ cancelled 2`, `ℹ skipped 1`, `ℹ todo 1`).
// A cancelled test — its file crashed, timed out, or a hook before it failed — did not
// pass, and node counts it apart from `fail`: here it is a failure. Skipped and todo
// tests are reported too, and a run passes only when every test it ran passed.

/** The counts of the last summary in `output`; `tests` is NaN when there is none. */
export function summarize(output) {
  const count = (name) => {
    const all = [...output.matchAll(new RegExp(`ℹ ${name} (\\d+)`, "g"))];
    return all.length > 0 ? Number(all.at(-1)[1]) : NaN;
  };
  const tests = count("tests");
  const [pass, fail, cancelled, skipped, todo] = ["pass", "fail", "cancelled", "skipped", "todo"].map((n) => count(n) || 0);
  const failed = fail + cancelled;
  return { tests, pass, failed, cancelled, skipped, todo, ok: tests > 0 && failed === 0 && pass === tests };
}

/** One line for people: how many passed, failed (cancelled among them), were skipped or left to do. */
export function describeSummary(s, files) {
  return (
    `run-tests: ${s.tests} tests in ${files} files: ${s.pass} passed, ${s.failed} failed` +
    `${s.cancelled > 0 ? ` (${s.cancelled} cancelled)` : ""}, ${s.skipped} skipped, ${s.todo} todo`
  );
}

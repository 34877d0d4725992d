import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { lines, useSas } from "./fixture.js";

const MEMORY_LINE = "ERROR: The job exceeded its memory limit of 64 MB.";
const RESTART_NOTE = "NOTE: The executor of this session was restarted; its in-memory state was lost.";

/** Contract §9.4 `memoryMb` and `stackKb` on the quickjs executor, at the default limits and a time limit far away. */
describe("sas-compute: quickjs memory and stack limits", () => {
  const sas = useSas({ sasLimits: { jobSeconds: 60, memoryMb: 64 } });
  let js: string;
  before(async () => {
    js = (await sas.create({}, "js")).href;
  });

  const log = async (job: string) => lines((await sas.alice("GET", `${job}/log`)).body);

  /** Runs code in a session holding a global, and checks the job ended at the memory limit, in time, and the runtime was replaced. */
  async function endsAtMemoryLimit(code: string): Promise<void> {
    await sas.run(js, "globalThis.kept = 1");
    // Ended by the memory limit, not the time limit: the lines it wrote say which.
    const { href, job } = await sas.run(js, code);
    assert.equal(job.state, "error", code);
    assert.equal(job.jobConditionCode, 1016, code);
    const written = await log(href);
    assert.ok(written.includes(MEMORY_LINE), `${code}: ${written.filter((l) => l.startsWith("ERROR")).join(" | ")}`);
    assert.ok(!written.some((l) => l.includes("time limit")), code);
    const next = await sas.run(js, "console.log(typeof kept)");
    assert.equal((await log(next.href))[0], RESTART_NOTE, code);
    assert.deepEqual(lines((await sas.alice("GET", `${next.href}/listing`)).body), ["undefined"]);
  }

  test("array buffers past memoryMb end the job at the limit with the memory line and 1016", async () => {
    await endsAtMemoryLimit("const keep = []; for (;;) keep.push(new Uint8Array(1 << 20))");
  });

  test("plain objects past memoryMb end the job the same way", async () => {
    await endsAtMemoryLimit("const keep = []; for (;;) keep.push({ a: 1, b: [1, 2], c: 'x' + keep.length })");
  });

  test("a guest that catches the out-of-memory error still ends at the limit", async () => {
    await endsAtMemoryLimit("const keep = []; for (;;) { try { keep.push(new Uint8Array(1 << 20)) } catch (e) {} }");
  });

  test("deep recursion is a stack overflow error in the guest (1012); the session and its globals stay", async () => {
    await sas.run(js, "globalThis.kept = 2");
    const { href, job } = await sas.run(js, "function down(n) { return down(n + 1) + 1 } down(0)");
    assert.equal(job.jobConditionCode, 1012, "an error in the guest, not the time limit (1016)");
    const errors = (await log(href)).filter((l) => l.startsWith("ERROR"));
    assert.equal(errors.length, 1, errors.join(" | "));
    assert.match(errors[0]!, /^ERROR: Uncaught (InternalError|RangeError): .*stack/i);
    const caught = await sas.run(js, "let depth = 0; function f() { depth++; f() } try { f() } catch (e) { console.log(depth > 100, kept) }");
    assert.equal(caught.job.jobConditionCode, 0);
    assert.deepEqual(lines((await sas.alice("GET", `${caught.href}/listing`)).body), ["true 2"]);
  });
});

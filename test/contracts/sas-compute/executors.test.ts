import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { liveWorkers } from "../../../src/compute/quickjs/executor.js";
import { ADMIN_TOKEN, http } from "../../helpers/server.js";
import { PROMPT_MS, until } from "../../helpers/wait.js";
import { lines, useSas } from "./fixture.js";

/** The time limit of the `jslong` context: a job there ends by another limit, or is canceled, long before it. */
const LONG_MS = 120_000;

/** Checklist items 33 (quickjs part), 42, 43 and 44: limits and the JavaScript executor. */
describe("sas-compute: executors and their limits", () => {
  const sas = useSas({ sasLimits: { jobSeconds: 2, cancelGraceMs: 1000, memoryMb: 32 } });
  let js: string;
  before(async () => {
    js = (await sas.create({}, "js")).href;
    const made = await http(sas.t.url, "POST", "/api/v1/services", {
      token: ADMIN_TOKEN,
      body: { id: "jslong", kind: "sas-compute", name: "JavaScript, more time", settings: { executor: "quickjs", limits: { jobSeconds: LONG_MS / 1000 } } },
    });
    assert.equal(made.status, 201);
  });

  const log = async (job: string) => lines((await sas.alice("GET", `${job}/log`)).body);
  const listing = async (job: string) => lines((await sas.alice("GET", `${job}/listing`)).body);
  /** How long the job ran, by the core's record. */
  const ran = async (job: string) => {
    const core = (await sas.t.server.hub.jobs.find(job.split("/").at(-1)!))!;
    return core.endedAt! - core.startedAt!;
  };
  /**
   * Ended by the 2 s limit: not before it (a timer's millisecond may round a little under
   * the clock's), and not at the end of whatever it was doing.
   */
  const assertEndedByTimeLimit = (ms: number) => assert.ok(ms >= 1990 && ms < 2000 + PROMPT_MS, `ran ${ms} ms`);

  test("42. script sleep past jobSeconds → error 1016 with the time-limit line, in time", async () => {
    const { href } = await sas.create({});
    const { href: job, job: body } = await sas.run(href, "sleep 999999");
    assertEndedByTimeLimit(await ran(job));
    assert.equal(body.state, "error");
    assert.equal(body.jobConditionCode, 1016);
    assert.ok((await log(job)).includes("ERROR: The job exceeded its time limit of 2 seconds."));
    await sas.alice("DELETE", href);
  });

  test("43. quickjs: output, persistent globals, no host objects, exceptions, the session object", async () => {
    assert.deepEqual(await listing((await sas.run(js, "console.log(1+1)")).href), ["2"]);
    await sas.run(js, "globalThis.x=5");
    assert.deepEqual(await listing((await sas.run(js, "console.log(x)")).href), ["5"]);
    for (const name of ["require", "process", "fetch", "setTimeout"]) {
      assert.deepEqual(await listing((await sas.run(js, `console.log(typeof ${name})`)).href), ["undefined"], name);
    }
    assert.deepEqual(await listing((await sas.run(js, "console.log(this.constructor.constructor('return typeof process')())")).href), ["undefined"]);
    const thrown = await sas.run(js, "throw new TypeError('x')");
    assert.equal(thrown.job.jobConditionCode, 1012);
    assert.ok((await log(thrown.href)).includes("ERROR: Uncaught TypeError: x"));
    assert.equal((await sas.run(js, "this is not javascript")).job.jobConditionCode, 1012);
    await sas.run(js, "session.setVariable('A','1'); session.html('page','<p>js</p>'); session.write('_webout','{}')");
    assert.equal((await sas.alice("GET", `${js}/variables/A`)).body.value, "1");
    const results = (await sas.alice("GET", `${js}/results?includeTypes=ODS`)).body;
    assert.equal(results.items.at(-1).name, "page.htm");
    assert.equal((await sas.alice("GET", `${js}/filerefs/_webout/content`)).text, "{}\n");
    assert.deepEqual(await listing((await sas.run(js, "console.log(session.read('nope'))")).href), ["null"]);
    const warned = await sas.run(js, "console.warn('w')");
    assert.equal(warned.job.state, "warning");
    assert.equal(warned.job.jobConditionCode, 4);
  });

  test("33. quickjs logging 100001 lines → 1016, the output-limit line, exactly 100000 lines kept", async () => {
    const { href } = await sas.create({}, "jslong");
    const job = (await sas.submit(href, "for (let i = 0; i <= 100000; i++) console.log(i)")).headers.get("location")!;
    await sas.waitState(job, (s) => s !== "pending" && s !== "running", LONG_MS);
    const body = (await sas.alice("GET", job)).body;
    assert.equal(body.jobConditionCode, 1016);
    assert.deepEqual(lines((await sas.alice("GET", `${job}/log?type=error`)).body), ["ERROR: The job exceeded its output limit of 100000 lines."]);
    assert.equal((await sas.alice("GET", `${job}/listing?limit=0`)).body.count, 100000);
    await sas.alice("DELETE", href);
  });

  test("44. runaway loop → 1016 in time while another session answers; huge allocation → memory line, restart NOTE; cancel", async () => {
    const { job: ended, href: endedHref } = await sas.run(js, "while(true){}");
    assert.equal(ended.jobConditionCode, 1016);
    assert.ok((await log(endedHref)).includes("ERROR: The job exceeded its time limit of 2 seconds."));
    assertEndedByTimeLimit(await ran(endedHref));

    // The contract's bound is 200 ms a GET; what a busy machine cannot blur is that they are
    // answered at all while the loop spins: the loop is still running after the last of them.
    const { href: long } = await sas.create({}, "jslong");
    const { href: other } = await sas.create({});
    const loop = await sas.submit(long, "while(true){}");
    const loopHref = loop.headers.get("location")!;
    await sas.waitState(loopHref, (s) => s === "running");
    for (let i = 0; i < 50; i += 1) assert.equal((await sas.alice("GET", other)).status, 200);
    assert.equal((await sas.alice("GET", `${loopHref}/state`)).text, "running");
    const c0 = Date.now();
    const canceled = await sas.alice("PUT", `${loopHref}/state?value=canceled`, { headers: { "if-match": loop.headers.get("etag")! } });
    assert.equal(canceled.text, "canceled");
    assert.ok(Date.now() - c0 < PROMPT_MS, `canceled after ${Date.now() - c0} ms`);

    // Filling 32 MB takes QuickJS longer than this server's 2 s: a context with more time.
    const { href: mem } = await sas.create({}, "jslong");
    await sas.run(mem, "globalThis.x = 1");
    const rss = process.memoryUsage().rss;
    const filling = await sas.submit(mem, "const a=[];for(;;)a.push(new Array(1e6).fill(1))");
    const oom = filling.headers.get("location")!;
    await sas.waitState(oom, (s) => s !== "pending" && s !== "running", LONG_MS);
    const oomJob = (await sas.alice("GET", oom)).body;
    assert.equal(oomJob.jobConditionCode, 1016);
    assert.ok((await log(oom)).includes("ERROR: The job exceeded its memory limit of 32 MB."));
    const next = await sas.run(mem, "console.log('fresh', typeof x)");
    assert.deepEqual(await listing(next.href), ["fresh undefined"]);
    assert.equal((await log(next.href))[0], "NOTE: The executor of this session was restarted; its in-memory state was lost.");
    assert.ok(process.memoryUsage().rss - rss < 100 * 1024 * 1024, "memory came back");
    for (const href of [other, long, mem]) await sas.alice("DELETE", href);
  });

  test("46 (workers). deleting a js session terminates its worker thread", async () => {
    const { href } = await sas.create({}, "js");
    await sas.run(href, "console.log(1)");
    const during = liveWorkers();
    assert.ok(during >= 1);
    assert.equal((await sas.alice("DELETE", href)).status, 204);
    await until("the worker to be terminated", () => liveWorkers() < during);
    assert.equal(liveWorkers(), during - 1);
  });
});

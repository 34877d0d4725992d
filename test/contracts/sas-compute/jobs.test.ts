import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { ADMIN_TOKEN, http } from "../../helpers/server.js";
import { PROMPT_MS, until } from "../../helpers/wait.js";
import { lines, useSas } from "./fixture.js";

const JOB_RELS = ["self", "state", "cancel", "delete", "log", "logAsText", "listing", "listingAsText", "results", "up"];
const terminal = (s: string) => ["completed", "warning", "error", "canceled"].includes(s);

/** Checklist items 19–28: jobs. */
describe("sas-compute: jobs", () => {
  const sas = useSas({ sasLimits: { cancelGraceMs: 500, maxQueuedJobs: 100 } });
  let session: string;
  before(async () => {
    session = (await sas.create({})).href;
  });

  test("19. execute → 201 pending with Location, ETag, sessionId, the ten links, no code", async () => {
    const r = await sas.submit(session, "print hello");
    assert.equal(r.status, 201);
    assert.equal(r.headers.get("location"), `${session}/jobs/${r.body.id}`);
    assert.ok(r.headers.get("etag"));
    assert.equal(r.body.state, "pending");
    assert.equal(r.body.sessionId, session.split("/").at(-1));
    assert.equal(r.headers.get("content-type"), "application/vnd.sas.compute.job+json;charset=utf-8;version=1");
    assert.deepEqual(r.body.links.map((l: any) => l.rel), JOB_RELS);
    assert.ok(r.body.links[2].href.endsWith("/state?value=canceled"));
    assert.equal(r.body.links[9].href, session);
    assert.equal("code" in r.body, false);
    await sas.waitState(r.headers.get("location")!, terminal);
  });

  test("20. job long poll → completed; code 0, completedTimeStamp, its log and listing", async () => {
    const r = await sas.submit(session, "print hello");
    const href = r.headers.get("location")!;
    const polled = await sas.alice("GET", `${href}/state?wait=10`, { headers: { "if-none-match": r.headers.get("etag")! } });
    assert.equal(polled.status, 200);
    assert.equal(polled.text, "completed");
    assert.notEqual(polled.headers.get("etag"), r.headers.get("etag"));
    const job = (await sas.alice("GET", href)).body;
    assert.equal(job.jobConditionCode, 0);
    assert.match(job.completedTimeStamp, /Z$/);
    assert.equal(job.logStatistics.lineCount, 3);
    assert.equal(job.listingStatistics.lineCount, 1);
    const log = (await sas.alice("GET", `${href}/log`)).body;
    assert.equal(log.name, "Job Log");
    assert.deepEqual(log.items.slice(0, 2), [{ line: lines(log)[0], type: "source", version: 1 }, { line: "hello", type: "normal", version: 1 }]);
    assert.match(lines(log)[0]!, /^\d+ +print hello$/);
    assert.match(lines(log)[2]!, /^NOTE: The job ended with condition code 0 after \d+\.\d\d seconds\.$/);
    assert.deepEqual(Object.keys(log.items[0]), ["line", "type", "version"]);
    assert.deepEqual(lines((await sas.alice("GET", `${href}/listing`)).body), ["hello"]);
  });

  test("21. request shapes: [\"\\n\"] with application/json, no code, a string, codeUri, 1.5 MiB, extra members", async () => {
    const { href } = await sas.create({});
    const nl = await sas.alice("POST", `${href}/jobs`, { body: { code: ["\n"] }, headers: { accept: "application/json" } });
    assert.equal(nl.status, 201);
    assert.equal(nl.headers.get("content-type"), "application/json;charset=utf-8");
    await sas.waitState(nl.headers.get("location")!, terminal);
    assert.equal((await sas.alice("GET", `${nl.headers.get("location")}/state`)).text, "completed");
    assert.equal(lines((await sas.alice("GET", `${nl.headers.get("location")}/log`)).body)[0], "1    ");
    for (const body of [{ code: [] }, {}]) {
      const r = await sas.alice("POST", `${href}/jobs`, { body });
      assert.equal(r.status, 400);
      assert.equal(r.body.errorCode, 5202);
      assert.equal(r.body.details[0], "The job request has no code.");
    }
    assert.equal((await sas.alice("POST", `${href}/jobs`, { body: { code: "print a" } })).status, 201);
    const uri = await sas.alice("POST", `${href}/jobs`, { body: { codeUri: "/files/x.sas" } });
    assert.equal(uri.status, 400);
    assert.equal(uri.body.errorCode, 5106);
    const big = await sas.alice("POST", `${href}/jobs`, { body: { code: ["x".repeat(1.5 * 1024 * 1024)] } });
    assert.equal(big.status, 413);
    assert.equal(big.body.errorCode, 9413);
    assert.equal((await sas.alice("POST", `${href}/jobs`, { body: { code: ["print a"], arguments: { _debug: 131 }, foo: 1, version: 2 } })).status, 201);
    await sas.alice("DELETE", href);
  });

  test("22. condition codes and states; SYSCC reset; sessionConditionCode is the maximum", async () => {
    const { href } = await sas.create({});
    const cases: [string | string[], string, number, string?][] = [
      ["warning careful", "warning", 4, "WARNING: careful"],
      ["error bad", "error", 8, "ERROR: bad"],
      ["frobnicate", "error", 8, "ERROR: Unknown statement: frobnicate."],
      ["exit 3", "warning", 3],
      [["error x", "%let syscc=0"], "completed", 0],
    ];
    for (const [code, state, cc, line] of cases) {
      const { href: job, job: body } = await sas.run(href, code);
      assert.equal(body.state, state, String(code));
      assert.equal(body.jobConditionCode, cc, String(code));
      if (line) assert.ok(lines((await sas.alice("GET", `${job}/log`)).body).includes(line), String(code));
    }
    assert.equal((await sas.alice("GET", href)).body.sessionConditionCode, 8);
    await sas.alice("DELETE", href);
  });

  test("23. FIFO: B waits for A; 20 concurrent POSTs run one at a time in creation order", async () => {
    const { href } = await sas.create({});
    // A runs until it is canceled: however slow the machine, B and the 20 are queued behind it.
    const submitted = await sas.submit(href, "sleep 30000");
    const a = submitted.headers.get("location")!;
    const b = (await sas.submit(href, "print b")).headers.get("location")!;
    await sas.waitState(a, (s) => s === "running");
    assert.equal((await sas.alice("GET", `${b}/state`)).text, "pending");
    const posts = await Promise.all(Array.from({ length: 20 }, (_, i) => sas.submit(href, [`sleep 20`, `print job${i}`])));
    assert.ok(posts.every((r) => r.status === 201));
    assert.equal((await sas.alice("GET", `${href}/state`)).text, "running");
    assert.equal((await sas.alice("PUT", `${a}/state?value=canceled`, { headers: { "if-match": submitted.headers.get("etag")! } })).status, 200);
    await sas.waitState(b, terminal);
    const jobA = (await sas.alice("GET", a)).body;
    const jobB = (await sas.alice("GET", b)).body;
    assert.ok(jobB.creationTimeStamp >= jobA.creationTimeStamp);
    const [coreA, coreB] = await Promise.all([a, b].map((h) => sas.t.server.hub.jobs.find(h.split("/").at(-1)!)));
    assert.ok(coreB!.startedAt! >= coreA!.endedAt!, "B started after A ended");
    const hrefs = posts.map((r) => r.headers.get("location")!);
    for (const h of hrefs) await sas.waitState(h, terminal);
    const jobs = await Promise.all(hrefs.map((h) => sas.t.server.hub.jobs.find(h.split("/").at(-1)!)));
    const byCreation = [coreB, ...jobs].sort((x, y) => x!.seq - y!.seq);
    for (let i = 1; i < byCreation.length; i += 1) assert.ok(byCreation[i]!.startedAt! >= byCreation[i - 1]!.endedAt!, "one at a time, in order");
    await until("the session to become idle", async () => (await sas.alice("GET", `${href}/state`)).text === "idle");
    await sas.alice("DELETE", href);
  });

  test("24. job cancel with the 201 ETag → canceled, idempotent; 409 and 412 on a completed job", async () => {
    const { href } = await sas.create({});
    const r = await sas.submit(href, "sleep 30000");
    const job = r.headers.get("location")!;
    const tag = r.headers.get("etag")!;
    await sas.waitState(job, (s) => s === "running");
    const t0 = Date.now();
    const c = await sas.alice("PUT", `${job}/state?value=canceled`, { headers: { "if-match": tag } });
    assert.equal(c.status, 200);
    assert.equal(c.text, "canceled");
    assert.ok(Date.now() - t0 < PROMPT_MS, "at once, not at the end of the sleep");
    assert.equal((await sas.alice("GET", `${href}/state`)).text, "idle");
    const again = await sas.alice("PUT", `${job}/state?value=canceled`, { headers: { "if-match": c.headers.get("etag")! } });
    assert.equal(again.status, 200);
    assert.equal(again.text, "canceled");
    const done = await sas.submit(href, "print x");
    const doneHref = done.headers.get("location")!;
    await sas.waitState(doneHref, terminal);
    const current = (await sas.alice("GET", `${doneHref}/state`)).headers.get("etag")!;
    const conflict = await sas.alice("PUT", `${doneHref}/state?value=canceled`, { headers: { "if-match": current } });
    assert.equal(conflict.status, 409);
    assert.equal(conflict.body.errorCode, 9409);
    assert.equal(conflict.body.details[0], "The job has already ended (completed).");
    const old = await sas.alice("PUT", `${doneHref}/state?value=canceled`, { headers: { "if-match": done.headers.get("etag")! } });
    assert.equal(old.status, 412);
    await sas.alice("DELETE", href);
  });

  test("25. saspy's habit: a pending-time ETag holds while the job runs, releases at its end, and cancels", async () => {
    const { href } = await sas.create({});
    const t0 = Date.now();
    await sas.submit(href, "sleep 700");
    const queued = await sas.submit(href, "sleep 300");
    const job = queued.headers.get("location")!;
    const tag = (await sas.alice("GET", `${job}/state`)).headers.get("etag")!;
    assert.equal(tag, queued.headers.get("etag"));
    const polled = await sas.alice("GET", `${job}/state?wait=30`, { headers: { "if-none-match": tag } });
    assert.equal(polled.status, 200);
    assert.equal(polled.text, "completed", "held while pending and running");
    // Both sleeps, at the least: on a busy machine a poll can only be sent later, and so held less.
    assert.ok(Date.now() - t0 >= 1000, `answered ${Date.now() - t0} ms after the submissions`);
    const long = await sas.submit(href, ["sleep 400", "sleep 30000"]);
    const longHref = long.headers.get("location")!;
    await sas.waitState(longHref, (s) => s === "running");
    const c = await sas.alice("PUT", `${longHref}/state?value=canceled`, { headers: { "if-match": long.headers.get("etag")! } });
    assert.equal(c.status, 200);
    assert.equal(c.text, "canceled");
    await sas.alice("DELETE", href);
  });

  test("26. DELETE a terminal job → 204, GET 404 9404, its lines stay in the session; DELETE a running job → canceled, 204", async () => {
    const { href } = await sas.create({});
    const { href: job } = await sas.run(href, ["print kept", "html r '<p>kept</p>'"]);
    assert.equal((await sas.alice("DELETE", job)).status, 204);
    const gone = await sas.alice("GET", job);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.errorCode, 9404);
    assert.ok(lines((await sas.alice("GET", `${href}/listing`)).body).includes("kept"));
    assert.equal((await sas.alice("GET", `${href}/results`)).body.count, 1);
    const running = (await sas.submit(href, "sleep 30000")).headers.get("location")!;
    await sas.waitState(running, (s) => s === "running");
    const jobId = running.split("/").at(-1)!;
    assert.equal((await sas.alice("DELETE", running)).status, 204);
    assert.equal((await sas.alice("GET", running)).status, 404);
    assert.equal(await sas.t.server.hub.jobs.find(jobId), null);
    assert.match(lines((await sas.alice("GET", `${href}/log`)).body).at(-1)!, /^NOTE: The job was canceled after/);
    await sas.alice("DELETE", href);
  });

  test("27. code off → 403 9410 (GET and filerefs work); a public session of another's → 403 9403", async () => {
    const { href } = await sas.create({}, "off");
    const r = await sas.submit(href, "print x");
    assert.equal(r.status, 403);
    assert.equal(r.body.errorCode, 9410);
    assert.equal(r.body.details[0], 'Code execution is not enabled in compute context "Code off context".');
    assert.equal((await sas.alice("GET", href)).status, 200);
    assert.equal((await sas.alice("POST", `${href}/filerefs`, { body: { name: "f", path: "/f.txt" } })).status, 201);
    await sas.alice("DELETE", href);

    const native = await http(sas.t.url, "POST", "/api/v1/sessions", { token: sas.tokens.alice, body: { serviceId: "sas-job-execution", visibility: "public" } });
    assert.equal(native.status, 201);
    const pub = `/compute/sessions/${native.body.id}-ses0000`;
    const bob = sas.as(sas.tokens.bob);
    assert.equal((await bob("GET", pub)).status, 200);
    const tag = (await bob("GET", `${pub}/state`)).headers.get("etag")!;
    for (const attempt of [bob("POST", `${pub}/jobs`, { body: { code: ["print x"] } }), bob("PUT", `${pub}/state?value=canceled`, { headers: { "if-match": tag } }), bob("DELETE", pub)]) {
      const a = await attempt;
      assert.equal(a.status, 403);
      assert.equal(a.body.errorCode, 9403);
    }
    await http(sas.t.url, "DELETE", `/api/v1/sessions/${native.body.id}`, { token: ADMIN_TOKEN });
  });

  test("28. job variables, &NAME. resolution, the variables resource and its text form, automatic ones", async () => {
    const { href } = await sas.create({});
    const { href: job } = await sas.run(href, "print &_SASPROGRAMDIR.", { variables: { _SASPROGRAMDIR: "/x" } });
    assert.deepEqual(lines((await sas.alice("GET", `${job}/listing`)).body), ["/x"]);
    const v = await sas.alice("GET", `${href}/variables/_sasprogramdir`);
    assert.equal(v.status, 200);
    assert.deepEqual({ ...v.body, links: undefined }, { version: 1, name: "_SASPROGRAMDIR", value: "/x", scope: "GLOBAL", links: undefined });
    const text = await sas.alice("GET", `${href}/variables/_sasprogramdir`, { headers: { accept: "text/plain" } });
    assert.equal(text.text, "/x");
    assert.match((await sas.alice("GET", `${href}/variables/SYSJOBID`)).body.value, /^\d+$/);
    await sas.run(href, "warning w");
    assert.equal((await sas.alice("GET", `${href}/variables/SYSCC`)).body.value, "4");
    const unknown = await sas.alice("GET", `${href}/variables/NOPE`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.errorCode, 9404);
    await sas.alice("DELETE", href);
  });
});

describe("sas-compute: queue limit", () => {
  const sas = useSas({ sasLimits: { maxQueuedJobs: 3, cancelGraceMs: 300 } });

  test("27. maxQueuedJobs 3 with one running and three pending → 429 9429", async () => {
    const { href } = await sas.create({});
    const running = (await sas.submit(href, "sleep 30000")).headers.get("location")!;
    await sas.waitState(running, (s) => s === "running");
    for (let i = 0; i < 3; i += 1) assert.equal((await sas.submit(href, "print x")).status, 201);
    const full = await sas.submit(href, "print x");
    assert.equal(full.status, 429);
    assert.equal(full.body.errorCode, 9429);
    assert.equal(full.body.details[0], "The job queue of this session is full (3 jobs).");
    await sas.alice("DELETE", href);
  });
});

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PROMPT_MS, until } from "../../helpers/wait.js";
import { lines, useSas } from "./fixture.js";

/** Checklist items 14–18: state, ETags, long polls, cancel, delete. */
describe("sas-compute: state, ETags, cancel, delete", () => {
  const sas = useSas({ sasLimits: { cancelGraceMs: 500, maxWaitSeconds: 5 } });

  test("14. state is the bare word with the session's ETag", async () => {
    const { href } = await sas.create({});
    const state = await sas.alice("GET", `${href}/state`);
    assert.equal(state.status, 200);
    assert.equal(state.text, "idle");
    assert.equal(Buffer.byteLength(state.text), 4);
    assert.equal(state.headers.get("content-type"), "text/plain;charset=utf-8");
    const session = await sas.alice("GET", href);
    assert.equal(state.headers.get("etag"), session.headers.get("etag"));
    assert.equal(state.headers.get("cache-control"), "no-cache");
    await sas.alice("DELETE", href);
  });

  test("15. long polls: hold and 304, clamp, no If-None-Match, stale tag, no wait, release on start", async () => {
    const { href } = await sas.create({});
    const tag = (await sas.alice("GET", `${href}/state`)).headers.get("etag")!;
    // Lower bounds are exact (a hold cannot end early); upper bounds only tell a hold that
    // ends from one that does not, or a prompt answer from the 5 s a hold would take.
    const MAX_WAIT_MS = 5000;
    let t0 = Date.now();
    const held = await sas.alice("GET", `${href}/state?wait=2`, { headers: { "if-none-match": tag } });
    let took = Date.now() - t0;
    assert.equal(held.status, 304);
    assert.equal(held.text, "");
    assert.equal(held.headers.get("etag"), null);
    assert.ok(took >= 1990 && took < MAX_WAIT_MS, `held ${took} ms`);
    t0 = Date.now();
    const clamped = await sas.alice("GET", `${href}/state?wait=100`, { headers: { "if-none-match": tag } });
    took = Date.now() - t0;
    assert.equal(clamped.status, 304);
    assert.ok(took >= MAX_WAIT_MS - 10 && took < MAX_WAIT_MS + PROMPT_MS, `clamped to maxWaitSeconds: ${took} ms`);
    t0 = Date.now();
    const alone = await sas.alice("GET", `${href}/state?wait=30`);
    assert.equal(alone.status, 200);
    assert.ok(Date.now() - t0 < MAX_WAIT_MS - 1000, `answered after ${Date.now() - t0} ms`);
    const staleTag = await sas.alice("GET", `${href}/state?wait=30`, { headers: { "if-none-match": '"stale"' } });
    assert.equal(staleTag.status, 200);
    assert.equal(staleTag.text, "idle");
    t0 = Date.now();
    const noWait = await sas.alice("GET", `${href}/state`, { headers: { "if-none-match": tag } });
    assert.equal(noWait.status, 304);
    assert.ok(Date.now() - t0 < MAX_WAIT_MS - 1000, `answered after ${Date.now() - t0} ms`);
    const star = await sas.alice("GET", `${href}/state`, { headers: { "if-none-match": "*" } });
    assert.equal(star.status, 304);
    // A held poll listens on the bus: the job is submitted once it does.
    const listening = sas.t.server.hub.bus.size;
    const poll = sas.alice("GET", `${href}/state?wait=100`, { headers: { "if-none-match": tag } });
    await until("the poll to be held", () => sas.t.server.hub.bus.size > listening);
    const submitted = Date.now();
    const job = await sas.submit(href, "sleep 500");
    assert.equal(job.status, 201);
    const released = await poll;
    assert.equal(released.status, 200);
    assert.equal(released.text, "running");
    assert.notEqual(released.headers.get("etag"), tag);
    assert.ok(Date.now() - submitted < MAX_WAIT_MS - 1000, `released ${Date.now() - submitted} ms after the submission`);
    await sas.waitState(job.headers.get("location")!, (s) => s === "completed");
    await sas.alice("DELETE", href);
  });

  test("16. PUT state: 428, 412, 400 5006, then cancel of an idle jobless session changes nothing", async () => {
    const { href } = await sas.create({});
    const tag = (await sas.alice("GET", `${href}/state`)).headers.get("etag")!;
    const missing = await sas.alice("PUT", `${href}/state?value=canceled`);
    assert.equal(missing.status, 428);
    assert.equal(missing.body.errorCode, 5033);
    const staleTag = await sas.alice("PUT", `${href}/state?value=canceled`, { headers: { "if-match": '"old"' } });
    assert.equal(staleTag.status, 412);
    assert.equal(staleTag.body.errorCode, 9412);
    for (const q of ["value=bogus", "value=canceled&state=deleted"]) {
      const bad = await sas.alice("PUT", `${href}/state?${q}`, { headers: { "if-match": tag } });
      assert.equal(bad.status, 400, q);
      assert.equal(bad.body.errorCode, 5006);
    }
    for (const headers of [{}, { "content-type": "text/plain" }, { "content-type": "application/json" }] as Record<string, string>[]) {
      const ok = await sas.alice("PUT", `${href}/state?state=canceled`, { headers: { "if-match": tag, ...headers }, raw: Buffer.alloc(0) });
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.text, "canceled");
      assert.equal(ok.headers.get("etag"), tag);
    }
    assert.equal((await sas.alice("GET", `${href}/state`)).text, "idle");
    await sas.alice("DELETE", href);
  });

  test("17. session cancel: the running job and two queued ones end canceled; session idle", async () => {
    const { href } = await sas.create({});
    const a = (await sas.submit(href, "sleep 30000")).headers.get("location")!;
    const b = (await sas.submit(href, "print b")).headers.get("location")!;
    const c = (await sas.submit(href, "print c")).headers.get("location")!;
    await sas.waitState(a, (s) => s === "running");
    const tag = (await sas.alice("GET", `${href}/state`)).headers.get("etag")!;
    const t0 = Date.now();
    const r = await sas.alice("PUT", `${href}/state?state=canceled`, { headers: { "if-match": tag } });
    assert.equal(r.status, 200);
    assert.equal(r.text, "canceled");
    assert.ok(Date.now() - t0 < PROMPT_MS, `answered after ${Date.now() - t0} ms, not at the end of the sleep`);
    for (const job of [a, b, c]) assert.equal((await sas.alice("GET", `${job}/state`)).text, "canceled");
    assert.equal((await sas.alice("GET", `${href}/state`)).text, "idle");
    assert.match(lines((await sas.alice("GET", `${a}/log`)).body).at(-1)!, /^NOTE: The job was canceled after \d+\.\d\d seconds\.$/);
    for (const job of [b, c]) assert.equal((await sas.alice("GET", `${job}/log`)).body.count, 0);
    await sas.alice("DELETE", href);
  });

  test("18. DELETE (stale If-Match ignored) → 204, then 404 5837 everywhere; concurrent DELETEs; PUT deleted", async () => {
    const { href } = await sas.create({});
    const { href: job } = await sas.run(href, "print x");
    const del = await sas.alice("DELETE", href, { headers: { "if-match": '"stale"' } });
    assert.equal(del.status, 204);
    for (const path of [href, `${href}/state`, `${href}/log`, `${href}/jobs`, job, `${href}/filerefs`, `${href}/data`, `${href}/results`]) {
      const r = await sas.alice("GET", path);
      assert.equal(r.status, 404, path);
      assert.equal(r.body.errorCode, 5837, path);
    }
    assert.equal((await sas.alice("DELETE", href)).status, 404);

    const { href: twice } = await sas.create({});
    const ended: unknown[] = [];
    const off = sas.t.server.hub.bus.subscribe((events) => ended.push(...events.filter((e) => e.type === "session.ended" && twice.includes(e.sessionId!))));
    const both = await Promise.all([sas.alice("DELETE", twice), sas.alice("DELETE", twice)]);
    off();
    assert.deepEqual(both.map((r) => r.status).sort(), [204, 404]);
    assert.equal(ended.length, 1);

    const { href: third } = await sas.create({});
    const tag = (await sas.alice("GET", `${third}/state`)).headers.get("etag")!;
    const put = await sas.alice("PUT", `${third}/state?value=deleted`, { headers: { "if-match": tag } });
    assert.equal(put.status, 200);
    assert.equal(put.text, "deleted");
    assert.equal(put.headers.get("etag"), null);
    assert.equal((await sas.alice("GET", third)).status, 404);
    assert.equal((await sas.alice("GET", `${third}/log`)).status, 404);
  });

  test("If-Match compares strongly (a weak tag never matches); If-None-Match weakly", async () => {
    const { href } = await sas.create({});
    const tag = (await sas.alice("GET", `${href}/state`)).headers.get("etag")!;
    const weak = await sas.alice("PUT", `${href}/state?value=deleted`, { headers: { "if-match": `W/${tag}` } });
    assert.equal(weak.status, 412);
    assert.equal(weak.headers.get("content-type"), "application/vnd.sas.error+json;charset=utf-8;version=2");
    assert.equal(weak.body.errorCode, 9412);
    assert.equal((await sas.alice("GET", `${href}/state`)).text, "idle", "the session is still there");
    const listed = await sas.alice("PUT", `${href}/state?value=canceled`, { headers: { "if-match": `W/${tag}, ${tag}` } });
    assert.equal(listed.status, 200, "a strong tag in the list matches");
    const held = await sas.alice("GET", `${href}/state?wait=0`, { headers: { "if-none-match": `W/${tag}` } });
    assert.equal(held.status, 304, "If-None-Match: a weak tag matches");
    await sas.alice("DELETE", href);
  });
});

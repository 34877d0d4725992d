import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ADMIN_TOKEN, http } from "../../helpers/server.js";
import { lines, useSas } from "./fixture.js";

/** Numbers a client sends, at their extremes: clamped where the contract clamps, refused where it refuses, never a 500 or a timer that fires at once. */
describe("sas-compute: numbers at their extremes", () => {
  const sas = useSas({ sasLimits: { maxInactiveSeconds: 0, maxWaitSeconds: 1 } });

  test("an uncapped sessionInactiveTimeout beyond a year is a year; the session reads back", async () => {
    for (const given of [1e300, "99999999999999999999", 31_536_001]) {
      const { href, body } = await sas.create({ attributes: { sessionInactiveTimeout: given } });
      assert.equal(body.attributes.sessionInactiveTimeout, 31_536_000, String(given));
      const read = await sas.alice("GET", href);
      assert.equal(read.status, 200, read.text);
      await sas.alice("DELETE", href);
    }
  });

  test("paging beyond any integer and waits beyond maxWaitSeconds are clamped (contract §4)", async () => {
    const huge = "99999999999999999999";
    const list = await sas.alice("GET", `/compute/sessions?start=${huge}&limit=${huge}`);
    assert.equal(list.status, 200, list.text);
    assert.deepEqual([list.body.start, list.body.limit], [0, 10_000]);
    const { href } = await sas.create({});
    const log = await sas.alice("GET", `${href}/log?start=9007199254740991&limit=5`);
    assert.equal(log.status, 200, log.text);
    assert.deepEqual([log.body.start, log.body.items], [9007199254740991, []]);
    const tag = (await sas.alice("GET", `${href}/state`)).headers.get("etag")!;
    const t0 = Date.now();
    const held = await sas.alice("GET", `${href}/state?wait=${huge}`, { headers: { "if-none-match": tag } });
    assert.equal(held.status, 304);
    assert.ok(Date.now() - t0 >= 900, `held ${Date.now() - t0} ms: the wait was clamped to 1 s, not fired at once`);
    await sas.alice("DELETE", href);
  });

  test("a context's limits beyond their maximum → 400 naming the limit; a sleep beyond any timer waits for the time limit", async () => {
    const settings = (limits: Record<string, number>) => ({ id: `ctx-${Object.keys(limits)[0]!.toLowerCase()}`, kind: "sas-compute", settings: { executor: "script", limits } });
    const beyond: Record<string, number>[] = [{ jobSeconds: 1e12 }, { maxWaitSeconds: 1e9 }, { stackKb: 8192 }, { memoryMb: 1e6 }];
    for (const limits of beyond) {
      const r = await http(sas.t.url, "POST", "/api/v1/services", { token: ADMIN_TOKEN, body: settings(limits) });
      assert.equal(r.status, 400, r.text);
      assert.equal(r.body.errors[0].pointer, `/settings/limits/${Object.keys(limits)[0]}`);
    }
    const made = await http(sas.t.url, "POST", "/api/v1/services", { token: ADMIN_TOKEN, body: settings({ jobSeconds: 1 }) });
    assert.equal(made.status, 201, made.text);
    const { href } = await sas.create({}, made.body.id);
    const t0 = Date.now();
    const { href: job, job: body } = await sas.run(href, "sleep 99999999999999");
    assert.ok(Date.now() - t0 >= 900, `ended after ${Date.now() - t0} ms`);
    assert.equal(body.jobConditionCode, 1016);
    assert.ok(lines((await sas.alice("GET", `${job}/log`)).body).includes("ERROR: The job exceeded its time limit of 1 seconds."));
    await sas.alice("DELETE", href);
  });
});

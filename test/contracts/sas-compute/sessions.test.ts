import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PROMPT_MS } from "../../helpers/wait.js";
import { useSas } from "./fixture.js";

const TS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const ROOT = {
  version: 1,
  links: [
    { method: "GET", rel: "contexts", href: "/compute/contexts", uri: "/compute/contexts", type: "application/vnd.sas.collection", itemType: "application/vnd.sas.compute.context.summary" },
    { method: "GET", rel: "sessions", href: "/compute/sessions", uri: "/compute/sessions", type: "application/vnd.sas.collection", itemType: "application/vnd.sas.compute.session.summary" },
  ],
};

/** Checklist items 1–4 and 7–12: root, contexts, creating and listing sessions. */
describe("sas-compute: root, contexts, sessions", () => {
  const sas = useSas({ sasLimits: { createWaitSeconds: 5 } });

  test("1. root at /compute/ and /compute, restaf's Accept, HEAD without a body", async () => {
    for (const path of ["/compute/", "/compute"]) {
      const r = await sas.alice("GET", path);
      assert.equal(r.status, 200);
      assert.equal(r.headers.get("content-type"), "application/vnd.sas.api+json;charset=utf-8;version=1");
      assert.deepEqual(r.body, ROOT);
    }
    const restaf = await sas.alice("GET", "/compute/", { headers: { accept: "application/json, application/vnd.sas.api+json" } });
    assert.equal(restaf.headers.get("content-type"), "application/vnd.sas.api+json;charset=utf-8;version=1");
    assert.deepEqual(restaf.body, ROOT);
    const head = await sas.alice("HEAD", "/compute/");
    assert.equal(head.status, 200);
    assert.equal(head.text, "");
  });

  test("2. contexts: four summaries, filters, limit clamp, full items, one context, unknown → 404 9404", async () => {
    const list = await sas.alice("GET", "/compute/contexts");
    assert.equal(list.status, 200);
    assert.equal(list.body.count, 4);
    assert.deepEqual(list.body.items.map((c: any) => c.name), ["Code off context", "JavaScript compute context", "SAS Job Execution compute context", "Script language context"]);
    const builtIn = list.body.items.find((c: any) => c.id === "sas-job-execution");
    assert.deepEqual(Object.keys(builtIn), ["version", "id", "name", "createdBy", "links"]);
    assert.deepEqual(builtIn.links[1], {
      method: "POST",
      rel: "createSession",
      href: "/compute/contexts/sas-job-execution/sessions",
      uri: "/compute/contexts/sas-job-execution/sessions",
      type: "application/vnd.sas.compute.session.request",
      responseType: "application/vnd.sas.compute.session",
    });
    for (const filter of ["contains(name,'SAS Job Execution compute context')", "eq(name,'SAS Job Execution compute context')", 'eq(name, "SAS Job Execution compute context")']) {
      const r = await sas.alice("GET", `/compute/contexts?filter=${encodeURIComponent(filter)}`);
      assert.equal(r.status, 200, filter);
      assert.equal(r.body.count, 1, filter);
      assert.equal(r.body.items[0].id, "sas-job-execution");
    }
    assert.equal((await sas.alice("GET", "/compute/contexts?limit=999999")).body.limit, 10000);
    const full = await sas.alice("GET", "/compute/contexts", { headers: { "accept-item": "application/vnd.sas.compute.context+json" } });
    assert.equal(full.body.accept, "application/vnd.sas.compute.context");
    assert.equal(full.body.items.length, 4);
    assert.equal(full.body.items.find((c: any) => c.id === "sas-job-execution").attributes.executor, "sas");
    assert.ok(full.body.items.every((c: any) => c.launchType === "service" && typeof c.creationTimeStamp === "string"));
    const js = await sas.alice("GET", "/compute/contexts/js");
    assert.equal(js.status, 200);
    assert.equal(js.body.attributes.executor, "quickjs");
    assert.equal(js.headers.get("content-type"), "application/vnd.sas.compute.context+json;charset=utf-8;version=2");
    const nope = await sas.alice("GET", "/compute/contexts/nope");
    assert.equal(nope.status, 404);
    assert.equal(nope.body.errorCode, 9404);
    assert.equal(nope.body.details[0], 'Context "nope" was not found.');
  });

  test("3. malformed filters → 400 1104, doubled quotes, bad sortBy → 400 5028", async () => {
    for (const filter of ["eq(name,'O'Brien')", "bogus(name,x)", "eq(password,x)"]) {
      const r = await sas.alice("GET", `/compute/contexts?filter=${encodeURIComponent(filter)}`);
      assert.equal(r.status, 400, filter);
      assert.equal(r.body.errorCode, 1104);
      assert.equal(r.body.details[0], `Invalid filter: ${filter}`);
    }
    const doubled = await sas.alice("GET", `/compute/contexts?filter=${encodeURIComponent("eq(name,'O''Brien')")}`);
    assert.equal(doubled.status, 200);
    assert.equal(doubled.body.count, 0);
    const sort = await sas.alice("GET", "/compute/contexts?sortBy=name:sideways");
    assert.equal(sort.status, 400);
    assert.equal(sort.body.errorCode, 5028);
    assert.equal(sort.body.details[0], "Invalid sortBy: name:sideways");
  });

  test("4. create {} → 201 idle with Location, ETag, serverId, default timeout, no name", async () => {
    const r = await sas.alice("POST", "/compute/contexts/sas-job-execution/sessions", { body: {} });
    assert.equal(r.status, 201);
    assert.match(r.headers.get("location")!, /^\/compute\/sessions\/[0-9a-f-]{36}-ses0000$/);
    assert.equal(r.headers.get("location"), `/compute/sessions/${r.body.id}`);
    assert.match(r.body.id, /^[0-9a-f-]{36}-ses0000$/);
    assert.match(r.headers.get("etag")!, /^".+"$/);
    assert.equal(r.headers.get("etag"), (await sas.alice("GET", r.headers.get("location")!)).headers.get("etag"));
    assert.equal(r.body.state, "idle");
    assert.equal(r.body.serverId, sas.t.server.nodeId);
    assert.deepEqual(r.body.attributes, { sessionInactiveTimeout: 900 });
    assert.equal("name" in r.body, false);
    assert.equal("description" in r.body, false);
    assert.match(r.body.creationTimeStamp, TS);
    assert.match(r.body.logStatistics.modifiedTimeStamp, TS);
    await sas.alice("DELETE", r.headers.get("location")!);
  });

  test("7. bodies: none, null, {} without Content-Type → 201; bad types → 5010; text/csv → 415; 2 MiB → 413", async () => {
    const path = "/compute/contexts/sas-job-execution/sessions";
    const made: string[] = [];
    for (const opts of [{}, { raw: "null", headers: { "content-type": "application/json" } }, { raw: Buffer.from("{}") }]) {
      const r = await sas.alice("POST", path, opts);
      assert.equal(r.status, 201, r.text);
      made.push(r.headers.get("location")!);
    }
    for (const body of [{ name: 5 }, { name: "x".repeat(101) }]) {
      const r = await sas.alice("POST", path, { body });
      assert.equal(r.status, 400);
      assert.equal(r.body.errorCode, 5010);
    }
    const csv = await sas.alice("POST", path, { raw: "a,b", headers: { "content-type": "text/csv" } });
    assert.equal(csv.status, 415);
    assert.equal(csv.body.errorCode, 9415);
    const big = await sas.alice("POST", path, { raw: JSON.stringify({ name: "x".repeat(2 * 1024 * 1024) }), headers: { "content-type": "application/json" } });
    assert.equal(big.status, 413);
    assert.equal(big.body.errorCode, 9413);
    for (const href of made) assert.equal((await sas.alice("DELETE", href)).status, 204);
  });

  test("8. summary Accept → 3 links; application/json → full body; text/csv → 406 1005 with remediation", async () => {
    const { href } = await sas.create({ name: "eight" });
    const summary = await sas.alice("GET", href, { headers: { accept: "application/vnd.sas.compute.session.summary+json" } });
    assert.equal(summary.status, 200);
    assert.deepEqual(Object.keys(summary.body), ["id", "name", "owner", "version", "links"]);
    assert.deepEqual(summary.body.links.map((l: any) => l.rel), ["self", "alternate", "delete"]);
    const json = await sas.alice("GET", href, { headers: { accept: "application/json" } });
    assert.equal(json.headers.get("content-type"), "application/json;charset=utf-8");
    assert.equal(json.body.links.length, 17);
    const csv = await sas.alice("GET", href, { headers: { accept: "text/csv" } });
    assert.equal(csv.status, 406);
    assert.equal(csv.body.errorCode, 1005);
    assert.match(csv.body.remediation, /^Use one of these media types: /);
    await sas.alice("DELETE", href);
  });

  test("9. session lists follow the access policy; id and state filters; full items", async () => {
    const mine = await sas.create({});
    const ops = await sas.create({}, "sas-job-execution", sas.tokens.ops);
    const aliceList = await sas.alice("GET", "/compute/sessions?limit=100");
    assert.ok(aliceList.body.items.every((s: any) => s.owner === "alice"));
    assert.ok(aliceList.body.items.some((s: any) => s.id === mine.body.id));
    const opsList = await sas.as(sas.tokens.ops)("GET", "/compute/sessions?limit=100");
    assert.ok(opsList.body.items.some((s: any) => s.id === mine.body.id));
    assert.ok(opsList.body.items.some((s: any) => s.id === ops.body.id));
    for (const filter of [`eq(id,'${mine.body.id}')`, `eq( id,'${mine.body.id}')`]) {
      const r = await sas.alice("GET", `/compute/sessions?filter=${encodeURIComponent(filter)}`);
      assert.equal(r.status, 200);
      assert.equal(r.body.count, 1);
      assert.equal(r.body.items[0].id, mine.body.id);
    }
    const idle = await sas.alice("GET", `/compute/sessions?filter=${encodeURIComponent("eq(state,'idle')")}&limit=100`);
    assert.ok(idle.body.items.some((s: any) => s.id === mine.body.id));
    assert.equal((await sas.alice("GET", `/compute/sessions?filter=${encodeURIComponent("eq(state,'running')")}`)).body.count, 0);
    const full = await sas.alice("GET", "/compute/sessions?limit=100", { headers: { "accept-item": "application/vnd.sas.compute.session+json" } });
    assert.ok(full.body.items.some((s: any) => s.id === mine.body.id));
    assert.ok(full.body.items.every((s: any) => s.serviceAPIVersion === 4 && s.links.length === 17));
    await sas.alice("DELETE", mine.href);
    await sas.as(sas.tokens.ops)("DELETE", ops.href);
  });

  test("10. bob on alice's session → 404 5837 everywhere; made-up ids", async () => {
    const { href, etag } = await sas.create({});
    const bob = sas.as(sas.tokens.bob);
    const attempts = [
      bob("GET", href),
      bob("GET", `${href}/state`),
      bob("GET", `${href}/log`),
      bob("GET", `${href}/jobs`),
      bob("POST", `${href}/jobs`, { body: { code: ["print x"] } }),
      bob("PUT", `${href}/state?value=canceled`, { headers: { "if-match": etag } }),
      bob("DELETE", href),
    ];
    for (const r of await Promise.all(attempts)) {
      assert.equal(r.status, 404);
      assert.equal(r.body.errorCode, 5837);
    }
    assert.ok(!(await bob("GET", "/compute/sessions?limit=1000")).body.items.some((s: any) => href.endsWith(s.id)));
    const madeUp = await bob("GET", "/compute/sessions/made-up-ses0000");
    assert.equal(madeUp.status, 404);
    assert.equal(madeUp.body.errorCode, 5837);
    assert.equal(madeUp.body.details[0], 'Session "made-up-ses0000" was not found.');
    assert.equal(madeUp.body.details[1], "path: /compute/sessions/made-up-ses0000");
    assert.equal(madeUp.headers.get("content-type"), "application/vnd.sas.error+json;charset=utf-8;version=2");
    assert.deepEqual(Object.keys(madeUp.body), ["version", "httpStatusCode", "errorCode", "message", "details"]);
    await sas.alice("DELETE", href);
  });

  test("11. 8 concurrent creates → 5 × 201, 3 × 429 9429; ops still creates", async () => {
    const path = "/compute/contexts/sas-job-execution/sessions";
    const answers = await Promise.all(Array.from({ length: 8 }, () => sas.alice("POST", path, { body: {} })));
    assert.equal(answers.filter((r) => r.status === 201).length, 5);
    const refused = answers.filter((r) => r.status === 429);
    assert.equal(refused.length, 3);
    assert.ok(refused.every((r) => r.body.errorCode === 9429 && r.body.details[0] === "User alice already has 5 compute sessions."));
    const ops = await sas.as(sas.tokens.ops)("POST", path, { body: {} });
    assert.equal(ops.status, 201);
    assert.equal((await sas.alice("GET", "/compute/sessions")).body.count, 5);
    for (const r of answers.filter((a) => a.status === 201)) assert.equal((await sas.alice("DELETE", r.headers.get("location")!)).status, 204);
    await sas.as(sas.tokens.ops)("DELETE", ops.headers.get("location")!);
  });

  test("12. sessionInactiveTimeout: explicit, negative or absent, 0 capped", async () => {
    const cases: [unknown, number][] = [[7200, 7200], [-1, 900], [undefined, 900], [0, 86400], ["120", 120]];
    for (const [given, expected] of cases) {
      const { href, body } = await sas.create(given === undefined ? {} : { attributes: { sessionInactiveTimeout: given } });
      assert.equal(body.attributes.sessionInactiveTimeout, expected, String(given));
      await sas.alice("DELETE", href);
    }
  });
});

describe("sas-compute: totals and uncapped timeouts", () => {
  const sas = useSas({ sasLimits: { maxInactiveSeconds: 0, sessionsTotal: 2 } });

  test("12. with maxInactiveSeconds 0, a timeout of 0 stays 0 (never)", async () => {
    const { href, body } = await sas.create({ attributes: { sessionInactiveTimeout: 0 } });
    assert.equal(body.attributes.sessionInactiveTimeout, 0);
    await sas.alice("DELETE", href);
  });

  test("11. sessionsTotal: concurrent creates by several users → exactly the total", async () => {
    const path = "/compute/contexts/sas-job-execution/sessions";
    const callers = [sas.tokens.alice, sas.tokens.bob, sas.tokens.ops, sas.tokens.alice];
    const answers = await Promise.all(callers.map((tok) => sas.as(tok)("POST", path, { body: {} })));
    assert.equal(answers.filter((r) => r.status === 201).length, 2);
    const refused = answers.filter((r) => r.status === 429);
    assert.equal(refused.length, 2);
    assert.ok(refused.every((r) => r.body.details[0] === "The server already has 2 compute sessions."));
    for (const r of answers.filter((a) => a.status === 201)) assert.equal((await sas.as(sas.tokens.ops)("DELETE", r.headers.get("location")!)).status, 204);
  });
});

describe("sas-compute: slow start-up", () => {
  const sas = useSas({ sasLimits: { createWaitSeconds: 1 } });

  test("13. autoExecLines sleep → 201 pending after createWaitSeconds; state long poll → idle; log = NOTE + source", async () => {
    const started = Date.now();
    const r = await sas.alice("POST", "/compute/contexts/script/sessions", { body: { environment: { autoExecLines: ["sleep 2500"] } } });
    const took = Date.now() - started;
    assert.equal(r.status, 201);
    assert.equal(r.body.state, "pending");
    // Pending shows it did not wait for the start-up to end; it did wait createWaitSeconds.
    assert.ok(took >= 990, `took ${took} ms`);
    assert.deepEqual(r.body.environment, { options: [], autoExecLines: ["sleep 2500"] });
    const href = r.headers.get("location")!;
    const polled = await sas.alice("GET", `${href}/state?wait=60`, { headers: { "if-none-match": r.headers.get("etag")! } });
    const total = Date.now() - started;
    assert.equal(polled.status, 200);
    assert.equal(polled.text, "idle");
    assert.ok(total >= 2500 && total < 2500 + PROMPT_MS, `idle after ${total} ms: at the start-up's end, not the wait's`);
    const log = await sas.alice("GET", `${href}/log`);
    assert.deepEqual(log.body.items.map((i: any) => i.line), [`NOTE: Session ${r.body.id} started (executor: script).`, "1    sleep 2500"]);
    await sas.alice("DELETE", href);
  });
});

import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { PROMPT_MS } from "../../helpers/wait.js";
import { lines, useSas } from "./fixture.js";

/** Checklist items 29–34: log and listing paging, types, long polls, results. */
describe("sas-compute: log, listing, results", () => {
  const sas = useSas({ sasLimits: { maxWaitSeconds: 60 } });
  let session: string;
  before(async () => {
    session = (await sas.create({})).href;
  });

  test("29. paging: next without prev, no next on the last full page, past the end, lenient start and limit", async () => {
    // 83 lines of two statements: 83 source + 166 output lines + the final NOTE = 250.
    const { href: job } = await sas.run(session, Array.from({ length: 83 }, () => "put a; put b"));
    const first = (await sas.alice("GET", `${job}/log?start=0&limit=100`)).body;
    assert.equal(first.items.length, 100);
    assert.equal(first.count, 250);
    assert.ok(first.links.find((l: any) => l.rel === "next").href.endsWith("?start=100&limit=100"));
    assert.equal(first.links.some((l: any) => l.rel === "prev"), false);
    // 66 + 1 source lines + 132 output lines + NOTE = 200: the second page is full and last.
    const { href: job200 } = await sas.run(session, Array.from({ length: 66 }, () => "put a; put b").concat(["%let x = 1"]));
    const last = (await sas.alice("GET", `${job200}/log?start=100&limit=100`)).body;
    assert.equal(last.count, 200);
    assert.equal(last.items.length, 100);
    assert.equal(last.links.some((l: any) => l.rel === "next"), false);
    assert.ok(last.links.some((l: any) => l.rel === "prev"));
    const past = await sas.alice("GET", `${job}/log?start=10000`);
    assert.equal(past.status, 200);
    assert.deepEqual(past.body.items, []);
    assert.equal(past.body.start, 10000);
    assert.equal((await sas.alice("GET", `${job}/log?limit=abc`)).body.limit, 100);
    assert.equal((await sas.alice("GET", `${job}/log?limit=20000`)).body.limit, 10000);
    assert.equal((await sas.alice("GET", `${job}/log?start=-5`)).body.start, 0);
    const zero = (await sas.alice("GET", `${job}/log?limit=0`)).body;
    assert.deepEqual(zero.items, []);
    assert.equal(zero.count, 250);
  });

  test("30. type filter, text form with CRLF, /content aliases", async () => {
    const { href: job } = await sas.run(session, ["warning w1", "print ok", "error e1", "warning w2"]);
    const typed = (await sas.alice("GET", `${job}/log?type=error|warning`)).body;
    assert.deepEqual(lines(typed), ["WARNING: w1", "ERROR: e1", "WARNING: w2"]);
    assert.equal(typed.count, 3);
    assert.ok(typed.links[0].href.includes("&type=error%7Cwarning"));
    assert.equal((await sas.alice("GET", `${job}/log?type=bogus`)).body.count, 0);
    const text = await sas.alice("GET", `${job}/listing`, { headers: { accept: "text/plain" } });
    assert.equal(text.headers.get("content-type"), "text/plain;charset=utf-8");
    assert.equal(text.text, "ok\r\n");
    const content = await sas.alice("GET", `${job}/log/content?start=0&limit=10`);
    const plain = await sas.alice("GET", `${job}/log?start=0&limit=10`);
    assert.deepEqual(content.body.items, plain.body.items);
    assert.equal((await sas.alice("GET", `${session}/log/content`)).status, 200);
    assert.equal((await sas.alice("GET", `${session}/listing/content`)).status, 200);
    assert.equal((await sas.alice("GET", `${job}/listing/content`)).status, 200);
  });

  test("31. log long polls: wake on a line, at once when terminal or idle, empty after the timeout", async () => {
    // Polls that should answer at once may wait 60 s: "at once" is anything well short of that.
    const { href } = await sas.create({});
    const r = await sas.submit(href, ["sleep 1000", "print late"]);
    const job = r.headers.get("location")!;
    await sas.waitState(job, (s) => s === "running");
    const t0 = Date.now();
    const woke = await sas.alice("GET", `${job}/listing?start=0&timeout=60`);
    const took = Date.now() - t0;
    assert.deepEqual(lines(woke.body), ["late"], "not answered before the line");
    assert.ok(took < PROMPT_MS, `woke after ${took} ms`);
    await sas.waitState(job, (s) => s === "completed");
    let t1 = Date.now();
    const ended = await sas.alice("GET", `${job}/log?start=100&timeout=60`);
    assert.deepEqual(ended.body.items, []);
    assert.ok(Date.now() - t1 < PROMPT_MS);
    t1 = Date.now();
    const idle = await sas.alice("GET", `${href}/log?start=1000&timeout=60`);
    assert.deepEqual(idle.body.items, []);
    assert.ok(Date.now() - t1 < PROMPT_MS);
    // Silent until it is canceled: only the timeout ends the poll.
    const silent = (await sas.submit(href, "sleep 60000")).headers.get("location")!;
    await sas.waitState(silent, (s) => s === "running");
    t1 = Date.now();
    const empty = await sas.alice("GET", `${silent}/listing?timeout=2`);
    const waited = Date.now() - t1;
    assert.deepEqual(empty.body.items, []);
    assert.ok(waited >= 1990 && waited < 2000 + PROMPT_MS, `waited ${waited} ms`);
    await sas.alice("DELETE", href);
  });

  test("32. session log = start NOTE + every job's lines; job logs are slices; resetLogLineNumbers", async () => {
    const { href, body } = await sas.create({});
    const a = await sas.run(href, ["print a1", "print a2"]);
    const b = await sas.run(href, "print b1", { attributes: { resetLogLineNumbers: true } });
    const all = lines((await sas.alice("GET", `${href}/log`)).body);
    const sliceA = lines((await sas.alice("GET", `${a.href}/log`)).body);
    const sliceB = lines((await sas.alice("GET", `${b.href}/log`)).body);
    assert.deepEqual(all, [`NOTE: Session ${body.id} started (executor: script).`, ...sliceA, ...sliceB]);
    assert.deepEqual(sliceA.slice(0, 2), ["1    print a1", "2    print a2"]);
    assert.equal(sliceB[0], "1    print b1");
    const c = await sas.run(href, "print c");
    assert.equal(lines((await sas.alice("GET", `${c.href}/log`)).body)[0], "2    print c");
    await sas.alice("DELETE", href);
  });

  test("33. a 40000-character line is cut to 32768 bytes", async () => {
    const { href: job } = await sas.run(session, `print ${"a".repeat(40000)}`);
    const listing = lines((await sas.alice("GET", `${job}/listing`)).body);
    assert.equal(listing[0]!.length, 32768);
  });

  test("34. an ODS result: representation, its HTML content, type filters, session results", async () => {
    const { href } = await sas.create({});
    const { href: job } = await sas.run(href, "html report '<p>hi</p>'");
    const results = (await sas.alice("GET", `${job}/results`)).body;
    assert.equal(results.count, 1);
    const r = results.items[0];
    assert.deepEqual(Object.keys(r), ["id", "name", "type", "links"]);
    assert.equal(r.name, "report.htm");
    assert.equal(r.type, "ODS");
    assert.deepEqual(r.links.map((l: any) => [l.method, l.rel, l.type]), [["GET", "self", "text/html"]]);
    for (const accept of [undefined, "application/vnd.sas.collection+json"]) {
      const content = await sas.alice("GET", r.links[0].href, accept ? { headers: { accept } } : {});
      assert.equal(content.status, 200);
      assert.match(content.headers.get("content-type")!, /^text\/html/);
      assert.ok(content.text.includes("<p>hi</p>"));
      assert.ok(content.text.includes('id="IDX1"'));
    }
    assert.equal((await sas.alice("GET", `${job}/results?includeTypes=ODS`)).body.count, 1);
    assert.equal((await sas.alice("GET", `${job}/results?filter=${encodeURIComponent("eq(type,ODS)")}`)).body.count, 1);
    assert.equal((await sas.alice("GET", `${job}/results?includeTypes=FILE`)).body.count, 0);
    assert.equal((await sas.alice("GET", `${job}/results?excludeTypes=ods`)).body.count, 0);
    assert.equal((await sas.alice("GET", `${href}/results`)).body.items[0].id, r.id);
    const missing = await sas.alice("GET", `${href}/results/nope`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.errorCode, 9404);
    await sas.alice("DELETE", href);
  });
});

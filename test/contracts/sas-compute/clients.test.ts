import assert from "node:assert/strict";
import restaf from "@sassoftware/restaf";
import restaflib from "@sassoftware/restaflib";
import { describe, test } from "node:test";
import { ADMIN_TOKEN, http } from "../../helpers/server.js";
import { until } from "../../helpers/wait.js";
import { type Sas, lines, useSas } from "./fixture.js";

const requests = (sas: Sas) =>
  sas.t.logs
    .filter((l) => l.includes('"request completed"'))
    .map((l) => JSON.parse(l) as { method: string; url: string; status: number })
    .filter((e) => e.url.startsWith("/compute"))
    .map((e) => `${e.status} ${e.method} ${e.url}`);

/** Checklist items 49–52: real clients, and the wire behaviour of those that are not JavaScript. */
describe("sas-compute: real clients", () => {
  // sasjs long-polls an idle session's state with its create ETag: keep the hold short.
  /** Short, so a hold that runs out does not slow the test; long beside a prompt answer on a busy machine. */
  const MAX_WAIT_MS = 5000;
  const sas = useSas({ sasLimits: { maxWaitSeconds: MAX_WAIT_MS / 1000 } });

  test("49. restaf + restaflib (script context): computeSetup, computeRun, computeResults, re-attach, delete", async () => {
    const store = restaf.initStore();
    await store.logon({ host: sas.t.url, token: sas.tokens.alice, tokenType: "bearer", authType: "server" });
    const before = requests(sas).length;
    const session = await restaflib.computeSetup(store, "Script language context", null);
    const result = await restaflib.computeRun(store, session, "print hello\nhtml r '<p>x</p>'", { k: "v" });
    assert.equal(result.SASJobStatus, "completed");
    const log = await restaflib.computeResults(store, result, "log");
    assert.ok(log.some((l: any) => l.line === "hello"));
    assert.deepEqual((await restaflib.computeResults(store, result, "listing")).map((l: any) => l.line), ["hello"]);
    assert.ok(String(await restaflib.computeResults(store, result, "ods")).includes("<p>x</p>"));
    const id = session.items("id");
    const { compute } = await store.addServices("compute");
    const found = await store.apiCall(compute.links("sessions"), { qs: { filter: `eq( id,'${id}')` } });
    assert.equal(found.itemsList().size, 1);
    assert.equal(found.itemsList(0), id);
    assert.equal((await store.apiCall(session.links("delete"))).status, 204);
    const wire = requests(sas).slice(before).map((r) => r.replace(/[0-9a-f-]{36}(-ses0000)?/g, "X"));
    const order = ["200 GET /compute/contexts?filter=contains(name,'Script+language+context')", "201 POST /compute/contexts/script/sessions", "201 POST /compute/sessions/X/jobs", "GET /compute/sessions/X/jobs/X/state?wait=5", "200 GET /compute/sessions/X/jobs/X", "200 GET /compute/sessions/X/jobs/X/results", "200 GET /compute/sessions/X/jobs/X/log", "200 GET /compute/sessions/X/jobs/X/listing", "200 GET /compute/sessions/X/results/X", "204 DELETE /compute/sessions/X"];
    let at = 0;
    for (const step of order) {
      const i = wire.findIndex((w, k) => k >= at && w.endsWith(step));
      assert.ok(i >= 0, `${step} in ${wire.join("\n")}`);
      at = i + 1;
    }
  });

  test("restaf's password flow (SAS Logon, client sas.cli) and restaflib on the built-in SAS context", async () => {
    assert.equal((await http(sas.t.url, "PATCH", "/api/v1/users/bob", { token: ADMIN_TOKEN, body: { password: "bob-pw-1" } })).status, 200);
    const store = restaf.initStore();
    await store.logon({ host: sas.t.url, authType: "password", clientID: "sas.cli", clientSecret: "", user: "bob", password: "bob-pw-1" });
    const session = await restaflib.computeSetup(store, null, null);
    const owner = await sas.as(sas.tokens.ops)("GET", `/compute/sessions/${session.items("id")}`);
    assert.equal(owner.body.owner, "bob");
    const result = await restaflib.computeRun(store, session, "data _null_; file print; put 'to the listing'; put \"hello &name\"; run;\n%put done=&name;", { name: "restaf" });
    assert.equal(result.SASJobStatus, "completed");
    const log = (await restaflib.computeResults(store, result, "log")).map((l: any) => l.line);
    assert.ok(log.includes("done=restaf"), log.join("\n"));
    assert.deepEqual((await restaflib.computeResults(store, result, "listing")).map((l: any) => l.line), ["to the listing", "hello restaf"]);
    const bad = restaf.initStore();
    await assert.rejects(bad.logon({ host: sas.t.url, authType: "password", clientID: "sas.cli", clientSecret: "", user: "bob", password: "wrong" }));
    assert.equal((await store.apiCall(session.links("delete"))).status, 204);
  });

  test("50. saspy's wire behaviour", async () => {
    const accept = (t: string) => ({ accept: `application/vnd.sas.${t}+json` });
    const contexts = await sas.alice("GET", "/compute/contexts?limit=999999", { headers: { "accept-item": "application/vnd.sas.compute.context.summary+json" } });
    assert.equal(contexts.status, 200);
    const created = await sas.alice("POST", "/compute/contexts/script/sessions", {
      body: { name: "SASPy", description: "saspy session", version: 1, environment: { options: ["-MEMSIZE", "0"] }, attributes: { sessionInactiveTimeout: 120 } },
      headers: { ...accept("compute.session"), "content-type": "application/vnd.sas.compute.session.request+json" },
    });
    assert.equal(created.status, 201);
    const href = created.headers.get("location")!;
    const logs: string[] = [];
    for (let start = 0, limit = 1000; ; start = limit, limit += 1000) {
      const page = await sas.alice("GET", `${href}/log?start=${start}&limit=${limit}`);
      if (page.body.items.length === 0) break;
      logs.push(...lines(page.body));
    }
    assert.equal(logs.length, 1);
    const first = await sas.alice("POST", `${href}/jobs`, { body: { code: ["\n"] }, headers: { accept: "application/json" } });
    assert.equal(first.status, 201);
    const job = first.headers.get("location")!;
    const state = await sas.alice("GET", `${job}/state`, { headers: { accept: "text/plain" } });
    assert.ok(["pending", "running", "completed"].includes(state.text));
    // saspy polls again while the hold runs out (304); the pending-time tag holds through running.
    await until("the long poll to answer completed", async () => {
      const polled = await sas.alice("GET", `${job}/state?wait=30`, { headers: { "if-none-match": first.headers.get("etag")! } });
      assert.ok(polled.status === 304 || polled.text === "completed", polled.text);
      return polled.status === 200;
    });
    const ods = await sas.run(href, "html page '<p>saspy</p>'");
    const results = await sas.alice("GET", `${ods.href}/results?includeTypes=ODS`);
    const html = await sas.alice("GET", results.body.items[0].links[0].href, { headers: accept("collection") });
    assert.ok(html.text.includes("<p>saspy</p>"));
    assert.equal((await sas.alice("HEAD", `${href}/data/USER`)).status, 404);
    const assigned = await sas.alice("POST", `${href}/filerefs`, {
      body: { name: "_sp_updn", path: "/tmp/up.csv" },
      headers: { accept: "application/vnd.sas.compute.fileref+json;application/json" },
    });
    assert.equal(assigned.status, 201);
    const head = await sas.alice("HEAD", `${href}/filerefs/_sp_updn`, { headers: { accept: "application/vnd.sas.compute.fileref+json;application/json" } });
    assert.equal(head.status, 200);
    const got = await sas.alice("GET", `${href}/filerefs/_sp_updn`);
    const put = await sas.alice("PUT", `${href}/filerefs/_sp_updn/content`, { raw: Buffer.from("x,y\n"), headers: { "if-match": got.headers.get("etag")!, "content-type": "application/octet-stream" } });
    assert.equal(put.status, 201);
    assert.equal((await sas.alice("GET", `${href}/filerefs/_sp_updn/content`)).text, "x,y\n");
    assert.equal((await sas.alice("DELETE", href, { headers: { accept: "application/json" } })).status, 204);
  });

  test("51. sasjs' wire behaviour", async () => {
    const contexts = await sas.alice("GET", "/compute/contexts?limit=10000");
    const ctx = contexts.body.items.find((c: any) => c.name === "SAS Job Execution compute context");
    const created = await sas.alice("POST", ctx.links.find((l: any) => l.rel === "createSession").href, { body: {} });
    const href = created.headers.get("location")!;
    // The session was idle at its 201 and stays so: the hold runs out (maxWaitSeconds) with a 304.
    const state = await sas.alice("GET", `${href}/state?wait=30`, { headers: { "if-none-match": created.headers.get("etag")! } });
    assert.equal(created.body.state, "idle");
    assert.equal(state.status, 304);
    assert.match((await sas.alice("GET", `${href}/variables/SYSJOBID`)).body.value, /^\d+$/);
    const posted = await sas.alice("POST", `${href}/jobs`, {
      body: { name: "sasjs", description: "x", code: ["data _null_; file _webout; put '{\"sasjs\":1}'; run;"], variables: { SYS_JES_JOB_URI: "", _program: "/x" }, arguments: { _contextName: ctx.name }, version: 2 },
    });
    assert.equal(posted.status, 201);
    const job = posted.headers.get("location")!;
    const t0 = Date.now();
    const now = await sas.alice("GET", `${job}/state?_action=wait&wait=300`);
    assert.equal(now.status, 200);
    assert.ok(Date.now() - t0 < MAX_WAIT_MS - 1000, `no If-None-Match: at once, not after ${Date.now() - t0} ms`);
    await sas.waitState(job, (s) => s === "completed");
    const body = (await sas.alice("GET", job)).body;
    const logHref = body.links.find((l: any) => l.rel === "log").href;
    const log = await sas.alice("GET", `${logHref}/content?start=0&limit=${body.logStatistics.lineCount}`);
    assert.equal(log.body.count, body.logStatistics.lineCount);
    assert.equal((await sas.alice("GET", `${href}/filerefs/_webout/content`)).text, '{"sasjs":1}\n');
    assert.equal((await sas.alice("DELETE", href)).status, 204);
  });

  test("52. the VS Code extension's wire behaviour", async () => {
    const found = await sas.alice("GET", `/compute/contexts?filter=${encodeURIComponent("eq(name,'Script language context')")}`);
    const id = found.body.items[0].id;
    assert.equal((await sas.alice("GET", `/compute/contexts/${id}`)).status, 200);
    const created = await sas.alice("POST", `/compute/contexts/${id}/sessions`, {
      body: { version: 1, name: "vscode", description: "VS Code", attributes: {}, environment: { options: ["-PAGESIZE=MAX"], autoExecLines: [] } },
    });
    assert.equal(created.status, 201);
    const href = created.headers.get("location")!;
    const state = await sas.alice("GET", `${href}/state`);
    const cancel = await sas.alice("PUT", `${href}/state?value=canceled`, { headers: { "if-match": state.headers.get("etag")!, "content-type": "text/plain" }, raw: Buffer.alloc(0) });
    assert.equal(cancel.status, 200);
    let start = 0;
    const session = await sas.alice("GET", `${href}/log?start=${start}&timeout=10`);
    start += session.body.items.length;
    assert.equal(start, 1);
    const job = await sas.alice("POST", `${href}/jobs`, { body: { code: ["print vscode", "html out '<p>v</p>'"], variables: { _SASPROGRAMDIR: "/w" } } });
    const jobHref = job.headers.get("location")!;
    const collected: string[] = [];
    for (let at = 0; ; ) {
      const page = await sas.alice("GET", `${jobHref}/log?start=${at}&timeout=10`);
      collected.push(...lines(page.body));
      at += page.body.items.length;
      const next = page.body.links.find((l: any) => l.rel === "next");
      if (next) continue;
      if ((await sas.alice("GET", `${jobHref}/state`)).text === "completed" && page.body.items.length === 0) break;
    }
    assert.ok(collected.includes("vscode"));
    const results = await sas.alice("GET", `${href}/results?filter=${encodeURIComponent("eq(type,ODS)")}`);
    const last = results.body.items.at(-1).links.filter((l: any) => l.type === "text/html").at(-1);
    assert.ok((await sas.alice("GET", last.href)).text.includes('id="IDX1"'));
    assert.equal((await sas.alice("DELETE", href, { headers: { "if-match": '"stale"' } })).status, 204);
  });
});

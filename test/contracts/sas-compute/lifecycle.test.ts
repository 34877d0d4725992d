import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import type { HubEvent } from "../../../src/core/events.js";
import { reaperPass } from "../../helpers/server.js";
import { until } from "../../helpers/wait.js";
import { type Sas, lines, startSas } from "./fixture.js";

/** Checklist items 45–48: restart, expiry, racing cancels, several nodes. */
describe("sas-compute: restart, expiry, races, nodes", () => {
  const open: Sas[] = [];
  after(async () => {
    for (const s of open) await s.stop().catch(() => undefined);
  });

  test("45. a stop cuts off the running job (error 1012); after restart the queued one runs; variables and filerefs remain", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "sessionhub-sas-restart-"));
    const first = await startSas({ dataDir });
    const { href } = await first.create({});
    await first.run(href, ["%let keep = yes", "filename f 'kept.txt'", "write f 'kept'"]);
    const running = (await first.submit(href, "sleep 10000")).headers.get("location")!;
    const queued = (await first.submit(href, "print after &keep")).headers.get("location")!;
    await first.waitState(running, (s) => s === "running");
    // The process stops with the job running; what it leaves behind is what a crash leaves.
    assert.equal((await first.t.server.hub.jobs.find(running.split("/").at(-1)!))?.state, "running");
    await first.stop();
    const second = await startSas({ dataDir });
    open.push(second);
    const cut = await second.waitState(running, (s) => s === "error");
    assert.equal(cut, "error");
    assert.equal((await second.alice("GET", running)).body.jobConditionCode, 1012);
    assert.ok(lines((await second.alice("GET", `${running}/log?type=error`)).body).includes("ERROR: The job was cut off because its server stopped."));
    await second.waitState(queued, (s) => s === "completed");
    assert.deepEqual(lines((await second.alice("GET", `${queued}/listing`)).body), ["after yes"]);
    assert.equal((await second.alice("GET", `${href}/filerefs/F/content`)).text, "kept\n");
  });

  test("46. expiry: idle past the timeout → 404 within a reaper interval; running sessions survive; owner GETs reset the clock, ops GETs do not", async () => {
    const sas = await startSas({ sasLimits: { jobSeconds: 200 } });
    open.push(sas);
    const { href: idle } = await sas.create({ attributes: { sessionInactiveTimeout: 60 } });
    const { href: busy } = await sas.create({ attributes: { sessionInactiveTimeout: 60 } });
    const { href: owned } = await sas.create({ attributes: { sessionInactiveTimeout: 60 } });
    // The busy session's job runs until it is canceled: however slow the machine, it is running when looked at.
    const submitted = await sas.submit(busy, "sleep 150000");
    const job = submitted.headers.get("location")!;
    await sas.waitState(job, (s) => s === "running");
    sas.t.clock.advance(30_000);
    assert.equal((await sas.alice("GET", owned)).status, 200, "the owner's GET is activity");
    const ops = sas.as(sas.tokens.ops);
    assert.equal((await ops("GET", idle)).status, 200, "an administrator's GET is not");
    sas.t.clock.advance(31_000);
    // Watched by the administrator: the owner's GET would be activity.
    await until("the reaper to end the idle session", async () => (await ops("GET", idle)).status === 404);
    const gone = await sas.alice("GET", idle);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.errorCode, 5837);
    await reaperPass(sas.t);
    assert.equal((await ops("GET", owned)).status, 200, "30 s since the owner's GET");
    assert.equal((await ops("GET", `${busy}/state`)).text, "running", "a running session never expires");
    assert.equal((await sas.alice("PUT", `${job}/state?value=canceled`, { headers: { "if-match": submitted.headers.get("etag")! } })).text, "canceled");
    await reaperPass(sas.t);
    assert.equal((await ops("GET", busy)).status, 200, "its idle clock restarted when the job ended");
    sas.t.clock.advance(61_000);
    await until("the reaper to end the busy session", async () => (await ops("GET", busy)).status === 404);
  });

  test("47. 20 parallel job cancels with the current ETag → each 200 or 412; one canceled transition, one job end", async () => {
    const sas = await startSas({ sasLimits: { cancelGraceMs: 500 } });
    open.push(sas);
    const { href } = await sas.create({});
    const r = await sas.submit(href, "sleep 30000");
    const job = r.headers.get("location")!;
    await sas.waitState(job, (s) => s === "running");
    const ends: HubEvent[] = [];
    const off = sas.t.server.hub.bus.subscribe((events) => ends.push(...events.filter((e) => e.type === "job.ended")));
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => sas.alice("PUT", `${job}/state?value=canceled`, { headers: { "if-match": r.headers.get("etag")! } })),
    );
    // Another job's end, after: once it is here, any second end of the first would be too.
    const { href: marker } = await sas.run(href, "print marker");
    const endsOf = (href: string) => ends.filter((e) => (e.data.job as { id: string }).id === href.split("/").at(-1));
    await until("the marker job's end", () => endsOf(marker).length > 0);
    off();
    assert.ok(answers.every((a) => a.status === 200 || a.status === 412), answers.map((a) => a.status).join());
    assert.ok(answers.some((a) => a.status === 200));
    assert.equal(endsOf(job).length, 1);
    assert.equal((await sas.alice("GET", `${job}/state`)).text, "canceled");
  });

  /** 48 is written over "start N nodes"; with SQLite it runs with one node (two need PostgreSQL). */
  async function startNodes(n: number): Promise<Sas[]> {
    const nodes: Sas[] = [];
    for (let i = 0; i < n; i += 1) nodes.push(await startSas({ sasLimits: { cancelGraceMs: 500 } }));
    open.push(...nodes);
    return nodes;
  }

  test("48. any node answers: a job posted through B runs on A, B's long poll releases, B cancels and deletes (1 node on SQLite)", async () => {
    const nodes = await startNodes(1);
    const a = nodes[0]!;
    const b = nodes.at(-1)!;
    const { href, body } = await a.create({});
    const posted = await b.submit(href, ["sleep 300", "print on A"]);
    assert.equal(posted.status, 201);
    const polled = await b.alice("GET", `${posted.headers.get("location")}/state?wait=60`, { headers: { "if-none-match": posted.headers.get("etag")! } });
    assert.equal(polled.text, "completed");
    assert.equal((await b.alice("GET", href)).body.serverId, body.serverId);
    assert.equal(body.serverId, a.t.server.nodeId);
    const long = await b.submit(href, "sleep 30000");
    await b.waitState(long.headers.get("location")!, (s) => s === "running");
    assert.equal((await b.alice("PUT", `${long.headers.get("location")}/state?value=canceled`, { headers: { "if-match": long.headers.get("etag")! } })).text, "canceled");
    assert.equal((await b.alice("DELETE", href)).status, 204);
    for (const node of nodes) assert.equal((await node.alice("GET", href)).status, 404);
  });
});

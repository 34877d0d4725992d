import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { canTransitionJob, isTerminal } from "../../src/core/jobs.js";
import { matches } from "../../src/core/match.js";
import { type Principal, SYSTEM_PRINCIPAL } from "../../src/core/types.js";
import { type TestServer, startServer } from "../helpers/server.js";

const alice: Principal = { userId: "alice", roles: [], isAdmin: false, method: "token" };

/** The core additions of the SAS work: jobs, session quotas, in-memory matching. */
describe("core: jobs, quotas, matching", () => {
  let t: TestServer;
  before(async () => {
    t = await startServer();
    await t.server.hub.services.create(SYSTEM_PRINCIPAL, { id: "plain" });
  });
  after(() => t.stop());

  test("the job state machine is one table", () => {
    assert.ok(canTransitionJob("pending", "running"));
    assert.ok(canTransitionJob("pending", "canceled"));
    assert.ok(canTransitionJob("running", "warning"));
    assert.equal(canTransitionJob("completed", "running"), false);
    assert.equal(canTransitionJob("pending", "completed"), false);
    assert.ok(isTerminal("canceled") && !isTerminal("running"));
  });

  test("jobs: FIFO, the session running then idle, cancel of pending and running, events", async () => {
    const { hub } = t.server;
    const { session } = await hub.sessions.create(alice, { serviceId: "plain" });
    const seen: string[] = [];
    const off = hub.bus.subscribe((events) => seen.push(...events.filter((e) => e.type.startsWith("job.")).map((e) => e.type)));
    const a = (await hub.jobs.submit(alice, session.id, { code: "a" })).job;
    const b = (await hub.jobs.submit(alice, session.id, { code: "b" })).job;
    assert.equal((await hub.jobs.nextPending(session.id))!.id, a.id);
    assert.equal((await hub.jobs.start(a.id, hub.nodeId))!.state, "running");
    assert.equal((await hub.sessions.find(session.id))!.state, "running");
    assert.equal(await hub.jobs.start(a.id, hub.nodeId), null, "a started job does not start twice");
    assert.equal((await hub.jobs.requestCancel(b.id))!.state, "canceled");
    const marked = await hub.jobs.requestCancel(a.id);
    assert.equal(marked!.state, "running");
    assert.equal(typeof marked!.attributes.cancelRequestedAt, "number");
    assert.equal((await hub.jobs.finish(a.id, "canceled", 0))!.state, "canceled");
    assert.equal(await hub.jobs.finish(a.id, "error", 8), null, "one terminal transition");
    assert.equal((await hub.sessions.find(session.id))!.state, "idle");
    off();
    assert.deepEqual(seen, ["job.created", "job.created", "job.started", "job.ended", "job.updated", "job.ended"]);
    const bob: Principal = { ...alice, userId: "bob" };
    await assert.rejects(hub.jobs.submit(bob, session.id, { code: "x" }), (e: any) => e.kind === "not-found" || e.kind === "forbidden");
  });

  test("jobs: maxPending admits exactly that many under concurrency", async () => {
    const { hub } = t.server;
    const { session } = await hub.sessions.create(alice, { serviceId: "plain" });
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => hub.jobs.submit(alice, session.id, { code: "x", maxPending: 4 })));
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 4);
    assert.ok(results.filter((r) => r.status === "rejected").every((r) => (r as PromiseRejectedResult).reason.kind === "too-many"));
  });

  test("session quotas: concurrent creates leave exactly `max` live sessions", async () => {
    const { hub } = t.server;
    const quota = { key: "plain", where: { field: "serviceId", op: "eq" as const, value: "plain" }, max: 3, message: "full" };
    const live = await hub.sessions.count(SYSTEM_PRINCIPAL, { and: [quota.where, { field: "state", op: "ne", value: "ended" }] });
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => hub.sessions.create(alice, { serviceId: "plain", quotas: [{ ...quota, max: live + 3 }] })));
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 3);
    assert.ok(results.filter((r) => r.status === "rejected").every((r) => (r as PromiseRejectedResult).reason.message === "full"));
  });

  test("matching in memory follows the stores' semantics", () => {
    const get = (f: string) => (({ name: "Alpha", n: 3, tags: ["a", "b"], none: null }) as Record<string, any>)[f];
    assert.ok(matches({ field: "name", op: "like", value: "%LPH%" }, get));
    assert.ok(matches({ field: "n", op: "range", from: 1, to: 3 }, get));
    assert.ok(matches({ field: "tags", op: "eq", value: "b" }, get));
    assert.ok(matches({ field: "none", op: "isNull" }, get));
    assert.equal(matches({ field: "none", op: "eq", value: null }, get), false);
    assert.ok(matches({ not: { field: "n", op: "in", values: [1, 2] } }, get));
    assert.ok(matches({ and: [{ field: "n", op: "gt", value: 2 }, { or: [{ field: "name", op: "eq", value: "x" }, { field: "n", op: "le", value: 3 }] }] }, get));
  });
});

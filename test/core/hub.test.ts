import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CoreError } from "../../src/core/errors.js";
import { Hub } from "../../src/core/hub.js";
import { BUILT_IN_SERVICE_NUMBERS, type Principal, SYSTEM_PRINCIPAL, type Session } from "../../src/core/types.js";
import { SqliteStore } from "../../src/store/sqlite/index.js";
import { hubOptions } from "../helpers/hub-options.js";

const NODE = "0190f3c2-7d1e-7a43-9b5e-4f6a2d8c1e77";
const p = (userId: string): Principal => ({ userId, roles: [], isAdmin: false, method: "jwt" });
const notFound = (e: unknown) => e instanceof CoreError && e.kind === "not-found";

/** The core over a real store: what families that serve their own service rely on. */
describe("core over a store: built-in services, service scope, team layouts", () => {
  let store: SqliteStore;
  let hub: Hub;

  before(async () => {
    store = new SqliteStore({ file: ":memory:", nodeId: NODE });
    await store.migrate();
    hub = new Hub(
      store,
      hubOptions(NODE),
      () => {},
    );
    for (const id of ["one", "two"]) await hub.services.create(SYSTEM_PRINCIPAL, { id });
  });
  after(() => store.close());

  test("get, join and leave with `serviceId` see a session of another service as not found, and change nothing", async () => {
    const { session } = await hub.sessions.create(p("alice"), { serviceId: "one", members: [{ userId: "alice" }] });
    await assert.rejects(hub.sessions.get(p("alice"), session.id, { serviceId: "two" }), notFound);
    await assert.rejects(hub.sessions.join(p("bob"), session.id, { serviceId: "two" }), notFound);
    await assert.rejects(hub.sessions.leave(p("alice"), session.id, "alice", { serviceId: "two", endWhenEmpty: true }), notFound);
    const unchanged = await hub.sessions.get(p("alice"), session.id, { serviceId: "one" });
    assert.deepEqual([unchanged.version, unchanged.state, unchanged.members.map((m) => m.userId)], [0, "idle", ["alice"]]);
    assert.equal((await hub.sessions.join(p("bob"), session.id, { serviceId: "one" })).joined, true);
    assert.equal((await hub.sessions.leave(p("bob"), session.id, "bob", { serviceId: "one" })).left, true);
  });

  test("the team layout is the session's own: creates, joins, member changes and layout changes are held to it", async () => {
    const invalidTeam = (e: unknown) => e instanceof CoreError && e.kind === "invalid";
    const teamFull = (e: unknown) => e instanceof CoreError && e.kind === "team-full";
    await assert.rejects(hub.sessions.create(p("alice"), { serviceId: "one", members: [{ userId: "alice", team: 2 }], teams: { count: 2, size: 2 } }), invalidTeam);
    await assert.rejects(hub.sessions.create(p("alice"), { serviceId: "one", teams: { count: -1, size: 2 } }), invalidTeam);
    const { session } = await hub.sessions.create(p("alice"), { serviceId: "one", members: [{ userId: "alice", team: 0 }], teams: { count: 1, size: 4 } });
    const relaid = await hub.sessions.update(p("alice"), session.id, { teams: { count: 3, size: 1 } });
    assert.deepEqual(relaid.session.teams, { count: 3, size: 1 });
    assert.deepEqual(relaid.session.members.map((m) => m.team), [0], "a member keeps a team that still exists and has room");
    const { session: joined } = await hub.sessions.join(p("bob"), session.id);
    assert.deepEqual(joined.members.map((m) => [m.userId, m.team]), [["alice", 0], ["bob", 1]]);
    await assert.rejects(hub.sessions.join(p("carol"), session.id, { team: 0 }), teamFull);
    await assert.rejects(hub.sessions.join(p("carol"), session.id, { team: 7 }), invalidTeam);
    const members = joined.members;
    await assert.rejects(hub.sessions.update(SYSTEM_PRINCIPAL, session.id, { members: [...members, { userId: "dave", joinedAt: 0, team: 1 }] }), teamFull);
    await assert.rejects(hub.sessions.update(SYSTEM_PRINCIPAL, session.id, { members: [...members, { userId: "dave", joinedAt: 0, team: 5 }] }), invalidTeam);
    const added = await hub.sessions.update(SYSTEM_PRINCIPAL, session.id, { members: [...members, { userId: "dave", joinedAt: 0, team: null }] });
    assert.deepEqual(added.session.members.map((m) => m.team), [0, 1, 2], "a member without a team is placed by the join rule");
    const shrunk = await hub.sessions.update(p("alice"), session.id, { teams: { count: 1, size: 0 } });
    assert.deepEqual(shrunk.session.members.map((m) => m.team), [0, 0, 0]);
    const none = await hub.sessions.update(p("alice"), session.id, { teams: { count: 0, size: 0 } });
    assert.deepEqual(none.session.members.map((m) => m.team), [null, null, null]);
    assert.equal((await hub.sessions.join(p("erin"), session.id, { team: 7 })).session.members.at(-1)!.team, null, "without teams a team asked for is ignored");
  });

  test("built-in services take numbers from a range of their own; the small numbers stay for operators, auto-numbered or chosen", async () => {
    const game = await hub.services.ensure({ id: "built-in-a", kind: "generic" });
    const other = await hub.services.ensure({ id: "built-in-b", kind: "generic" });
    assert.deepEqual([game.number, other.number], [BUILT_IN_SERVICE_NUMBERS, BUILT_IN_SERVICE_NUMBERS + 1]);
    assert.equal((await hub.services.ensure({ id: "built-in-a" })).number, BUILT_IN_SERVICE_NUMBERS, "ensure again returns the one made");
    const auto = await hub.services.create(SYSTEM_PRINCIPAL, { id: "made-later" });
    assert.ok(auto.number < 10, `auto-numbered ${auto.number}`);
    assert.equal((await hub.services.create(SYSTEM_PRINCIPAL, { id: "project-seven", number: 7 })).number, 7);
    const raced = await Promise.all([hub.services.ensure({ id: "built-in-c" }), hub.services.ensure({ id: "built-in-d" })]);
    assert.deepEqual(raced.map((s) => s.number).sort(), [BUILT_IN_SERVICE_NUMBERS + 2, BUILT_IN_SERVICE_NUMBERS + 3]);
  });
});

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CoreError } from "../../src/core/errors.js";
import { dueEnd, expiryOf } from "../../src/core/expiry.js";
import { uuidv7 } from "../../src/core/ids.js";
import * as policy from "../../src/core/policy.js";
import { decodeCursor, encodeCursor, fieldType, validateCondition, withTieBreak } from "../../src/core/query.js";
import { canTransition, transition } from "../../src/core/state.js";
import { layoutCapacity, placeAll, placeInTeam, relayout } from "../../src/core/teams.js";
import type { Principal, Session } from "../../src/core/types.js";

const p = (userId: string, isAdmin = false): Principal => ({ userId, roles: isAdmin ? ["admin"] : [], isAdmin, method: "token" });
const subject = (over: Partial<Session> = {}) => ({ owner: "o", visibility: "public" as const, members: [{ userId: "m", joinedAt: 0, team: null }], invited: ["i"], ...over });
const is = (kind: string) => (e: unknown) => e instanceof CoreError && e.kind === kind;

describe("core rules", () => {
  test("the state machine: pending → idle ⇄ running → ended, nothing leaves ended", () => {
    assert.ok(canTransition("pending", "idle") && canTransition("idle", "running") && canTransition("running", "idle"));
    assert.ok(canTransition("idle", "ended") && canTransition("pending", "ended"));
    assert.ok(!canTransition("ended", "idle") && !canTransition("idle", "pending") && !canTransition("running", "pending"));
    const s = { state: "idle", stateChangedAt: 0, endReason: null, endedAt: null, endAt: 5, endAtReason: "killed" } as unknown as Session;
    const ended = transition(s, "ended", 10, "expired");
    assert.deepEqual([ended.state, ended.endReason, ended.endedAt, ended.endAt], ["ended", "expired", 10, null]);
    assert.throws(() => transition(ended, "idle", 11), is("conflict"));
  });

  test("the access policy", () => {
    const pub = subject();
    const priv = subject({ visibility: "private" });
    assert.ok(policy.canRead(p("stranger"), pub) && !policy.canRead(p("stranger"), priv));
    for (const who of ["o", "m", "i"]) assert.ok(policy.canRead(p(who), priv), who);
    assert.ok(policy.canRead(p("root", true), priv));
    assert.ok(policy.canModify(p("o"), pub) && !policy.canModify(p("m"), pub) && !policy.canModify(p("i"), pub));
    assert.ok(policy.canModify(p("m"), subject({ owner: null })), "members modify ownerless sessions");
    assert.ok(policy.canAdminister(p("o"), pub) && !policy.canAdminister(p("m"), subject({ owner: null })));
    assert.ok(policy.bypassesPassword(p("i"), pub) && !policy.bypassesPassword(p("m"), pub));
    assert.equal(policy.readableFilter(p("root", true)), null);
  });

  test("expiry: idle sessions expire, running and timeout-0 ones never; scheduled ends keep their reason", () => {
    assert.equal(expiryOf({ state: "idle", timeoutSeconds: 10, lastActivityAt: 1000 }), 11_000);
    assert.equal(expiryOf({ state: "running", timeoutSeconds: 10, lastActivityAt: 1000 }), null);
    assert.equal(expiryOf({ state: "idle", timeoutSeconds: 0, lastActivityAt: 1000 }), null);
    const s = { state: "idle", endAt: 50, endAtReason: "killed", expiresAt: 100 } as Session;
    assert.equal(dueEnd(s, 49), null);
    assert.equal(dueEnd(s, 50), "killed");
    assert.equal(dueEnd({ ...s, endAt: null }, 100), "expired");
  });

  test("teams: fewest members with room, ties to the lowest id; relayout keeps places", () => {
    const m = (userId: string, team: number | null) => ({ userId, joinedAt: 0, team });
    assert.equal(placeInTeam([], { count: 2, size: 2 }), 0);
    assert.equal(placeInTeam([m("a", 0)], { count: 2, size: 2 }), 1);
    assert.equal(placeInTeam([m("a", 0), m("b", 1)], { count: 2, size: 2 }), 0);
    assert.throws(() => placeInTeam([m("a", 0), m("b", 0), m("c", 1), m("d", 1)], { count: 2, size: 2 }), is("session-full"));
    assert.throws(() => placeInTeam([m("a", 0), m("b", 0)], { count: 2, size: 2 }, 0), is("team-full"));
    assert.throws(() => placeInTeam([], { count: 2, size: 2 }, 5), is("invalid"));
    assert.equal(placeInTeam([], null), null);
    assert.deepEqual(relayout([m("a", 0), m("b", 0)], { count: 2, size: 2 }).map((x) => x.team), [0, 0]);
    assert.deepEqual(relayout([m("a", 0), m("b", 0), m("c", 1)], { count: 3, size: 1 }).map((x) => x.team), [0, 2, 1]);
    assert.deepEqual(placeAll([m("a", null), m("b", 0), m("c", null), m("d", null)], { count: 2, size: 0 }).map((x) => x.team), [1, 0, 0, 1], "given teams count before the others are placed");
    assert.equal(layoutCapacity({ count: 2, size: 5 }), 10);
    assert.equal(layoutCapacity({ count: 0, size: 8 }), null);
  });

  test("the query model: allow-listed fields, typed values, secret columns refused, stable tie-break, opaque cursors", () => {
    assert.equal(fieldType("attributes.game.mode"), "json");
    assert.equal(fieldType("client.port"), "integer");
    for (const field of ["passwordHash", "password_hash", "attributes", "attributes.a.b.c.d.e", "client.secret", "s.id; drop table"]) {
      assert.throws(() => validateCondition({ field, op: "eq", value: "x" }), is("invalid"), field);
    }
    assert.throws(() => validateCondition({ field: "capacity", op: "eq", value: "4" }), is("invalid"));
    assert.throws(() => validateCondition({ field: "member", op: "lt", value: "a" }), is("invalid"));
    assert.throws(() => validateCondition({ field: "status", op: "in", values: [] }), is("invalid"));
    validateCondition({ and: [{ field: "hasPassword", op: "eq", value: false }, { not: { field: "member", op: "in", values: ["a"] } }] });
    assert.deepEqual(withTieBreak(undefined), [{ field: "createdAt", dir: "asc" }, { field: "id", dir: "asc" }]);
    assert.deepEqual(withTieBreak([{ field: "status", dir: "desc" }]).at(-1), { field: "id", dir: "asc" });
    assert.deepEqual(decodeCursor(encodeCursor(["a", 1, null]), 3), ["a", 1, null]);
    assert.throws(() => decodeCursor("nope", 2), is("invalid"));
    assert.throws(() => decodeCursor(encodeCursor(["a"]), 2), is("invalid"));
  });

  test("UUIDv7 ids are well-formed, unique and time-ordered", () => {
    const ids = Array.from({ length: 5000 }, () => uuidv7());
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual([...ids].sort(), ids);
    for (const id of ids.slice(0, 10)) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

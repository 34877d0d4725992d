import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { DEFAULTS } from "../../src/config.js";
import { CoreError } from "../../src/core/errors.js";
import type { EventDraft, HubEvent } from "../../src/core/events.js";
import { uuidv7 } from "../../src/core/ids.js";
import { type Condition, type FilterLimits, type SessionQuery, encodeCursor } from "../../src/core/query.js";
import { BUILT_IN_SERVICE_NUMBERS, type JsonObject, type Session } from "../../src/core/types.js";
import type { NewSession, Store } from "../../src/core/store.js";
import { until } from "../helpers/wait.js";

/**
 * The one persister suite every backend must pass (the way Ory Kratos runs one suite
 * over every database). It exercises the Store interface only.
 */
export interface StoreFactory {
  name: string;
  /** Every store it opens works on the same database; `filterLimits` as the config's `limits` when not given. */
  open(nodeId: string, clock: () => number, filterLimits?: FilterLimits): Promise<Store>;
  /**
   * Stores opened by `open` are separate nodes over one database (separate connections,
   * possibly separate processes), and `listen` brings each the events of the others.
   * The cross-node cases run only then.
   */
  spansNodes?: boolean;
  /** Called once after the suite. */
  teardown?(): Promise<void>;
}

const NODE = "0190f3c2-7d1e-7a43-9b5e-4f6a2d8c1e77";
const OTHER_NODE = "0190f3c2-7d1e-7b00-8c11-0a1b2c3d4e5f";
let clock = 1_750_000_000_000;
const tick = () => (clock += 1000);

function draft(type: EventDraft["type"], s: Pick<Session, "id" | "serviceId">): EventDraft {
  return { type, sessionId: s.id, serviceId: s.serviceId, data: {}, access: { owner: null, visibility: "public", members: [], invited: [] } };
}

function newSession(serviceId: string, over: Partial<NewSession> = {}): NewSession {
  const now = tick();
  return {
    id: uuidv7(now),
    serviceId,
    owner: "alice",
    nodeId: NODE,
    state: "idle",
    endReason: null,
    status: null,
    name: null,
    description: null,
    visibility: "public",
    passwordHash: null,
    capacity: null,
    members: [],
    teams: null,
    invited: [],
    client: {},
    attributes: {},
    inactiveTimeoutSeconds: null,
    timeoutSeconds: 60,
    expiresAt: now + 60_000,
    endAt: null,
    endAtReason: null,
    createdAt: now,
    updatedAt: now,
    stateChangedAt: now,
    lastActivityAt: now,
    endedAt: null,
    version: 0,
    ...over,
  };
}

export function storeConformance(factory: StoreFactory): void {
  describe(`store conformance: ${factory.name}`, () => {
    let store: Store;
    let service: string;

    const insert = async (over: Partial<NewSession> = {}) =>
      (await store.insertSession(newSession(over.serviceId ?? service, over), (s) => [draft("session.created", s)])).session;

    const ids = async (query: Partial<SessionQuery>) =>
      (await store.querySessions({ limit: 1000, ...query })).items.map((s) => s.number);

    before(async () => {
      store = await factory.open(NODE, () => clock);
      await store.migrate();
      await store.migrate();
      const { service: s } = await store.insertService(
        { id: "conf", kind: "generic", name: "Conformance", description: null, settings: { a: 1 }, defaultInactiveTimeoutSeconds: 60 },
        () => [],
        tick(),
      );
      service = s.id;
    });

    after(async () => {
      await store.close();
      await factory.teardown?.();
    });

    test("migrations run twice without harm and the database answers", async () => {
      await store.migrate();
      await store.ping();
    });

    test("services: numbers are assigned or chosen, and ids and numbers are unique", async () => {
      const a = await store.insertService({ id: "svc-a", kind: "generic", name: "A", description: "d", settings: {}, defaultInactiveTimeoutSeconds: 5 }, () => [], tick());
      const b = await store.insertService({ id: "svc-b", number: 500, kind: "game", name: "B", description: null, settings: { x: [1] }, defaultInactiveTimeoutSeconds: 0 }, () => [], tick());
      assert.ok(a.service.number > 0);
      assert.equal(b.service.number, 500);
      assert.deepEqual((await store.getService(500))?.settings, { x: [1] });
      await assert.rejects(store.insertService({ id: "svc-a", kind: "generic", name: "A", description: null, settings: {}, defaultInactiveTimeoutSeconds: 0 }, () => [], tick()), (e) => e instanceof CoreError && e.kind === "already-exists");
      await assert.rejects(store.insertService({ id: "svc-c", number: 500, kind: "generic", name: "C", description: null, settings: {}, defaultInactiveTimeoutSeconds: 0 }, () => [], tick()), (e) => e instanceof CoreError && e.kind === "already-exists");
      const updated = await store.updateService("svc-a", 0, { name: "A2" }, () => [], tick());
      assert.equal(updated?.service.name, "A2");
      assert.equal(updated?.service.version, 1);
      await assert.rejects(store.updateService("svc-a", 0, { name: "A3" }, () => [], tick()), (e) => e instanceof CoreError && e.kind === "version-conflict");
      const listed = (await store.listServices()).map((s) => s.id);
      assert.ok(listed.includes("svc-a") && listed.includes("svc-b"));
    });

    test("services: numbers given at or above BUILT_IN_SERVICE_NUMBERS do not move the numbers assigned after them", async () => {
      const service = (id: string, number?: number) => ({ id, number, kind: "generic", name: id, description: null, settings: {}, defaultInactiveTimeoutSeconds: 0 });
      await store.insertService(service("built-in-x", BUILT_IN_SERVICE_NUMBERS), () => [], tick());
      await store.insertService(service("built-in-y", BUILT_IN_SERVICE_NUMBERS + 1), () => [], tick());
      const after = await store.insertService(service("after-built-ins"), () => [], tick());
      assert.ok(after.service.number < BUILT_IN_SERVICE_NUMBERS, `assigned ${after.service.number}`);
    });

    test("sessions round-trip every field, by id and by number", async () => {
      const s = await insert({
        name: "n",
        description: "d",
        status: "lobby",
        visibility: "private",
        passwordHash: "scrypt$x",
        capacity: 4,
        members: [
          { userId: "alice", joinedAt: clock, team: 0 },
          { userId: "bob", joinedAt: clock, team: 1 },
        ],
        teams: { count: 2, size: 3 },
        invited: ["carol", "dave"],
        client: { address: "192.0.2.1", port: 5, userAgent: "ua" },
        attributes: { game: { mode: "ctf", n: 2, on: true } },
        inactiveTimeoutSeconds: 60,
      });
      const byId = await store.getSession({ id: s.id });
      const byNumber = await store.getSession({ number: s.number });
      assert.deepEqual(byId, s);
      assert.deepEqual(byNumber, s);
      assert.equal(await store.getSession({ id: uuidv7() }), null);
    });

    test("query: every operator, membership, readability, attributes and client fields", async () => {
      const svc = (await store.insertService({ id: "q", kind: "generic", name: "Q", description: null, settings: {}, defaultInactiveTimeoutSeconds: 0 }, () => [], tick())).service.id;
      const a = await insert({ serviceId: svc, owner: "u1", status: "lobby", capacity: 2, members: [{ userId: "m1", joinedAt: clock, team: null }], attributes: { mode: "ctf", level: 3 } });
      const b = await insert({ serviceId: svc, owner: "u2", status: "in-game", visibility: "private", invited: ["i1"], passwordHash: "h", attributes: { mode: "dm", level: 7 }, client: { deviceId: "dev-b", port: 9 } });
      const c = await insert({ serviceId: svc, owner: null, status: null, name: "Lobby 50%", attributes: { flag: true }, teams: { count: 2, size: 4 } });
      const within = (w: Condition): Condition => ({ and: [{ field: "serviceId", op: "eq", value: svc }, w] });
      const q = (w: Condition) => ids({ where: within(w) });
      assert.deepEqual(await q({ field: "status", op: "eq", value: "lobby" }), [a.number]);
      assert.deepEqual(await q({ field: "status", op: "ne", value: "lobby" }), [b.number, c.number]);
      assert.deepEqual(await q({ field: "status", op: "in", values: ["lobby", "in-game"] }), [a.number, b.number]);
      assert.deepEqual(await q({ field: "status", op: "isNull" }), [c.number]);
      assert.deepEqual(await q({ field: "status", op: "like", value: "LOB%" }), [a.number]);
      assert.deepEqual(await q({ field: "name", op: "like", value: "%50\\%" }), [c.number]);
      assert.deepEqual(await q({ field: "capacity", op: "ge", value: 2 }), [a.number]);
      assert.deepEqual(await q({ field: "number", op: "range", from: a.number, to: b.number }), [a.number, b.number]);
      assert.deepEqual(await q({ field: "hasPassword", op: "eq", value: true }), [b.number]);
      assert.deepEqual(await q({ field: "member", op: "eq", value: "m1" }), [a.number]);
      assert.deepEqual(await q({ field: "member", op: "ne", value: "m1" }), [b.number, c.number]);
      assert.deepEqual(await q({ field: "invited", op: "in", values: ["i1", "zz"] }), [b.number]);
      assert.deepEqual(await q({ field: "attributes.mode", op: "eq", value: "dm" }), [b.number]);
      assert.deepEqual(await q({ field: "attributes.level", op: "gt", value: 5 }), [b.number]);
      assert.deepEqual(await q({ field: "attributes.flag", op: "eq", value: true }), [c.number]);
      assert.deepEqual(await q({ field: "client.deviceId", op: "eq", value: "dev-b" }), [b.number]);
      assert.deepEqual(await q({ field: "client.port", op: "eq", value: 9 }), [b.number]);
      assert.deepEqual(await q({ field: "teamCount", op: "ge", value: 2 }), [c.number]);
      assert.deepEqual(await q({ field: "teamSize", op: "isNull" }), [a.number, b.number]);
      assert.deepEqual(await q({ or: [{ field: "owner", op: "eq", value: "u1" }, { not: { field: "owner", op: "isNull" } }] }), [a.number, b.number]);
      // Readability: public sessions, own, member, invited.
      assert.deepEqual(await q({ readableBy: "stranger" }), [a.number, c.number]);
      assert.deepEqual(await q({ readableBy: "u2" }), [a.number, b.number, c.number]);
      assert.deepEqual(await q({ readableBy: "i1" }), [a.number, b.number, c.number]);
      assert.equal(await store.countSessions(within({ readableBy: "stranger" })), 2);
      await assert.rejects(store.querySessions({ limit: 10, where: { field: "passwordHash", op: "eq", value: "h" } }), (e) => e instanceof CoreError && e.kind === "invalid");
    });

    test("query: serviceKind reads the sessions of every service of a kind, however many services there are", async () => {
      const kind = `k${tick()}`;
      const made: number[] = [];
      for (let i = 0; i < 300; i += 1) {
        const svc = (await store.insertService({ id: `${kind}-${i}`, kind, name: `K ${i}`, description: null, settings: {}, defaultInactiveTimeoutSeconds: 0 }, () => [], tick())).service.id;
        if (i % 100 === 0) made.push((await insert({ serviceId: svc })).number);
      }
      const kinds = (w: Condition) => ids({ where: w, sort: [{ field: "number", dir: "asc" }] });
      assert.deepEqual(await kinds({ field: "serviceKind", op: "eq", value: kind }), made);
      assert.deepEqual(await kinds({ field: "serviceKind", op: "in", values: [kind, "none"] }), made);
      const others = await kinds({ field: "serviceKind", op: "ne", value: kind });
      assert.ok(others.length > 0 && others.every((n) => !made.includes(n)));
      assert.equal(await store.countSessions({ field: "serviceKind", op: "eq", value: kind }), 3);
      await assert.rejects(store.querySessions({ limit: 10, where: { field: "serviceKind", op: "like", value: "k%" } }), (e) => e instanceof CoreError && e.kind === "invalid");
    });

    test("query: a filter at every size limit at once runs, one beyond any limit is invalid, numbers beyond a column's width are no error", async () => {
      const svc = (await store.insertService({ id: "limits", kind: "generic", name: "L", description: null, settings: {}, defaultInactiveTimeoutSeconds: 0 }, () => [], tick())).service.id;
      const hit = await insert({ serviceId: svc, status: "lobby", capacity: 4, members: [{ userId: "m1", joinedAt: clock, team: null }] });
      await insert({ serviceId: svc, status: "lobby" });
      await insert({ serviceId: svc, status: "other", members: [{ userId: "m1", joinedAt: clock, team: null }] });
      const { filterTerms, filterDepth, filterValues } = DEFAULTS.limits;
      const junk = (n: number) => Array.from({ length: n }, (_, i) => `junk-${i}`);
      // filterDepth levels of and/or, each with one more condition, around an in() of filterValues values.
      let nested: Condition = { field: "status", op: "in", values: [...junk(filterValues - 1), "lobby"] };
      for (let level = 0; level < filterDepth; level += 1) {
        nested = level % 2 === 0 ? { or: [nested, { field: "name", op: "eq", value: `never-${level}` }] } : { and: [nested, { field: "name", op: "ne", value: `never-${level}` }] };
      }
      const parts: Condition[] = [
        { field: "serviceId", op: "eq", value: svc },
        nested,
        { field: "member", op: "in", values: [...junk(filterValues - 1), "m1"] },
        { field: "version", op: "lt", value: Number.MAX_SAFE_INTEGER },
        { field: "capacity", op: "ne", value: -Number.MAX_SAFE_INTEGER },
        { field: "memberCount", op: "range", from: 1, to: 2 ** 40 },
      ];
      const used = parts.length - 1 + filterDepth + 1;
      for (let i = used; i < filterTerms; i += 1) parts.push({ field: "number", op: "ne", value: -i });
      assert.deepEqual(await ids({ where: { and: parts } }), [hit.number]);
      assert.equal(await store.countSessions({ and: parts }), 1);

      const invalid = (e: unknown) => e instanceof CoreError && e.kind === "invalid";
      await assert.rejects(store.querySessions({ limit: 10, where: { and: [...parts, { field: "number", op: "ne", value: -1 }] } }), invalid);
      await assert.rejects(store.countSessions({ and: [...parts.slice(1), { not: nested }] }), invalid);
      await assert.rejects(store.querySessions({ limit: 10, where: { field: "status", op: "in", values: junk(filterValues + 1) } }), invalid);
      await assert.rejects(store.querySessions({ limit: 10, where: { field: "version", op: "eq", value: 2 ** 60 } }), invalid);
      const sort: SessionQuery["sort"] = [{ field: "number", dir: "asc" }];
      for (const forged of [[1e300, "x"], ["x", "y"], [1.5, "z"]]) {
        await assert.rejects(store.querySessions({ limit: 10, sort, cursor: encodeCursor(forged) }), invalid, JSON.stringify(forged));
      }
    });

    test("query: as many conditions as the limits are raised to compile to SQL the database accepts", async () => {
      const wide = await factory.open(NODE, () => clock, { filterTerms: 5000, filterDepth: 8, filterValues: 5000 });
      try {
        const svc = (await wide.insertService({ id: "wide", kind: "generic", name: "W", description: null, settings: {}, defaultInactiveTimeoutSeconds: 0 }, () => [], tick())).service.id;
        const made = await wide.insertSession(newSession(svc, { status: "s-2999" }), () => []);
        const many = (op: "eq" | "ne") => Array.from({ length: 3000 }, (_, i): Condition => ({ field: "status", op, value: `s-${i}` }));
        const within = (c: Condition): Condition => ({ and: [{ field: "serviceId", op: "eq", value: svc }, c] });
        assert.deepEqual((await wide.querySessions({ limit: 10, where: within({ or: many("eq") }) })).items.map((s) => s.id), [made.session.id]);
        assert.equal(await wide.countSessions(within({ and: many("ne") })), 0);
        assert.equal(await wide.countSessions(within({ field: "member", op: "in", values: Array.from({ length: 3000 }, (_, i) => `u${i}`) })), 0);
      } finally {
        await wide.close();
      }
    });

    test("query: likeCase tells case apart on every store, and GLOB's special characters are plain text in it", async () => {
      const svc = (await store.insertService({ id: "case", kind: "generic", name: "C", description: null, settings: {}, defaultInactiveTimeoutSeconds: 0 }, () => [], tick())).service.id;
      const upper = await insert({ serviceId: svc, name: "Alpha*[x]?" });
      const lower = await insert({ serviceId: svc, name: "alpha_beta 10%", attributes: { tag: "Red" } });
      const q = (c: Condition) => ids({ where: { and: [{ field: "serviceId", op: "eq", value: svc }, c] } });
      assert.deepEqual(await q({ field: "name", op: "likeCase", value: "Alpha%" }), [upper.number]);
      assert.deepEqual(await q({ field: "name", op: "likeCase", value: "alpha%" }), [lower.number]);
      assert.deepEqual(await q({ field: "name", op: "like", value: "alpha%" }), [upper.number, lower.number]);
      assert.deepEqual(await q({ field: "name", op: "likeCase", value: "%*[x]?" }), [upper.number]);
      assert.deepEqual(await q({ field: "name", op: "likeCase", value: "%[[]x]%" }), []);
      assert.deepEqual(await q({ field: "name", op: "likeCase", value: "alpha\\_beta 10\\%" }), [lower.number]);
      assert.deepEqual(await q({ field: "name", op: "likeCase", value: "alpha_beta _0%" }), [lower.number]);
      assert.deepEqual(await q({ field: "attributes.tag", op: "likeCase", value: "R%" }), [lower.number]);
      assert.deepEqual(await q({ field: "attributes.tag", op: "likeCase", value: "r%" }), []);
    });

    test("sort with a stable tie-break, offset paging, and cursor paging that returns each row once", async () => {
      const svc = (await store.insertService({ id: "pages", kind: "generic", name: "P", description: null, settings: {}, defaultInactiveTimeoutSeconds: 0 }, () => [], tick())).service.id;
      const made: Session[] = [];
      for (let i = 0; i < 25; i += 1) {
        const attributes: JsonObject = i % 6 === 0 ? {} : { game: { rank: (i % 4) * 5, server: `srv-${i % 3}` } };
        const teams = i % 4 === 0 ? null : { count: i % 3, size: 2 };
        made.push(await insert({ serviceId: svc, status: i % 3 === 0 ? null : `s${i % 4}`, capacity: i % 5 === 0 ? null : i % 5, createdAt: 1000 + (i % 7), attributes, teams }));
      }
      const where: Condition = { field: "serviceId", op: "eq", value: svc };
      for (const sort of [
        [{ field: "createdAt", dir: "asc" }],
        [{ field: "status", dir: "desc" }],
        [{ field: "capacity", dir: "asc" }, { field: "createdAt", dir: "desc" }],
        [{ field: "status", dir: "asc" }, { field: "capacity", dir: "desc" }],
        [{ field: "attributes.game.rank", dir: "desc", type: "number" }],
        [{ field: "attributes.game.server", dir: "asc" }, { field: "attributes.game.rank", dir: "desc", type: "number" }],
        [{ field: "teamCount", dir: "desc" }, { field: "memberCount", dir: "asc" }],
      ] as SessionQuery["sort"][]) {
        const all: string[] = (await store.querySessions({ where, sort, limit: 100 })).items.map((s) => s.id);
        assert.equal(all.length, 25);
        const seen: string[] = [];
        let cursor: string | undefined;
        for (let page = 0; page < 20; page += 1) {
          const r = await store.querySessions({ where, sort, limit: 4, cursor });
          seen.push(...r.items.map((s) => s.id));
          if (!r.nextCursor) break;
          cursor = r.nextCursor;
        }
        assert.deepEqual(seen, all, `cursor paging over ${JSON.stringify(sort)}`);
        const offsetPages: string[] = [];
        for (let offset = 0; offset < 25; offset += 6) offsetPages.push(...(await store.querySessions({ where, sort, limit: 6, offset })).items.map((s) => s.id));
        assert.deepEqual(offsetPages, all);
      }
      const counted = await store.querySessions({ where, limit: 3, count: true });
      assert.equal(counted.total, 25);
      assert.equal(counted.items.length, 3);
    });

    test("statistics: sessions and members per service and state, created and ended per minute, over a condition", async () => {
      const a = (await store.insertService({ id: "stats-a", kind: "generic", name: "A", description: null, settings: {}, defaultInactiveTimeoutSeconds: 0 }, () => [], tick())).service.id;
      const b = (await store.insertService({ id: "stats-b", kind: "generic", name: "B", description: null, settings: {}, defaultInactiveTimeoutSeconds: 0 }, () => [], tick())).service.id;
      const minute = 60_000;
      const base = Math.ceil(clock / minute) * minute + 10 * minute;
      const member = (userId: string) => ({ userId, joinedAt: base, team: null });
      await insert({ serviceId: a, createdAt: base, members: [member("m1"), member("m2")] });
      await insert({ serviceId: a, createdAt: base + 1000, state: "running", members: [member("m1")] });
      await insert({ serviceId: a, createdAt: base + 2 * minute, state: "ended", endReason: "closed", endedAt: base + 3 * minute, members: [member("m3")] });
      await insert({ serviceId: b, createdAt: base - 5 * minute, visibility: "private", owner: "olga", state: "ended", endReason: "expired", endedAt: base + 3 * minute + 5 });
      await insert({ serviceId: b, createdAt: base - 90 * minute, state: "pending" });
      const mine: Condition = { field: "serviceId", op: "in", values: [a, b] };
      const stats = await store.sessionStats(mine, base - 60 * minute);
      const groups = [...stats.groups].sort((x, y) => `${x.serviceId}${x.state}`.localeCompare(`${y.serviceId}${y.state}`));
      assert.deepEqual(groups, [
        { serviceId: a, state: "ended", count: 1, members: 1 },
        { serviceId: a, state: "idle", count: 1, members: 2 },
        { serviceId: a, state: "running", count: 1, members: 1 },
        { serviceId: b, state: "ended", count: 1, members: 0 },
        { serviceId: b, state: "pending", count: 1, members: 0 },
      ]);
      const m = base / minute;
      const byMinute = (rows: { minute: number; count: number }[]) => [...rows].sort((x, y) => x.minute - y.minute);
      assert.deepEqual(byMinute(stats.created), [
        { minute: m - 5, count: 1 },
        { minute: m, count: 2 },
        { minute: m + 2, count: 1 },
      ]);
      assert.deepEqual(stats.ended, [{ minute: m + 3, count: 2 }]);
      const readable = await store.sessionStats({ and: [mine, { readableBy: "stranger" }] }, base);
      assert.deepEqual(readable.ended, [{ minute: m + 3, count: 1 }]);
      assert.equal(readable.groups.reduce((n, g) => n + g.count, 0), 4);
      const none = await store.sessionStats({ field: "serviceId", op: "eq", value: "no-such-service" }, 0);
      assert.deepEqual(none, { groups: [], created: [], ended: [] });
    });

    test("text sorts and pages in byte order, whatever the database's collation", async () => {
      const svc = (await store.insertService({ id: "bytes", kind: "generic", name: "B", description: null, settings: {}, defaultInactiveTimeoutSeconds: 0 }, () => [], tick())).service.id;
      for (const name of ["b", "B", "_b", "a", "b-", "Ä", "ab"]) await insert({ serviceId: svc, name });
      const where: Condition = { field: "serviceId", op: "eq", value: svc };
      const names = async (sort: SessionQuery["sort"], cursor?: string) => (await store.querySessions({ where, sort, limit: 100, cursor })).items.map((s) => s.name);
      assert.deepEqual(await names([{ field: "name", dir: "asc" }]), ["B", "_b", "a", "ab", "b", "b-", "Ä"]);
      assert.deepEqual(await names([{ field: "name", dir: "desc" }]), ["Ä", "b-", "b", "ab", "a", "_b", "B"]);
      const first = await store.querySessions({ where, sort: [{ field: "name", dir: "asc" }], limit: 3 });
      assert.deepEqual(await names([{ field: "name", dir: "asc" }], first.nextCursor ?? undefined), ["ab", "b", "b-", "Ä"]);
    });

    test("sort by attribute paths: absent values sort as NULL (first ascending, last descending)", async () => {
      const svc = (await store.insertService({ id: "attr-sort", kind: "generic", name: "S", description: null, settings: {}, defaultInactiveTimeoutSeconds: 0 }, () => [], tick())).service.id;
      for (let i = 0; i < 14; i += 1) await insert({ serviceId: svc, attributes: i % 5 === 0 ? {} : { game: { teams: (i % 4) * 5, map: `m${i % 4}` } } });
      const where: Condition = { field: "serviceId", op: "eq", value: svc };
      const teams = (s: Session) => ((s.attributes.game as { teams?: number } | undefined)?.teams ?? null);
      const sorted = async (sort: SessionQuery["sort"]) => (await store.querySessions({ where, sort, limit: 100 })).items.map(teams);
      assert.deepEqual(await sorted([{ field: "attributes.game.teams", dir: "asc", type: "number" }]), [null, null, null, 0, 0, 0, 5, 5, 5, 10, 10, 15, 15, 15]);
      assert.deepEqual(await sorted([{ field: "attributes.game.teams", dir: "desc", type: "number" }]), [15, 15, 15, 10, 10, 5, 5, 5, 0, 0, 0, null, null, null]);
      assert.deepEqual(await sorted([{ field: "attributes.game.map", dir: "desc" }]), [15, 15, 15, 10, 10, 5, 5, 5, 0, 0, 0, null, null, null]);
      await assert.rejects(store.querySessions({ where, sort: [{ field: "attributes.a b" as "attributes.x", dir: "asc" }], limit: 1 }), (e) => e instanceof CoreError && e.kind === "invalid");
    });

    test("a stored document nested 1,001 levels deep (from before the core refused them) fails no query and still reads", async () => {
      const svc = (await store.insertService({ id: "deep", kind: "generic", name: "D", description: null, settings: {}, defaultInactiveTimeoutSeconds: 0 }, () => [], tick())).service.id;
      const deep = JSON.parse(`${'{"x":'.repeat(1001)}1${"}".repeat(1001)}`) as JsonObject;
      const plain = await insert({ serviceId: svc, attributes: { x: 1 }, client: { system: "os" } });
      const stored = await insert({ serviceId: svc, attributes: deep, client: { system: deep } as never, invited: ["i1"] });
      const within = (w: Condition): Condition => ({ and: [{ field: "serviceId", op: "eq", value: svc }, w] });
      assert.deepEqual(await ids({ where: within({ field: "attributes.x", op: "eq", value: 1 }) }), [plain.number]);
      assert.deepEqual(await ids({ where: within({ field: "client.system", op: "eq", value: "os" }) }), [plain.number]);
      assert.deepEqual(await ids({ where: within({ field: "invited", op: "eq", value: "i1" }) }), [stored.number]);
      assert.equal((await ids({ where: within({ readableBy: "i1" }), sort: [{ field: "attributes.x", dir: "desc", type: "number" }] })).length, 2);
      assert.deepEqual((await store.getSession({ id: stored.id }))?.attributes, deep);
    });

    test("a page read after a change shows the change, however the session was read before", async () => {
      const svc = (await store.insertService({ id: `pages-${tick()}`, kind: "generic", name: "P", description: null, settings: {}, defaultInactiveTimeoutSeconds: 60 }, () => [], tick())).service.id;
      const s = await insert({ serviceId: svc });
      const page = async () => (await store.querySessions({ limit: 10, where: { field: "serviceId", op: "eq", value: svc } })).items[0]!;
      await store.getSession({ id: s.id });
      await page();
      await store.mutateSession(s.id, (cur) => ({ next: { ...cur, version: cur.version + 1, name: "renamed" }, events: [] }));
      assert.deepEqual([(await page()).name, (await page()).version], ["renamed", s.version + 1]);
      const later = tick();
      await store.touchSession(s.id, later, () => []);
      assert.equal((await page()).lastActivityAt, later);
      await store.touchSessions([{ id: s.id, at: tick() }], []);
      assert.equal((await page()).lastActivityAt, clock);
      await store.mutateSession(s.id, (cur) => ({ next: { ...cur, version: cur.version + 1, members: [{ userId: "joiner", joinedAt: clock, team: null }] }, events: [] }));
      assert.deepEqual((await page()).members.map((m) => m.userId), ["joiner"]);
    });

    test("mutate: compare-and-set, no lost updates under concurrency, rollback on rejection", async () => {
      const s = await insert();
      await Promise.all(
        Array.from({ length: 30 }, () =>
          store.mutateSession(s.id, (cur) => ({ next: { ...cur, version: cur.version + 1, attributes: { n: Number(cur.attributes.n ?? 0) + 1 } }, events: [] })),
        ),
      );
      const after = await store.getSession({ id: s.id });
      assert.equal(after?.version, 30);
      assert.equal(after?.attributes.n, 30);
      await assert.rejects(
        store.mutateSession(s.id, (cur) => {
          throw new CoreError("forbidden", `no ${cur.id}`);
        }),
        (e) => e instanceof CoreError && e.kind === "forbidden",
      );
      const failing = store.mutateSession(s.id, (cur) => ({
        next: { ...cur, version: cur.version + 1, members: [{ userId: "x", joinedAt: 1, team: null }, { userId: "x", joinedAt: 2, team: null }] },
        events: [draft("member.joined", cur)],
      }));
      await assert.rejects(failing);
      const unchanged = await store.getSession({ id: s.id });
      assert.equal(unchanged?.version, 30);
      assert.deepEqual(unchanged?.members, []);
      assert.equal(await store.mutateSession(uuidv7(), (cur) => ({ next: cur, events: [] })), null);
    });

    test("mutate: member changes keep join order and teams; a null next deletes", async () => {
      const s = await insert({ members: [{ userId: "a", joinedAt: 1, team: 0 }] });
      const step = (fn: (cur: Session) => Session) => store.mutateSession(s.id, (cur) => ({ next: { ...fn(cur), version: cur.version + 1 }, events: [] }));
      await step((cur) => ({ ...cur, members: [...cur.members, { userId: "b", joinedAt: 2, team: 1 }, { userId: "c", joinedAt: 2, team: 0 }] }));
      await step((cur) => ({ ...cur, members: cur.members.filter((m) => m.userId !== "a") }));
      await step((cur) => ({ ...cur, members: [...cur.members.map((m) => (m.userId === "c" ? { ...m, team: 1 } : m)), { userId: "a", joinedAt: 3, team: 0 }] }));
      await step((cur) => ({ ...cur, teams: { count: 2, size: 0 } }));
      const got = await store.getSession({ id: s.id });
      assert.deepEqual(got?.members.map((m) => [m.userId, m.team]), [["b", 1], ["c", 1], ["a", 0]]);
      assert.deepEqual(got?.teams, { count: 2, size: 0 });
      await step((cur) => ({ ...cur, teams: null }));
      assert.equal((await store.getSession({ id: s.id }))?.teams, null);
      const deleted = await store.mutateSession(s.id, () => ({ next: null, events: [draft("session.deleted", s)] }));
      assert.equal(deleted?.deleted, true);
      assert.equal(await store.getSession({ id: s.id }), null);
    });

    test("concurrent capacity-checked joins never exceed capacity", async () => {
      const s = await insert({ capacity: 10 });
      const results = await Promise.allSettled(
        Array.from({ length: 60 }, (_, i) =>
          store.mutateSession(s.id, (cur) => {
            if (cur.capacity !== null && cur.members.length >= cur.capacity) throw new CoreError("session-full", "full");
            return { next: { ...cur, version: cur.version + 1, members: [...cur.members, { userId: `u${i}`, joinedAt: tick(), team: null }] }, events: [] };
          }),
        ),
      );
      assert.equal(results.filter((r) => r.status === "fulfilled").length, 10);
      const got = await store.getSession({ id: s.id });
      assert.equal(got?.members.length, 10);
      assert.equal(got?.version, 10);
    });

    test("idempotent insert returns the first session, also under concurrency", async () => {
      const claim = { scope: "user:alice|test", key: "k-1", expiresAt: clock + 3_600_000 };
      const results = await Promise.all(
        Array.from({ length: 8 }, () => store.insertSession(newSession(service, { name: "idem" }), (s) => [draft("session.created", s)], claim)),
      );
      const idsSeen = new Set(results.map((r) => r.session.id));
      assert.equal(idsSeen.size, 1);
      assert.equal(results.filter((r) => !r.replayed).length, 1);
      assert.equal(await store.countSessions({ field: "name", op: "eq", value: "idem" }), 1);
    });

    test("quotas: concurrent inserts never exceed one; a refused insert writes nothing; a replay is not counted again", async () => {
      const quota = { key: "conf-quota", where: { field: "name", op: "eq" as const, value: "quota" }, max: 3, message: "full" };
      const before = await store.lastEventSeq();
      const results = await Promise.allSettled(
        Array.from({ length: 12 }, () => store.insertSession(newSession(service, { name: "quota" }), (s) => [draft("session.created", s)], undefined, [quota])),
      );
      assert.equal(results.filter((r) => r.status === "fulfilled").length, 3);
      assert.ok(results.every((r) => r.status === "fulfilled" || (r.reason instanceof CoreError && r.reason.kind === "too-many" && r.reason.message === "full")));
      assert.equal(await store.countSessions(quota.where), 3);
      assert.equal((await store.readEvents(before, 1000)).length, 3, "refused inserts record no event");
      const other = { ...quota, key: "conf-quota-other", where: { field: "name", op: "eq" as const, value: "elsewhere" } };
      await store.insertSession(newSession(service, { name: "elsewhere" }), () => [], undefined, [quota, other]);
      assert.equal(await store.countSessions(other.where), 1, "a full quota does not refuse what its condition does not match");
    });

    test("writes in the same turn: each is whole, one that fails undoes only itself, and reads after them see all", async () => {
      const s = await insert({ timeoutSeconds: 10, expiresAt: clock + 10_000 });
      const later = s.lastActivityAt + 5000;
      const [touched, renamed, failed, made] = await Promise.allSettled([
        store.touchSession(s.id, later, () => []),
        store.mutateSession(s.id, (cur) => ({ next: { ...cur, version: cur.version + 1, name: "same-turn" }, events: [draft("session.updated", cur)] })),
        store.mutateSession(s.id, () => {
          throw new CoreError("conflict", "refused");
        }),
        store.insertSession(newSession(service, { name: "same-turn-new" }), (n) => [draft("session.created", n)]),
      ]);
      assert.equal(touched.status, "fulfilled");
      assert.equal(renamed.status, "fulfilled");
      assert.ok(failed.status === "rejected" && failed.reason instanceof CoreError && failed.reason.kind === "conflict");
      assert.equal(made.status, "fulfilled");
      const got = await store.getSession({ id: s.id });
      assert.equal(got?.name, "same-turn");
      assert.equal(got?.version, 1);
      assert.equal(got?.lastActivityAt, later);
      assert.equal(await store.countSessions({ field: "name", op: "eq", value: "same-turn-new" }), 1);
    });

    test("a page read again after any kind of write shows that write, and nothing else changes it", async () => {
      const svc = (await store.insertService({ id: "reread", kind: "generic", name: "R", description: null, settings: {}, defaultInactiveTimeoutSeconds: 0 }, () => [], tick())).service.id;
      const open = await insert({ serviceId: svc, timeoutSeconds: 10, expiresAt: clock + 10_000 });
      const closed = await insert({ serviceId: svc, visibility: "private" });
      const query: SessionQuery = { where: { and: [{ field: "serviceId", op: "eq", value: svc }, { readableBy: "bob" }] }, sort: [{ field: "createdAt", dir: "desc" }], limit: 10, count: true };
      const read = async () => {
        const page = await store.querySessions(query);
        return { ids: page.items.map((s) => s.id), total: page.total, names: page.items.map((s) => s.name), active: page.items.map((s) => s.lastActivityAt) };
      };
      const first = await read();
      assert.deepEqual(first.ids, [open.id]);
      assert.deepEqual(await read(), first, "a second read, nothing written between");

      await store.touchSession(open.id, open.lastActivityAt + 500, () => []);
      assert.deepEqual((await read()).active, [open.lastActivityAt + 500], "a heartbeat");

      await store.mutateSession(closed.id, (cur) => ({ next: { ...cur, version: cur.version + 1, members: [{ userId: "bob", joinedAt: clock, team: null }] }, events: [] }));
      const joined = await read();
      assert.deepEqual(joined.ids, [closed.id, open.id], "a member may read the private session");
      assert.equal(joined.total, 2);

      await assert.rejects(store.mutateSession(open.id, () => {
        throw new CoreError("conflict", "refused");
      }));
      assert.deepEqual(await read(), joined, "a refused write changes nothing");

      await store.mutateSession(open.id, (cur) => ({ next: { ...cur, version: cur.version + 1, name: "renamed" }, events: [] }));
      assert.deepEqual((await read()).names, [null, "renamed"]);

      await store.mutateSession(open.id, () => ({ next: null, events: [] }));
      assert.deepEqual((await read()).ids, [closed.id], "a deletion");
      await insert({ serviceId: svc });
      assert.equal((await read()).total, 2, "a creation");
    });

    test("activity marks move lastActivityAt forward only, keep the version, and recompute the expiry", async () => {
      const s = await insert({ timeoutSeconds: 10, expiresAt: clock + 10_000 });
      const later = s.lastActivityAt + 5000;
      const events = await store.touchSessions([{ id: s.id, at: later }], [draft("session.activity", s)]);
      assert.equal(events.length, 1);
      await store.touchSessions([{ id: s.id, at: s.lastActivityAt }], []);
      const got = await store.getSession({ id: s.id });
      assert.equal(got?.lastActivityAt, later);
      assert.equal(got?.expiresAt, later + 10_000);
      assert.equal(got?.version, 0);
    });

    test("due sessions and retention", async () => {
      const due = await insert({ expiresAt: 5 });
      const scheduled = await insert({ expiresAt: null, endAt: 6, endAtReason: "killed" });
      const notDue = await insert({ expiresAt: Number.MAX_SAFE_INTEGER });
      const found = await store.dueSessions(10, 1000);
      assert.ok(found.includes(due.id) && found.includes(scheduled.id));
      assert.ok(!found.includes(notDue.id));
      await store.mutateSession(due.id, (cur) => ({ next: { ...cur, state: "ended", endReason: "expired", endedAt: 7, expiresAt: null, version: cur.version + 1 }, events: [] }));
      assert.ok(!(await store.dueSessions(10, 1000)).includes(due.id));
      assert.ok((await store.purgeEnded(8, 100)) >= 1);
      assert.equal(await store.getSession({ id: due.id }), null);

      // Scheduled ends alone, earliest first; ended sessions do not count.
      const later = await insert({ expiresAt: 1, endAt: 20, endAtReason: "failed" });
      await insert({ state: "ended", endedAt: 2, expiresAt: null, endAt: 3, endAtReason: "killed" });
      assert.equal(await store.nextScheduledEnd(), 6);
      assert.deepEqual(await store.scheduledEndsDue(10, 1000), [scheduled.id]);
      assert.deepEqual(await store.scheduledEndsDue(30, 1000), [scheduled.id, later.id]);
      assert.deepEqual(await store.scheduledEndsDue(30, 1), [scheduled.id]);
      for (const s of [scheduled, later]) {
        await store.mutateSession(s.id, (cur) => ({ next: { ...cur, state: "ended", endReason: "killed", endedAt: 9, version: cur.version + 1 }, events: [] }));
        assert.equal(await store.nextScheduledEnd(), s === scheduled ? 20 : null);
      }
    });

    test("due sessions: the limit holds with both kinds due, and each kind is found", async () => {
      const expiring = await Promise.all([1, 2, 3].map((i) => insert({ expiresAt: 100 + i })));
      const scheduled = await Promise.all([1, 2, 3].map((i) => insert({ expiresAt: null, endAt: 100 + i, endAtReason: "killed" })));
      const all = await store.dueSessions(200, 1000);
      for (const s of [...expiring, ...scheduled]) assert.ok(all.includes(s.id));
      for (const limit of [1, 2, 4, 5]) {
        const some = await store.dueSessions(200, limit);
        assert.equal(some.length, limit);
        assert.equal(new Set(some).size, limit, "each once");
        assert.ok(some.every((id) => all.includes(id)));
      }
      const end = (cur: Session) => ({ next: { ...cur, state: "ended" as const, endReason: "expired" as const, endedAt: 150, expiresAt: null, version: cur.version + 1 }, events: [] });
      await store.mutateSessions([...expiring, ...scheduled].map((s) => s.id), end);
      assert.ok(!(await store.dueSessions(200, 1000)).some((id) => [...expiring, ...scheduled].some((s) => s.id === id)));
    });

    test("mutateSessions: each session in the order given, the missing left out, one transaction", async () => {
      const [a, b, c] = [await insert({ name: "batch" }), await insert({ name: "batch" }), await insert({ name: "batch" })];
      const rename = (cur: Session) =>
        cur.id === b!.id ? null : { next: { ...cur, name: `renamed ${cur.number}`, version: cur.version + 1 }, events: [draft("session.updated", cur)] };
      const results = await store.mutateSessions([c!.id, uuidv7(), a!.id, b!.id, c!.id], rename);
      assert.deepEqual(results.map((r) => [r.session.id, r.changed]), [[c!.id, true], [a!.id, true], [b!.id, false]]);
      assert.deepEqual(results.map((r) => r.events.length), [1, 1, 0]);
      assert.equal((await store.getSession({ id: a!.id }))?.name, `renamed ${a!.number}`);
      assert.equal((await store.getSession({ id: a!.id }))?.version, 1);
      assert.equal((await store.getSession({ id: b!.id }))?.version, 0);
      await assert.rejects(
        store.mutateSessions([a!.id, b!.id], (cur) => {
          if (cur.id === b!.id) throw new CoreError("forbidden", "no");
          return { next: { ...cur, name: "lost", version: cur.version + 1 }, events: [] };
        }),
        (e) => e instanceof CoreError && e.kind === "forbidden",
      );
      assert.equal((await store.getSession({ id: a!.id }))?.name, `renamed ${a!.number}`, "a throw rolls back the whole batch");
      assert.deepEqual(await store.mutateSessions([], rename), []);
      const gone = await store.mutateSessions([c!.id], () => ({ next: null, events: [] }));
      assert.equal(gone[0]?.deleted, true);
      assert.equal(await store.getSession({ id: c!.id }), null);
    });

    test("mutate writes what changed alone, and still compares and sets on the version", async () => {
      const s = await insert({ attributes: { a: 1 }, client: { userAgent: "v" } });
      const same = await store.mutateSession(s.id, (cur) => ({ next: { ...cur, attributes: { a: 1 }, client: { ...cur.client } }, events: [] }));
      assert.equal(same?.changed, true);
      assert.deepEqual((await store.getSession({ id: s.id }))?.attributes, { a: 1 });
      await store.mutateSession(s.id, (cur) => ({ next: { ...cur, attributes: { a: 2 }, version: cur.version + 1 }, events: [] }));
      const got = await store.getSession({ id: s.id });
      assert.deepEqual([got?.attributes, got?.client, got?.version], [{ a: 2 }, { userAgent: "v" }, 1]);
      await assert.rejects(
        store.mutateSession(s.id, (cur) => ({ next: { ...cur, version: cur.version + 1, members: [{ userId: "x", joinedAt: 1, team: null }, { userId: "x", joinedAt: 2, team: null }] }, events: [] })),
      );
      assert.equal((await store.getSession({ id: s.id }))?.version, 1);
    });

    test("touchSession: one activity mark now, forward only, the version kept, the expiry recomputed", async () => {
      const s = await insert({ timeoutSeconds: 10, expiresAt: clock + 10_000 });
      const later = s.lastActivityAt + 5000;
      const made: string[] = [];
      const touched = await store.touchSession(s.id, later, (next) => {
        made.push(`${next.lastActivityAt}`);
        return [draft("session.activity", next)];
      });
      assert.deepEqual([touched?.touched, touched?.session.lastActivityAt, touched?.session.expiresAt, touched?.session.version], [true, later, later + 10_000, 0]);
      assert.deepEqual(made, [`${later}`], "the events are made of the session after the mark");
      assert.equal(touched?.events.length, 1);
      const back = await store.touchSession(s.id, s.lastActivityAt, () => []);
      assert.equal(back?.session.lastActivityAt, later, "never backwards");
      assert.equal((await store.getSession({ id: s.id }))?.expiresAt, later + 10_000);
      const running = await insert({ state: "running", timeoutSeconds: 10, expiresAt: null });
      assert.equal((await store.touchSession(running.id, later, () => []))?.session.expiresAt, null, "no expiry while running");
      const ended = await insert({ state: "ended", endReason: "closed", endedAt: clock, expiresAt: null });
      const untouched = await store.touchSession(ended.id, later + 1, () => [draft("session.activity", ended)]);
      assert.deepEqual([untouched?.touched, untouched?.events.length, untouched?.session.lastActivityAt], [false, 0, ended.lastActivityAt]);
      assert.equal(await store.touchSession(uuidv7(), later, () => []), null);
    });

    test("counts by service and state stay exact through every write: insert, members, state, deletes, purges, a service deleted", async () => {
      const svc = (await store.insertService({ id: "tally", kind: "generic", name: "T", description: null, settings: {}, defaultInactiveTimeoutSeconds: 0 }, () => [], tick())).service.id;
      const inSvc: Condition = { field: "serviceId", op: "eq", value: svc };
      // The same sessions by a condition no tally can answer: every count is checked against the rows.
      const scanned = (c: Condition): Condition => ({ and: [c, { field: "number", op: "gt", value: 0 }] });
      const member = (userId: string) => ({ userId, joinedAt: clock, team: null });
      const check = async () => {
        for (const c of [inSvc, ...(["pending", "idle", "running", "ended"] as const).map((state): Condition => ({ and: [inSvc, { field: "state", op: "eq", value: state }] }))]) {
          assert.equal(await store.countSessions(c), await store.countSessions(scanned(c)), JSON.stringify(c));
        }
        const sort = (g: { state: string }[]) => [...g].sort((x, y) => x.state.localeCompare(y.state));
        const stats = await store.sessionStats(inSvc, 0);
        assert.deepEqual(sort(stats.groups), sort((await store.sessionStats(scanned(inSvc), 0)).groups));
        const counts = (await store.sessionCounts()).filter((c) => c.serviceId === svc);
        assert.deepEqual(sort(counts), sort(stats.groups.map((g) => ({ serviceId: g.serviceId, state: g.state, count: g.count }))));
        return stats.groups.reduce((n, g) => n + g.count, 0);
      };
      assert.equal(await check(), 0);
      const a = await insert({ serviceId: svc, members: [member("m1"), member("m2")] });
      const b = await insert({ serviceId: svc, state: "pending" });
      await insert({ serviceId: svc, state: "running", members: [member("m3")] });
      assert.equal(await check(), 3);
      await store.mutateSession(a.id, (cur) => ({ next: { ...cur, members: [...cur.members, member("m4")], version: cur.version + 1 }, events: [] }));
      await store.mutateSession(a.id, (cur) => ({ next: { ...cur, members: cur.members.slice(1), version: cur.version + 1 }, events: [] }));
      await store.mutateSession(b.id, (cur) => ({ next: { ...cur, state: "idle", members: [member("m5")], version: cur.version + 1 }, events: [] }));
      await store.touchSessions([{ id: a.id, at: clock + 1 }], []);
      await store.touchSession(b.id, clock + 1, () => []);
      assert.equal(await check(), 3);
      const stats = await store.sessionStats(inSvc, 0);
      assert.equal(stats.groups.find((g) => g.state === "idle")?.members, 3);
      await store.mutateSessions([a.id, b.id], (cur) => ({ next: { ...cur, state: "ended", endReason: "closed", endedAt: 10, expiresAt: null, version: cur.version + 1 }, events: [] }));
      assert.equal(await check(), 3);
      assert.ok((await store.purgeEnded(11, 1000)) >= 2);
      assert.equal(await check(), 1);
      const d = await insert({ serviceId: svc });
      await store.mutateSession(d.id, () => ({ next: null, events: [] }));
      assert.equal(await check(), 1);
      await insert({ serviceId: svc });
      assert.equal((await store.deleteService(svc, true, [])).deleted, true);
      assert.equal(await check(), 0);
    });

    test("log lines: positions per stream, filters, statistics and tails", async () => {
      const s = await insert();
      await store.appendLog(s.id, [
        { stream: "log", type: "source", text: "1 print a" },
        { stream: "log", type: "normal", text: "a" },
        { stream: "listing", type: "normal", text: "a" },
        { stream: "log", type: "warning", text: "WARNING: w", jobId: "job-1" },
      ], [draft("log.appended", s)], tick());
      const log = await store.readLog(s.id, { stream: "log", limit: 10 });
      assert.deepEqual(log.lines.map((l) => [l.position, l.type, l.text]), [[0, "source", "1 print a"], [1, "normal", "a"], [2, "warning", "WARNING: w"]]);
      assert.equal(log.total, 3);
      assert.equal((await store.readLog(s.id, { stream: "log", limit: 1, from: 1 })).lines[0]?.text, "a");
      assert.deepEqual((await store.readLog(s.id, { stream: "log", limit: 10, types: ["warning"] })).lines.map((l) => l.position), [2]);
      assert.deepEqual((await store.readLog(s.id, { stream: "log", limit: 10, jobId: "job-1" })).lines.map((l) => l.position), [2]);
      const stats = (await store.logStats([s.id])).get(s.id);
      assert.equal(stats?.log.count, 3);
      assert.equal(stats?.listing.count, 1);
      const tail = (await store.tailLogs([s.id], "log", 2)).get(s.id);
      assert.deepEqual(tail?.map((l) => l.position), [1, 2]);
      const other = await insert();
      await store.appendLog(other.id, [{ stream: "log", type: "normal", text: "b" }], [], tick());
      const silent = await insert();
      const tails = await store.tailLogs([other.id, s.id, silent.id, s.id], "log", 2);
      assert.deepEqual([...tails].map(([id, lines]) => [id, lines.map((l) => l.position)]), [[other.id, [0]], [s.id, [1, 2]], [silent.id, []]], "each asked session once, its last lines in order");
      assert.deepEqual((await store.tailLogs([s.id], "listing", 5)).get(s.id)?.map((l) => l.text), ["a"]);
      assert.deepEqual((await store.tailLogs([s.id], "log", 0)).get(s.id), []);
      const viaMutation = await store.mutateSession(s.id, (cur) => ({ next: { ...cur, version: cur.version + 1 }, events: [], log: [{ stream: "log", type: "note", text: "NOTE: n" }] }));
      assert.ok(viaMutation);
      assert.equal((await store.readLog(s.id, { stream: "log", limit: 10 })).lines.at(-1)?.position, 3);
      await assert.rejects(store.appendLog(uuidv7(), [{ stream: "log", type: "normal", text: "x" }], [], tick()), (e) => e instanceof CoreError && e.kind === "not-found");
    });

    test("jobs: FIFO sequence, states, most recent per session", async () => {
      const s = await insert();
      const make = (code: string) =>
        store.insertJob({ id: uuidv7(), sessionId: s.id, name: null, description: null, code, state: "pending", conditionCode: 0, nodeId: NODE, attributes: {}, createdAt: tick(), startedAt: null, endedAt: null, stateChangedAt: clock, version: 0 }, []);
      const one = (await make("a")).job;
      const two = (await make("b")).job;
      assert.deepEqual([one.seq, two.seq], [1, 2]);
      const done = await store.mutateJob(one.id, (cur) => ({ next: { ...cur, state: "completed", endedAt: tick(), version: cur.version + 1 }, events: [] }));
      assert.equal(done?.job.state, "completed");
      assert.deepEqual((await store.listJobs(s.id, ["pending"])).map((j) => j.id), [two.id]);
      assert.deepEqual((await store.recentJobs([s.id], 1)).get(s.id)?.map((j) => j.id), [two.id]);
      const none = await insert();
      const recent = await store.recentJobs([s.id, none.id, s.id], 5);
      assert.deepEqual([...recent].map(([id, jobs]) => [id, jobs.map((j) => j.id)]), [[s.id, [two.id, one.id]], [none.id, []]], "latest first, each asked session once");
      assert.equal((await store.getJob(one.id))?.code, "a");
    });

    test("batch reads: many sessions, few with lines or jobs, each cut at its own limit", async () => {
      const silent = await Promise.all(Array.from({ length: 40 }, () => insert()));
      const long = await insert();
      const short = await insert();
      const listingOnly = await insert();
      await store.appendLog(long.id, Array.from({ length: 30 }, (_, i) => ({ stream: "log" as const, type: "normal" as const, text: `l${i}` })), [], tick());
      await store.appendLog(short.id, [{ stream: "log", type: "normal", text: "only" }], [], tick());
      await store.appendLog(listingOnly.id, [{ stream: "listing", type: "normal", text: "x" }], [], tick());
      const asked = [...silent.slice(0, 20).map((s) => s.id), long.id, short.id, listingOnly.id, ...silent.slice(20).map((s) => s.id)];
      const tails = await store.tailLogs(asked, "log", 4);
      assert.deepEqual([...tails.keys()], asked, "every asked session, in the order asked");
      assert.deepEqual(tails.get(long.id)?.map((l) => l.text), ["l26", "l27", "l28", "l29"]);
      assert.deepEqual(tails.get(short.id)?.map((l) => l.text), ["only"]);
      assert.deepEqual(tails.get(listingOnly.id), []);
      assert.equal(asked.filter((id) => tails.get(id)!.length === 0).length, 41);
      assert.deepEqual((await store.tailLogs(asked, "listing", 4)).get(listingOnly.id)?.map((l) => l.text), ["x"]);

      const job = (sessionId: string, code: string) => ({ id: uuidv7(), sessionId, name: null, description: null, code, state: "pending" as const, conditionCode: 0, nodeId: NODE, attributes: {}, createdAt: tick(), startedAt: null, endedAt: null, stateChangedAt: clock, version: 0 });
      const busy = [long, short].map((s) => [s.id, [] as string[]] as const);
      for (const [id, made] of busy) for (const code of ["a", "b", "c", "d", "e"]) made.push((await store.insertJob(job(id, code), [])).job.id);
      // A deleted job leaves a gap in its session's sequence.
      await store.mutateJob(busy[0]![1][3]!, () => ({ next: null, events: [] }));
      const recent = await store.recentJobs(asked, 3);
      assert.deepEqual([...recent.keys()], asked);
      assert.deepEqual(recent.get(long.id)?.map((j) => j.code), ["e", "c", "b"], "newest first, across the gap");
      assert.deepEqual(recent.get(short.id)?.map((j) => j.code), ["e", "d", "c"]);
      assert.equal(asked.filter((id) => recent.get(id)!.length === 0).length, 41);
      assert.deepEqual((await store.recentJobs([short.id], 10)).get(short.id)?.map((j) => j.code), ["e", "d", "c", "b", "a"]);
      assert.deepEqual((await store.tailLogs([], "log", 3)).size, 0);
      assert.deepEqual((await store.recentJobs([], 3)).size, 0);
    });

    test("batch reads after writes show them: lines, lines of a mutation, jobs, deletions", async () => {
      const s = await insert();
      const gone = await insert();
      const read = async (id: string) => ({
        stats: (await store.logStats([id])).get(id),
        tail: (await store.tailLogs([id], "log", 5)).get(id)?.map((l) => l.text),
        listing: (await store.tailLogs([id], "listing", 5)).get(id)?.map((l) => l.text),
        jobs: (await store.recentJobs([id], 5)).get(id)?.map((j) => j.code),
      });
      const none = { log: { count: 0, lastAt: null }, listing: { count: 0, lastAt: null } };
      assert.deepEqual(await read(s.id), { stats: none, tail: [], listing: [], jobs: [] });
      const at = tick();
      await store.appendLog(s.id, [{ stream: "log", type: "normal", text: "one" }], [], at);
      assert.deepEqual(await read(s.id), { stats: { log: { count: 1, lastAt: at }, listing: { count: 0, lastAt: null } }, tail: ["one"], listing: [], jobs: [] });
      await store.mutateSession(s.id, (cur) => ({ next: { ...cur, version: cur.version + 1 }, events: [], log: [{ stream: "listing", type: "normal", text: "two" }] }));
      const after = await read(s.id);
      assert.equal(after.stats?.listing.count, 1);
      assert.deepEqual(after.listing, ["two"]);
      const job = { id: uuidv7(), sessionId: s.id, name: null, description: null, code: "j", state: "pending" as const, conditionCode: 0, nodeId: NODE, attributes: {}, createdAt: tick(), startedAt: null, endedAt: null, stateChangedAt: clock, version: 0 };
      await store.insertJob(job, []);
      assert.deepEqual((await read(s.id)).jobs, ["j"]);
      const events = async (since: number) => (await store.countEvents([s.id, gone.id], since)).get(s.id) ?? 0;
      const from = tick();
      assert.equal(await events(from), 0);
      await store.insertEvents([draft("session.activity", s)]);
      assert.equal(await events(from), 1, "an event recorded after a count is counted");
      assert.equal(await events(clock + 1), 0, "a later window leaves it out");
      assert.equal(await events(from - 10_000_000), (await store.countEvents([s.id], 0)).get(s.id), "an earlier window counts what it holds");
      assert.equal(await events(from), 1);
      while ((await store.purgeHistory(clock + 1, clock, 1000)) > 0) {
        /* every event recorded so far */
      }
      assert.equal(await events(from), 0, "purged events are not counted");
      await store.insertEvents(Array.from({ length: 70 }, () => draft("session.activity", s)));
      assert.equal(await events(from), 70);
      assert.equal(await events(from), 70, "many events, counted again");
      await store.insertEvents([draft("session.activity", s)]);
      assert.equal(await events(from), 71);

      await store.appendLog(gone.id, [{ stream: "log", type: "normal", text: "x" }], [], tick());
      await store.insertJob({ ...job, id: uuidv7(), sessionId: gone.id }, []);
      assert.equal((await read(gone.id)).stats?.log.count, 1);
      await store.mutateSession(gone.id, () => ({ next: null, events: [] }));
      assert.deepEqual(await read(gone.id), { stats: none, tail: [], listing: [], jobs: [] }, "a deleted session's lines and jobs went with it");
      const ended = await insert();
      await store.appendLog(ended.id, [{ stream: "log", type: "normal", text: "x" }], [], tick());
      assert.equal((await read(ended.id)).stats?.log.count, 1);
      await store.mutateSession(ended.id, (cur) => ({ next: { ...cur, state: "ended", endReason: "closed", endedAt: 1, expiresAt: null, version: cur.version + 1 }, events: [] }));
      while ((await store.purgeEnded(2, 1000)) > 0) {
        /* every ended session before the cutoff */
      }
      assert.deepEqual(await read(ended.id), { stats: none, tail: [], listing: [], jobs: [] }, "a purged session's lines went with it");
    });

    test("jobs: a queue limit is decided in the insert, also for concurrent inserts; finished jobs free their place", async () => {
      const s = await insert();
      const job = () => ({ id: uuidv7(), sessionId: s.id, name: null, description: null, code: "x", state: "pending" as const, conditionCode: 0, nodeId: NODE, attributes: {}, createdAt: tick(), startedAt: null, endedAt: null, stateChangedAt: clock, version: 0 });
      const queue = { max: 3, message: "full" };
      const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => store.insertJob(job(), [draft("job.created", s)], queue)));
      assert.equal(outcomes.filter((o) => o.status === "fulfilled").length, 3);
      for (const o of outcomes) if (o.status === "rejected") assert.ok(o.reason instanceof CoreError && o.reason.kind === "too-many" && o.reason.message === "full");
      assert.equal((await store.listJobs(s.id)).length, 3, "a refused job writes nothing");
      const first = (await store.listJobs(s.id))[0]!;
      await store.mutateJob(first.id, (cur) => ({ next: { ...cur, state: "completed", endedAt: tick(), version: cur.version + 1 }, events: [] }));
      assert.equal((await store.insertJob(job(), [], queue)).job.seq, 4);
    });

    test("events: sequence, reading after a point, counts per session, and purging", async () => {
      const s = await insert();
      const start = await store.lastEventSeq();
      const written = await store.insertEvents([draft("session.activity", s), draft("session.updated", s)]);
      assert.deepEqual(written.map((e) => e.seq), [start + 1, start + 2]);
      const read = await store.readEvents(start, 10);
      assert.deepEqual(read.map((e) => e.type), ["session.activity", "session.updated"]);
      assert.equal(read[0]?.nodeId, NODE);
      assert.equal((await store.countEvents([s.id], 0)).get(s.id), 3);
      await store.insertEvents([draft("session.ended", s), draft("session.activity", s)]);
      const recent = await store.readEventsBefore(Number.MAX_SAFE_INTEGER, 2, ["session.activity"]);
      assert.deepEqual(recent.map((e) => e.type), ["session.ended", "session.updated"]);
      const earlier = await store.readEventsBefore(recent[1]!.seq, 1, []);
      assert.deepEqual(earlier.map((e) => [e.seq, e.type]), [[start + 1, "session.activity"]]);
      const held = (await store.readEvents(0, 100_000)).length;
      assert.equal(await store.purgeHistory(Number.MAX_SAFE_INTEGER, clock, 2), 2, "a batch of the limit");
      assert.equal((await store.readEvents(0, 100_000)).length, held - 2);
      assert.equal(await store.purgeHistory(0, clock, 2), 0, "nothing recorded before the cutoff");
      while ((await store.purgeHistory(Number.MAX_SAFE_INTEGER, clock, 2)) === 2) {
        /* the rest, in batches */
      }
      assert.equal((await store.readEvents(0, 10)).length, 0);
    });

    test("users and tokens: unique device ids, numbers, revocation, cascade", async () => {
      const u = await store.insertUser({ id: "dev1", roles: [], passwordHash: null, deviceId: "device-1", clientType: "phone", attributes: { email: "" }, disabled: false }, tick());
      assert.ok(u.number > 0);
      await assert.rejects(store.insertUser({ id: "dev2", roles: [], passwordHash: null, deviceId: "device-1", clientType: null, attributes: {}, disabled: false }, tick()), (e) => e instanceof CoreError && e.kind === "already-exists");
      assert.equal((await store.getUserByDeviceId("device-1"))?.id, "dev1");
      assert.equal((await store.getUserByNumber(u.number))?.id, "dev1");
      await store.insertToken({ id: "t1", userId: "dev1", name: null, issuer: "test", hash: "h1", createdAt: clock, expiresAt: null, revokedAt: null });
      assert.equal((await store.getTokenByHash("h1"))?.id, "t1");
      assert.equal((await store.getToken("t1"))?.hash, "h1");
      assert.equal(await store.getToken("nope"), null);
      const revoked = await store.revokeToken("t1", tick());
      assert.ok(revoked?.revokedAt);
      const pw = await store.insertUser({ id: "pw1", roles: [], passwordHash: "hash", deviceId: null, clientType: null, attributes: {}, disabled: false }, tick());
      await store.insertUser({ id: "pw2", roles: [], passwordHash: "hash", deviceId: null, clientType: null, attributes: {}, disabled: true }, tick());
      assert.deepEqual((await store.listPasswordUsers()).map((x) => x.id), [pw.id], "a password, and not disabled");
      const updated = await store.updateUser("dev1", { roles: ["admin"], disabled: true }, tick());
      assert.deepEqual(updated?.roles, ["admin"]);
      assert.equal((await store.getUser("dev1"))?.disabled, true);
      assert.ok(await store.deleteUser("dev1"));
      assert.equal(await store.getTokenByHash("h1"), null);
      await store.setMeta("k", "v1");
      await store.setMeta("k", "v2");
      assert.equal(await store.getMeta("k"), "v2");
    });

    test("users and tokens: a user with its first token in one insert; a token inserted once per hash, also concurrently", async () => {
      const token = (id: string, userId: string, hash: string) => ({ id, userId, name: null, issuer: "test", hash, createdAt: clock, expiresAt: null, revokedAt: null });
      const user = { id: "first", roles: ["admin"], passwordHash: null, deviceId: null, clientType: null, attributes: {}, disabled: false };
      await store.insertUser(user, tick(), token("ft1", "first", "first-hash"));
      assert.equal((await store.getTokenByHash("first-hash"))?.userId, "first");
      // A user that cannot be inserted takes its token with it.
      await assert.rejects(store.insertUser(user, tick(), token("ft2", "first", "other-hash")), (e) => e instanceof CoreError && e.kind === "already-exists");
      assert.equal(await store.getTokenByHash("other-hash"), null);
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) => store.insertTokenIfNew(token(`once-${i}`, "first", "once-hash"))));
      assert.deepEqual(results.filter(Boolean), [true]);
      assert.equal((await store.listTokens("first")).filter((t) => t.hash === "once-hash").length, 1);
      assert.equal(await store.insertTokenIfNew(token("ft3", "first", "first-hash")), false);
      assert.ok(await store.deleteUser("first"));
    });

    test("family records: insert-only, compare-and-set, listing, bytes, and deletion with their session", async () => {
      const s = await insert();
      const first = await store.putRecord({ namespace: "fam.files", key: `${s.id}/a`, sessionId: s.id, doc: { n: 1 }, blob: new Uint8Array([1, 2, 3]) }, null, tick());
      assert.equal(first.version, 1);
      await assert.rejects(store.putRecord({ namespace: "fam.files", key: `${s.id}/a`, doc: {} }, null, tick()), (e) => e instanceof CoreError && e.kind === "already-exists");
      await assert.rejects(store.putRecord({ namespace: "fam.files", key: `${s.id}/a`, sessionId: s.id, doc: {} }, 7, tick()), (e) => e instanceof CoreError && e.kind === "version-conflict");
      const second = await store.putRecord({ namespace: "fam.files", key: `${s.id}/a`, sessionId: s.id, doc: { n: 2 } }, 1, tick());
      assert.equal(second.version, 2);
      assert.deepEqual([...(second.blob ?? [])], [1, 2, 3], "bytes kept when not given");
      await store.putRecord({ namespace: "fam.files", key: `${s.id}/b`, sessionId: s.id, doc: {}, blob: new Uint8Array(10) }, undefined, tick());
      await store.putRecord({ namespace: "fam.other", key: "z", doc: { global: true } }, undefined, tick());
      assert.deepEqual((await store.listRecords("fam.files", { sessionId: s.id, limit: 10 })).map((r) => r.key), [`${s.id}/a`, `${s.id}/b`]);
      assert.deepEqual((await store.listRecords("fam.files", { prefix: `${s.id}/`, after: `${s.id}/a`, limit: 10 })).map((r) => r.key), [`${s.id}/b`]);
      assert.equal(await store.recordBytes("fam.files", s.id), 13);
      assert.deepEqual((await store.getRecord("fam.files", `${s.id}/a`))?.doc, { n: 2 });
      await assert.rejects(store.deleteRecord("fam.files", `${s.id}/b`, 9), (e) => e instanceof CoreError && e.kind === "version-conflict");
      assert.equal(await store.deleteRecord("fam.files", `${s.id}/b`, 1), true);
      assert.equal(await store.deleteRecord("fam.files", `${s.id}/b`), false);
      await assert.rejects(store.putRecord({ namespace: "fam.files", key: "x", sessionId: uuidv7(), doc: {} }, undefined, tick()), (e) => e instanceof CoreError && e.kind === "not-found");
      await store.mutateSession(s.id, () => ({ next: null, events: [] }));
      assert.equal(await store.getRecord("fam.files", `${s.id}/a`), null);
      assert.ok(await store.getRecord("fam.other", "z"));
    });

    test("deleting a service deletes its sessions only when forced", async () => {
      const svc = (await store.insertService({ id: "doomed", kind: "generic", name: "D", description: null, settings: {}, defaultInactiveTimeoutSeconds: 0 }, () => [], tick())).service.id;
      const s = await insert({ serviceId: svc });
      await store.appendLog(s.id, [{ stream: "log", type: "normal", text: "x" }], [], tick());
      assert.equal((await store.logStats([s.id])).get(s.id)?.log.count, 1);
      const refused = await store.deleteService(svc, false, []);
      assert.deepEqual([refused.deleted, refused.liveSessions], [false, 1]);
      assert.ok((await store.deleteService(svc, true, [])).deleted);
      assert.equal(await store.getSession({ id: s.id }), null);
      assert.equal((await store.logStats([s.id])).get(s.id)?.log.count, 0, "its sessions' lines went with them");
    });

    // Two nodes over one database: `store` and `other`, each with connections of its own.
    if (factory.spansNodes) {
      describe("across nodes", () => {
        let other: Store;
        const both = <T>(i: number, fn: (s: Store) => Promise<T>) => fn(i % 2 === 0 ? store : other);

        before(async () => {
          other = await factory.open(OTHER_NODE, () => clock);
          await other.migrate();
        });

        after(async () => {
          await other.close();
        });

        test("capacity-checked joins from two nodes at once: exactly capacity succeed", async () => {
          const s = await insert({ capacity: 7 });
          const results = await Promise.allSettled(
            Array.from({ length: 40 }, (_, i) =>
              both(i, (node) =>
                node.mutateSession(s.id, (cur) => {
                  if (cur.capacity !== null && cur.members.length >= cur.capacity) throw new CoreError("session-full", "full");
                  return { next: { ...cur, version: cur.version + 1, members: [...cur.members, { userId: `n${i}`, joinedAt: tick(), team: null }] }, events: [] };
                }),
              ),
            ),
          );
          assert.equal(results.filter((r) => r.status === "fulfilled").length, 7);
          assert.ok(results.every((r) => r.status === "fulfilled" || (r.reason instanceof CoreError && r.reason.kind === "session-full")));
          const got = await other.getSession({ id: s.id });
          assert.equal(got?.members.length, 7);
          assert.equal(got?.version, 7);
        });

        test("writes conditional on a version read earlier, from two nodes at once: exactly one wins", async () => {
          const s = await insert();
          const seen = s.version;
          const results = await Promise.allSettled(
            Array.from({ length: 20 }, (_, i) =>
              both(i, (node) =>
                node.mutateSession(s.id, (cur) => {
                  if (cur.version !== seen) throw new CoreError("version-conflict", "changed");
                  return { next: { ...cur, version: cur.version + 1, status: `writer-${i}` }, events: [] };
                }),
              ),
            ),
          );
          assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
          assert.equal((await store.getSession({ id: s.id }))?.version, seen + 1);
        });

        test("the same idempotency key from two nodes at once creates one session", async () => {
          const claim = { scope: "user:alice|cross", key: "k-x", expiresAt: clock + 3_600_000 };
          const results = await Promise.all(
            Array.from({ length: 10 }, (_, i) => both(i, (node) => node.insertSession(newSession(service, { name: "idem-x" }), (s) => [draft("session.created", s)], claim))),
          );
          assert.equal(new Set(results.map((r) => r.session.id)).size, 1);
          assert.equal(new Set(results.map((r) => r.session.number)).size, 1);
          assert.equal(results.filter((r) => !r.replayed).length, 1);
          assert.equal(await other.countSessions({ field: "name", op: "eq", value: "idem-x" }), 1);
        });

        test("inserts under one quota from two nodes at once never exceed it", async () => {
          const quota = { key: "cross-quota", where: { field: "name", op: "eq" as const, value: "quota-x" }, max: 4, message: "full" };
          const results = await Promise.allSettled(
            Array.from({ length: 20 }, (_, i) => both(i, (node) => node.insertSession(newSession(service, { name: "quota-x" }), () => [], undefined, [quota]))),
          );
          assert.equal(results.filter((r) => r.status === "fulfilled").length, 4);
          assert.equal(await other.countSessions(quota.where), 4);
        });

        test("log lines and jobs appended from two nodes at once get distinct, gapless positions", async () => {
          const s = await insert();
          await Promise.all(
            Array.from({ length: 20 }, (_, i) => both(i, (node) => node.appendLog(s.id, [{ stream: "log", type: "normal", text: `${i}` }, { stream: "log", type: "normal", text: `${i}'` }], [], tick()))),
          );
          const log = await store.readLog(s.id, { stream: "log", limit: 100 });
          assert.deepEqual(log.lines.map((l) => l.position), Array.from({ length: 40 }, (_, i) => i));
          const jobs = await Promise.all(
            Array.from({ length: 10 }, (_, i) =>
              both(i, (node) =>
                node.insertJob({ id: uuidv7(), sessionId: s.id, name: null, description: null, code: `${i}`, state: "pending", conditionCode: 0, nodeId: NODE, attributes: {}, createdAt: tick(), startedAt: null, endedAt: null, stateChangedAt: clock, version: 0 }, []),
              ),
            ),
          );
          assert.deepEqual(jobs.map((j) => j.job.seq).sort((a, b) => a - b), Array.from({ length: 10 }, (_, i) => i + 1));
        });

        test("listen brings each node the events of the other, never its own", async () => {
          const here: HubEvent[] = [];
          const there: HubEvent[] = [];
          const stopHere = await store.listen((events) => here.push(...events));
          const stopThere = await other.listen((events) => there.push(...events));
          try {
            const s = await insert();
            const mine = await other.insertEvents([draft("session.updated", s), draft("member.joined", s)]);
            await until("the other node's events", () => there.some((e) => e.sessionId === s.id) && here.length >= 2);
            const created = there.find((e) => e.sessionId === s.id);
            assert.equal(created?.type, "session.created");
            assert.equal(created?.nodeId, NODE);
            assert.deepEqual(here.map((e) => e.seq), mine.map((e) => e.seq));
            assert.ok(here.every((e) => e.nodeId === OTHER_NODE));
            // Nothing more arrives — no echo of a node's own events, no repeats: each node then
            // writes a marker, and once each has the other's, whatever was to come before it has.
            const [markHere] = await other.insertEvents([draft("session.updated", s)]);
            const [markThere] = await store.insertEvents([draft("session.updated", s)]);
            await until("the markers", () => here.some((e) => e.seq === markHere!.seq) && there.some((e) => e.seq === markThere!.seq));
            assert.deepEqual(there.map((e) => e.seq), [created!.seq, markThere!.seq]);
            assert.deepEqual(here.map((e) => e.seq), [...mine, markHere!].map((e) => e.seq));
          } finally {
            await stopHere();
            await stopThere();
          }
        });
      });
    }
  });
}

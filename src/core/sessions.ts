import type { SessionQuota, Store } from "./store.js";
import type { ActivityTracker } from "./activity.js";
import { CoreError, forbidden, invalid, notFound } from "./errors.js";
import { type EventDraft, type EventBus, sessionEvent } from "./events.js";
import { dueEnd, expiryOf, withActivity } from "./expiry.js";
import { uuidv7 } from "./ids.js";
import { checkDepth } from "./json-depth.js";
import * as policy from "./policy.js";
import { type Condition, type Page, type SessionQuery, and } from "./query.js";
import { hashPassword, verifyPassword } from "./secrets.js";
import type { ServiceDirectory } from "./services.js";
import { isLive, transition } from "./state.js";
import { placeAll, placeInTeam, relayout, validLayout } from "./teams.js";
import type {
  ClientInfo,
  EndReason,
  JsonObject,
  LineType,
  LogLine,
  LogStream,
  Member,
  Principal,
  Session,
  SessionState,
  TeamLayout,
  Visibility,
} from "./types.js";
import { sessionEventData } from "./views.js";

export interface SessionRules {
  nodeId: string;
  clock: () => number;
  /** Hard limit on members of any session. */
  maxMembersPerSession: number;
  /** Statuses (case-insensitive) that close a session to new members. */
  closedStatuses: string[];
  idempotencyTtlMs: number;
  /** Wrong join passwords per user and session within a minute before 429. */
  passwordAttemptsPerMinute: number;
  /** How deep a stored JSON document (attributes, client) may nest. */
  jsonDepth: number;
}

export interface CreateSessionInput {
  serviceId: string;
  /** undefined: the caller. null: owned by the system. Another user: administrators only. */
  owner?: string | null;
  /** Initial members; a non-administrator may only name themselves. */
  members?: { userId: string; team?: number | null }[];
  state?: Exclude<SessionState, "ended">;
  name?: string | null;
  description?: string | null;
  visibility?: Visibility;
  password?: string | null;
  capacity?: number | null;
  inactiveTimeoutSeconds?: number | null;
  status?: string | null;
  attributes?: JsonObject;
  invited?: string[];
  client?: ClientInfo;
  /** The team layout; members given a team keep it if it exists and has room (else refused). */
  teams?: TeamLayout | null;
  /**
   * Admission limits: at most `max` live sessions matching `where`, this one included;
   * else `too-many` with `message`. Decided in the create's transaction; creates under
   * the same `key` (what is counted, e.g. one user's sessions of a family) queue there.
   */
  quotas?: SessionQuota[];
}

/** Mutable fields. Only fields whose value differs from the current one count as changes. */
export interface SessionPatch {
  name?: string | null;
  description?: string | null;
  status?: string | null;
  attributes?: JsonObject;
  client?: ClientInfo;
  visibility?: Visibility;
  capacity?: number | null;
  inactiveTimeoutSeconds?: number | null;
  invited?: string[];
  owner?: string | null;
  /** A new team layout; members keep their team where it still exists and has room. */
  teams?: TeamLayout | null;
  /** The full member list; new members are appended in the order given. Teams are held to the layout. */
  members?: Member[];
  /** Remove the join password. */
  clearPassword?: boolean;
}

export interface UpdateOptions {
  /** Compare-and-set: the version the caller last saw. */
  expectedVersion?: number;
  /** A new join password (hashed before the write). */
  password?: string;
  /** Bump the version even when no field changed. */
  alwaysBump?: boolean;
  /** The caller's own precondition on the locked session; throws to refuse before any change. */
  guard?: (current: Session) => void;
  /** Log lines written in the same transaction as the change (stream `log` unless given). */
  log?: { type: LineType; text: string; stream?: LogStream }[];
}

export interface JoinOptions {
  password?: string;
  /** The team asked for; ignored when the session has no teams. */
  team?: number;
  /** Lower hard limit than the hub's, for families that configure one. */
  maxMembers?: number;
  /** Only a session of this service; any other is not-found. */
  serviceId?: string;
}

export interface LeaveOptions {
  /** A departing owner hands the session to the member who joined earliest. */
  migrateOwner?: boolean;
  /** The session ends (closed) when its last member leaves. */
  endWhenEmpty?: boolean;
  /** Only a session of this service; any other is not-found. */
  serviceId?: string;
}

const CONTENT_FIELDS = ["name", "description", "status", "attributes", "client"] as const;
const OWNER_FIELDS = ["visibility", "capacity", "inactiveTimeoutSeconds", "invited", "owner", "teams"] as const;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Families that serve one service see the sessions of other services as not existing. */
const outside = (s: Session, serviceId: string | undefined) => serviceId !== undefined && s.serviceId !== serviceId;

function validCapacity(capacity: number | null | undefined): void {
  if (capacity === null || capacity === undefined) return;
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw invalid("capacity must be a positive integer or null.", [{ pointer: "/capacity", detail: "must be a positive integer" }]);
  }
}

function validTimeout(seconds: number | null | undefined): void {
  if (seconds === null || seconds === undefined) return;
  if (!Number.isInteger(seconds) || seconds < 0) {
    throw invalid("inactiveTimeoutSeconds must be a whole number of seconds ≥ 0.", [
      { pointer: "/inactiveTimeoutSeconds", detail: "must be an integer ≥ 0" },
    ]);
  }
}

/**
 * The session manager: every rule about sessions, applied inside the store's
 * transactions through mutators. Families call this; none re-implements it.
 */
export class Sessions {
  private readonly passwordFailures = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly services: ServiceDirectory,
    private readonly activity: ActivityTracker,
    private readonly rules: SessionRules,
  ) {}

  private now(): number {
    return this.rules.clock();
  }

  private publish<T extends { events: import("./events.js").HubEvent[] }>(result: T): T {
    this.bus.publish(result.events);
    return result;
  }

  // Reading ------------------------------------------------------------------

  /** A session the caller may read, or `not-found` (existence is not revealed). */
  async get(p: Principal, ref: string | number, opts: { activity?: boolean; serviceId?: string } = {}): Promise<Session> {
    const s = await this.find(ref);
    if (!s || !policy.canRead(p, s) || outside(s, opts.serviceId)) throw notFound();
    if (opts.activity !== false && this.countsAsActivity(p, s)) return this.markActivity(s);
    return s;
  }

  /** By id (UUID) or number, without any access check: for the core and families' own lookups. */
  async find(ref: string | number): Promise<Session | null> {
    if (typeof ref === "number") return Number.isSafeInteger(ref) ? this.store.getSession({ number: ref }) : null;
    if (/^[0-9]{1,15}$/.test(ref)) return this.store.getSession({ number: Number(ref) });
    return this.store.getSession({ id: ref.toLowerCase() });
  }

  async list(p: Principal, query: SessionQuery): Promise<Page<Session>> {
    return this.store.querySessions({ ...query, where: this.readable(p, query.where) });
  }

  async count(p: Principal, where?: Condition): Promise<number> {
    return this.store.countSessions(this.readable(p, where));
  }

  /** The caller's condition narrowed to what the caller may read. */
  readable(p: Principal, where?: Condition): Condition | undefined {
    const filter = policy.readableFilter(p);
    return filter ? and(where, { readableBy: filter.userId }) : where;
  }

  private countsAsActivity(p: Principal, s: Session): boolean {
    return isLive(s) && (policy.isOwner(p, s) || policy.isMember(p, s));
  }

  /** Records activity (batched) and returns the session as it now stands. */
  markActivity(s: Session): Session {
    const at = this.now();
    this.activity.mark(s.id, at);
    return withActivity(s, at);
  }

  // Creating -----------------------------------------------------------------

  async create(
    p: Principal,
    input: CreateSessionInput,
    idempotency?: { key: string; scope: string },
  ): Promise<{ session: Session; replayed: boolean }> {
    const service = await this.services.get(input.serviceId);
    if (!service) throw invalid(`No service ${input.serviceId}.`, [{ pointer: "/serviceId", detail: "no such service" }]);
    const owner = input.owner === undefined ? p.userId : input.owner;
    if (!p.isAdmin && owner !== p.userId) throw forbidden("Only administrators create sessions for others.");
    const initial = input.members ?? [];
    if (!policy.canAddMembers(p) && initial.some((m) => m.userId !== p.userId)) throw forbidden("Only administrators add other users.");
    validCapacity(input.capacity);
    validTimeout(input.inactiveTimeoutSeconds);
    validLayout(input.teams);
    this.checkDocuments(input);
    const unique = [...new Map(initial.map((m) => [m.userId, m])).values()];
    const capacity = input.capacity ?? null;
    if (capacity !== null && unique.length > capacity) {
      throw invalid("More members than the capacity.", [{ pointer: "/members", detail: "exceeds capacity" }]);
    }
    if (unique.length > this.rules.maxMembersPerSession) throw invalid("Too many members.");

    const now = this.now();
    const teams = input.teams ?? null;
    const members = placeAll(
      unique.map((m) => ({ userId: m.userId, joinedAt: now, team: m.team ?? null })),
      teams,
    );
    const timeoutSeconds = input.inactiveTimeoutSeconds ?? service.defaultInactiveTimeoutSeconds;
    const state = input.state ?? "idle";
    const session: Session = {
      id: uuidv7(now),
      number: 0,
      serviceId: service.id,
      owner,
      nodeId: this.rules.nodeId,
      state,
      endReason: null,
      status: input.status ?? null,
      name: input.name ?? null,
      description: input.description ?? null,
      visibility: input.visibility ?? "public",
      passwordHash: input.password ? await hashPassword(input.password) : null,
      capacity,
      members,
      teams,
      invited: [...new Set(input.invited ?? [])],
      client: input.client ?? {},
      attributes: input.attributes ?? {},
      inactiveTimeoutSeconds: input.inactiveTimeoutSeconds ?? null,
      timeoutSeconds,
      expiresAt: expiryOf({ state, timeoutSeconds, lastActivityAt: now }),
      endAt: null,
      endAtReason: null,
      createdAt: now,
      updatedAt: now,
      stateChangedAt: now,
      lastActivityAt: now,
      endedAt: null,
      version: 0,
    };
    const { number: _n, ...row } = session;
    const claim = idempotency
      ? { scope: idempotency.scope, key: idempotency.key, expiresAt: now + this.rules.idempotencyTtlMs }
      : undefined;
    const live = (input.quotas ?? []).map((q) => ({ ...q, where: and(q.where, { field: "state", op: "ne", value: "ended" })! }));
    const result = this.publish(
      await this.store.insertSession(row, (s) => [sessionEvent("session.created", s, sessionEventData(s))], claim, live),
    );
    return { session: result.session, replayed: result.replayed };
  }

  /** The JSON documents a create or a patch would store, before anything serialises them. */
  private checkDocuments(given: { attributes?: JsonObject; client?: ClientInfo }): void {
    if (given.attributes !== undefined) checkDepth(given.attributes, this.rules.jsonDepth, "/attributes");
    if (given.client !== undefined) checkDepth(given.client, this.rules.jsonDepth, "/client");
  }

  // Changing -----------------------------------------------------------------

  /** Runs a mutator on the locked session; `not-found` when it does not exist. */
  private async mutate(id: string, mutator: Parameters<Store["mutateSession"]>[1]) {
    const result = await this.store.mutateSession(id, mutator);
    if (!result) throw notFound();
    return this.publish(result);
  }

  /** Bumps the version and the update time of a changed session. */
  private bumped(s: Session, now: number): Session {
    return { ...s, version: s.version + 1, updatedAt: now };
  }

  private visibleOrThrow(p: Principal, s: Session): void {
    if (!policy.canRead(p, s)) throw notFound();
  }

  async update(
    p: Principal,
    id: string,
    change: SessionPatch | ((current: Session) => SessionPatch),
    opts: UpdateOptions = {},
  ): Promise<{ session: Session; changed: boolean }> {
    const passwordHash = opts.password ? await hashPassword(opts.password) : undefined;
    const target = await this.requireReadable(p, id);
    const service = await this.services.get(target.serviceId);
    const result = await this.mutate(target.id, (current) => {
      this.visibleOrThrow(p, current);
      if (!isLive(current)) throw new CoreError("conflict", "The session has ended.");
      if (opts.expectedVersion !== undefined && opts.expectedVersion !== current.version) {
        throw new CoreError("version-conflict", "The session has changed since that version.");
      }
      opts.guard?.(current);
      const patch = typeof change === "function" ? change(current) : change;
      this.checkDocuments(patch);
      validLayout(patch.teams);
      const now = this.now();
      let next: Session = { ...current };
      const changed = new Set<string>();
      const apply = <K extends keyof Session>(key: K, value: Session[K] | undefined) => {
        if (value === undefined || same(current[key], value)) return;
        next = { ...next, [key]: value };
        changed.add(key);
      };
      for (const key of CONTENT_FIELDS) apply(key, patch[key] as never);
      for (const key of OWNER_FIELDS) apply(key, patch[key] as never);
      if (passwordHash !== undefined) {
        next.passwordHash = passwordHash;
        changed.add("password");
      } else if (patch.clearPassword && current.passwordHash !== null) {
        next.passwordHash = null;
        changed.add("password");
      }
      const events: EventDraft[] = [];
      if (patch.members || changed.has("teams")) {
        const before = new Map(current.members.map((m) => [m.userId, m]));
        // Given members are held to the layout; a new layout alone moves only who no longer fits.
        const members = patch.members
          ? placeAll(patch.members.map((m) => (before.has(m.userId) ? { ...before.get(m.userId)!, team: m.team } : { ...m, joinedAt: now })), next.teams)
          : relayout(current.members, next.teams);
        const added = members.filter((m) => !before.has(m.userId));
        const kept = new Set(members.map((m) => m.userId));
        const removed = current.members.filter((m) => !kept.has(m.userId));
        const moved = members.some((m) => before.has(m.userId) && before.get(m.userId)!.team !== m.team);
        if (added.length > 0) {
          if (!policy.canAddMembers(p)) throw forbidden("Only administrators add members.");
          changed.add("members.added");
        }
        if (removed.length > 0) changed.add("members.removed");
        if (moved) changed.add("members.teams");
        if (added.length || removed.length || moved) {
          next.members = members;
          for (const m of added) events.push(sessionEvent("member.joined", next, { userId: m.userId, team: m.team }));
          for (const m of removed) events.push(sessionEvent("member.left", next, { userId: m.userId, reason: "removed" }));
        }
      }
      if (changed.size === 0 && !opts.alwaysBump) return null;
      const ownerLevel = [...changed].some((k) => !(CONTENT_FIELDS as readonly string[]).includes(k));
      if (ownerLevel ? !policy.canAdminister(p, current) : !policy.canModify(p, current)) {
        throw forbidden("You may not change this session.");
      }
      validCapacity(next.capacity);
      validTimeout(next.inactiveTimeoutSeconds);
      if (next.capacity !== null && next.members.length > next.capacity) {
        throw invalid("The capacity is below the number of members.", [{ pointer: "/capacity", detail: "below member count" }]);
      }
      if (next.members.length > this.rules.maxMembersPerSession) throw invalid("Too many members.");
      next.timeoutSeconds = next.inactiveTimeoutSeconds ?? service?.defaultInactiveTimeoutSeconds ?? current.timeoutSeconds;
      next.expiresAt = expiryOf(next);
      next = this.bumped(next, now);
      events.unshift(sessionEvent("session.updated", next, { ...sessionEventData(next), changed: [...changed] }));
      const log = (opts.log ?? []).map((l) => ({ stream: l.stream ?? ("log" as const), type: l.type, text: l.text }));
      if (log.length > 0) events.push(sessionEvent("log.appended", next, { count: log.length, streams: [...new Set(log.map((l) => l.stream))] }));
      return { next, events, log };
    });
    return { session: result.session, changed: result.changed };
  }

  private async requireReadable(p: Principal, ref: string): Promise<Session> {
    const s = await this.find(ref);
    if (!s || !policy.canRead(p, s)) throw notFound();
    return s;
  }

  /** Ends a live session. Ending an ended session changes nothing. */
  async end(p: Principal, id: string, reason: EndReason = "closed", opts: { expectedVersion?: number; guard?: (current: Session) => void } = {}) {
    const target = await this.requireReadable(p, id);
    const result = await this.mutate(target.id, (current) => {
      this.visibleOrThrow(p, current);
      if (!policy.canModify(p, current)) throw forbidden("You may not end this session.");
      if (reason === "killed" && !policy.canKill(p)) throw forbidden("Only administrators kill sessions.");
      if (opts.expectedVersion !== undefined && opts.expectedVersion !== current.version) {
        throw new CoreError("version-conflict", "The session has changed since that version.");
      }
      if (!isLive(current)) return null;
      opts.guard?.(current);
      return this.ending(current, reason);
    });
    return { session: result.session, changed: result.changed };
  }

  private ending(current: Session, reason: EndReason) {
    const next = this.bumped(transition(current, "ended", this.now(), reason), this.now());
    next.expiresAt = null;
    return { next, events: [sessionEvent("session.ended", next, { ...sessionEventData(next), reason })] };
  }

  /**
   * Ends those of the sessions whose expiry or scheduled end has come (the reaper), in
   * one write for the batch; the ids of the sessions it ended.
   */
  async endIfDue(ids: string[], now: number): Promise<string[]> {
    const results = await this.store.mutateSessions(ids, (current) => {
      const reason = dueEnd(current, now);
      return reason ? this.ending(current, reason) : null;
    });
    this.bus.publish(results.flatMap((r) => r.events));
    return results.filter((r) => r.changed).map((r) => r.session.id);
  }

  /** Moves a live session between pending, idle and running (compute sessions). */
  async setState(p: Principal, id: string, state: Exclude<SessionState, "ended">) {
    const target = await this.requireReadable(p, id);
    const result = await this.mutate(target.id, (current) => {
      this.visibleOrThrow(p, current);
      if (!policy.canModify(p, current)) throw forbidden("You may not change this session.");
      if (current.state === state) return null;
      const now = this.now();
      let next = transition(current, state, now);
      next = this.bumped({ ...next, expiresAt: expiryOf(next) }, now);
      return { next, events: [sessionEvent("session.updated", next, { ...sessionEventData(next), changed: ["state"] })] };
    });
    return result.session;
  }

  /**
   * Schedules an end (administrators): `endAt` keeps the earliest deadline. `at` at or
   * before now ends the session at once.
   */
  async scheduleEnd(p: Principal, id: string, at: number, reason: EndReason = "killed", opts: { guard?: (current: Session) => void } = {}) {
    if (!p.isAdmin) throw forbidden("Only administrators schedule ends.");
    const target = await this.requireReadable(p, id);
    const result = await this.mutate(target.id, (current) => {
      if (!isLive(current)) throw notFound();
      opts.guard?.(current);
      if (at <= this.now()) return this.ending(current, reason);
      if (current.endAt !== null && current.endAt <= at) return null;
      const next = this.bumped({ ...current, endAt: at, endAtReason: reason }, this.now());
      return { next, events: [sessionEvent("session.updated", next, { ...sessionEventData(next), changed: ["endAt"] })] };
    });
    return { session: result.session, changed: result.changed };
  }

  async delete(p: Principal, id: string, opts: { expectedVersion?: number } = {}): Promise<Session> {
    const target = await this.requireReadable(p, id);
    const result = await this.mutate(target.id, (current) => {
      this.visibleOrThrow(p, current);
      if (!policy.canAdminister(p, current)) throw forbidden("Only the owner or an administrator may delete a session.");
      if (opts.expectedVersion !== undefined && opts.expectedVersion !== current.version) {
        throw new CoreError("version-conflict", "The session has changed since that version.");
      }
      return { next: null, events: [sessionEvent("session.deleted", current, sessionEventData(current))] };
    });
    return result.session;
  }

  /** Deletes every session matching `where` (administrators), in batches. */
  async deleteMany(p: Principal, where: Condition): Promise<number> {
    if (!p.isAdmin) throw forbidden("Only administrators delete sessions in bulk.");
    let deleted = 0;
    for (;;) {
      const page = await this.store.querySessions({ where, limit: 500, sort: [{ field: "number", dir: "asc" }] });
      if (page.items.length === 0) return deleted;
      for (const s of page.items) {
        const r = await this.store.mutateSession(s.id, (current) => ({
          next: null,
          events: [sessionEvent("session.deleted", current, sessionEventData(current))],
        }));
        if (r) {
          this.publish(r);
          deleted += 1;
        }
      }
    }
  }

  async heartbeat(p: Principal, id: string): Promise<Session> {
    const target = await this.requireReadable(p, id);
    if (!(p.isAdmin || policy.isOwner(p, target) || policy.isMember(p, target))) {
      throw forbidden("Only the owner, members and administrators mark activity.");
    }
    // The activity columns alone, as withActivity() moves them: a heartbeat changes no
    // version, so it needs no read-modify-write of the whole session.
    const result = await this.store.touchSession(target.id, this.now(), (next) => [sessionEvent("session.activity", next, { kind: "heartbeat" })]);
    if (!result) throw notFound();
    if (!result.touched) throw new CoreError("conflict", "The session has ended.");
    return this.publish(result).session;
  }

  // Membership ---------------------------------------------------------------

  private checkPasswordRate(key: string): void {
    const entry = this.passwordFailures.get(key);
    if (entry && this.now() - entry.since < 60_000 && entry.count >= this.rules.passwordAttemptsPerMinute) {
      throw new CoreError("too-many", "Too many wrong password attempts. Try again later.");
    }
  }

  private recordPasswordFailure(key: string): void {
    const now = this.now();
    const entry = this.passwordFailures.get(key);
    if (!entry || now - entry.since >= 60_000) this.passwordFailures.set(key, { count: 1, since: now });
    else entry.count += 1;
    if (this.passwordFailures.size > 10_000) this.passwordFailures.clear();
  }

  /**
   * Join atomically: visibility, invitation, password, status and capacity are checked
   * and the member added in one transaction. Joining twice changes nothing.
   */
  async join(p: Principal, id: string, opts: JoinOptions = {}): Promise<{ session: Session; joined: boolean }> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const target = await this.find(id);
      if (!target || !isLive(target) || !policy.canRead(p, target) || outside(target, opts.serviceId)) throw notFound();
      // The password is verified outside the lock (scrypt is slow); the write then
      // requires the hash to be the one verified against.
      let verifiedHash: string | null = target.passwordHash;
      const needsPassword =
        target.passwordHash !== null && !policy.bypassesPassword(p, target) && !policy.isMember(p, target);
      if (needsPassword) {
        const key = `${p.userId}\u0000${target.id}`;
        this.checkPasswordRate(key);
        if (!opts.password || !(await verifyPassword(opts.password, target.passwordHash!))) {
          this.recordPasswordFailure(key);
          throw new CoreError("wrong-password", "Invalid session password.");
        }
        verifiedHash = target.passwordHash;
      }
      let retry = false;
      const result = await this.mutate(target.id, (current) => {
        if (!isLive(current) || !policy.canRead(p, current)) throw notFound();
        if (policy.isMember(p, current)) return null;
        if (current.passwordHash !== verifiedHash && !policy.bypassesPassword(p, current)) {
          retry = true;
          return null;
        }
        if (current.status && this.rules.closedStatuses.includes(current.status.toLowerCase())) {
          throw new CoreError("not-joinable", "The session is not accepting new users.");
        }
        const limit = Math.min(opts.maxMembers ?? Infinity, this.rules.maxMembersPerSession);
        if ((current.capacity !== null && current.members.length >= current.capacity) || current.members.length >= limit) {
          throw new CoreError("session-full", "The session is full.");
        }
        const now = this.now();
        const team = placeInTeam(current.members, current.teams, opts.team);
        const member: Member = { userId: p.userId, joinedAt: now, team };
        const next = this.bumped(withActivity({ ...current, members: [...current.members, member] }, now), now);
        return { next, events: [sessionEvent("member.joined", next, { userId: p.userId, team })] };
      });
      if (retry) continue;
      return { session: result.session, joined: result.changed };
    }
    throw new CoreError("conflict", "The session kept changing; try again.");
  }

  /**
   * Removes `userId` (the caller by default). Leaving a session one is not in, or one
   * that has ended, changes nothing. Removing someone else needs owner rights.
   */
  async leave(
    p: Principal,
    id: string,
    userId: string = p.userId,
    opts: LeaveOptions = {},
  ): Promise<{ session: Session | null; left: boolean; ended: boolean }> {
    const target = await this.find(id);
    if (!target || !policy.canRead(p, target) || outside(target, opts.serviceId)) throw notFound();
    if (userId !== p.userId && !policy.canAdminister(p, target)) throw forbidden("Only the owner or an administrator removes others.");
    let ended = false;
    const result = await this.mutate(target.id, (current) => {
      if (!isLive(current)) return null;
      const member = current.members.find((m) => m.userId === userId);
      if (!member) return null;
      const now = this.now();
      const members = current.members.filter((m) => m.userId !== userId);
      let next: Session = { ...current, members };
      const events: EventDraft[] = [];
      if (opts.migrateOwner && current.owner === userId && members.length > 0) next.owner = members[0]!.userId;
      next = this.bumped(next, now);
      events.push(sessionEvent("member.left", next, { userId, reason: userId === p.userId ? "left" : "removed" }));
      if (next.owner !== current.owner) {
        events.push(sessionEvent("session.updated", next, { ...sessionEventData(next), changed: ["owner"] }));
      }
      if (opts.endWhenEmpty && members.length === 0) {
        ended = true;
        const closing = this.ending(next, "closed");
        return { next: closing.next, events: [...events, ...closing.events] };
      }
      return { next, events };
    });
    return { session: result.session, left: result.changed, ended };
  }

  // Log ----------------------------------------------------------------------

  async appendLog(
    p: Principal,
    id: string,
    lines: { stream?: LogStream; type: LineType; text: string; jobId?: string | null }[],
  ): Promise<LogLine[]> {
    const target = await this.requireReadable(p, id);
    if (!(p.isAdmin || policy.isOwner(p, target) || policy.isMember(p, target))) {
      throw forbidden("Only the owner, members and administrators write to the log.");
    }
    return this.writeLog(target, lines);
  }

  /** Appends lines without an access check: for the core and its executors. */
  async writeLog(
    s: Session,
    lines: { stream?: LogStream; type: LineType; text: string; jobId?: string | null }[],
  ): Promise<LogLine[]> {
    const normalised = lines.map((l) => ({ stream: l.stream ?? ("log" as const), type: l.type, text: l.text, jobId: l.jobId ?? null }));
    const streams = [...new Set(normalised.map((l) => l.stream))];
    const result = await this.store.appendLog(
      s.id,
      normalised,
      [sessionEvent("log.appended", s, { count: normalised.length, streams })],
      this.now(),
    );
    this.bus.publish(result.events);
    return result.lines;
  }

  async readLog(p: Principal, id: string, read: Parameters<Store["readLog"]>[1]) {
    const s = await this.get(p, id);
    return { session: s, ...(await this.store.readLog(s.id, read)) };
  }
}

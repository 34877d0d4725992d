import { closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { CoreError } from "../../core/errors.js";
import type { EventDraft, EventType, HubEvent } from "../../core/events.js";
import { DEFAULTS } from "../../config.js";
import type { Condition, FilterLimits, Page, SessionQuery } from "../../core/query.js";
import { type ApiToken, BUILT_IN_SERVICE_NUMBERS, type FamilyRecord, type Job, type JobState, type LogLine, type LogStream, type Service, type Session, type User } from "../../core/types.js";
import { CORE_MIGRATIONS, type Migration } from "../migrations.js";
import {
  ID_AT,
  JOB_UPDATE_COLUMNS,
  JOB_WRITE_COLUMNS,
  MEMBER_COUNT_AT,
  MEMBER_SEQ_AT,
  SESSION_COLUMNS,
  SESSION_WRITE_COLUMNS,
  bySession,
  changedSessionValues,
  diffMembers,
  eventFromRow,
  jobFromRow,
  jobUpdateValues,
  jobValues,
  logLineFromRow,
  logStatsFromRows,
  membersBySession,
  recordFromRow,
  serviceFromRow,
  sessionFromValues,
  sessionValues,
  tokenFromRow,
  tokenValues,
  userFromRow,
} from "../sql/rows.js";
import { compileSessionCount, compileSessionPage, compileSessionStats, compileTally, sessionStatsFromRows, talliable } from "../sql/session-query.js";
import type {
  IdempotencyClaim,
  InsertSessionResult,
  JobMutator,
  JobQueueLimit,
  Mutation,
  LogRead,
  LogStats,
  MutationResult,
  Mutator,
  NewJob,
  NewLogLine,
  NewService,
  NewSession,
  NewUser,
  RecordList,
  RecordWrite,
  ServicePatch,
  SessionQuota,
  SessionStats,
  Store,
  TouchResult,
  UserPatch,
} from "../../core/store.js";
import { MEMBERS_SQL, sqliteDialect } from "./dialect.js";
import { InsightCache, MOST_EVENTS_KEPT } from "./insight-cache.js";
import { PageCache } from "./page-cache.js";
import { SessionCache } from "./session-cache.js";

export interface SqliteStoreOptions {
  file: string;
  nodeId: string;
  /** `NORMAL` survives a process crash; `FULL` also a power loss. */
  synchronous?: "NORMAL" | "FULL";
  migrations?: Migration[];
  clock?: () => number;
  /** How large a session filter may be (`config.limits`); the default config's when not given. */
  filterLimits?: FilterLimits;
}

type Row = Record<string, unknown>;

const SELECT_SESSION = `SELECT ${SESSION_COLUMNS}, ${MEMBERS_SQL} FROM sessions s`;
const INSERT_SESSION = `INSERT INTO sessions (${SESSION_WRITE_COLUMNS.join(", ")}, member_seq) VALUES (${SESSION_WRITE_COLUMNS.map(() => "?").join(", ")}, ?)`;
/** The sessions of a page, by number (members apart, see `readPage`). */
const SELECT_PAGE = `SELECT ${SESSION_COLUMNS}, NULL FROM sessions s WHERE s.number IN (SELECT value FROM json_each(?))`;
const SELECT_PAGE_MEMBERS = `SELECT session_id, user_id, joined_at, team FROM session_members
  WHERE session_id IN (SELECT value FROM json_each(?)) ORDER BY session_id, seq`;
const INSERT_EVENT = "INSERT INTO events (type, session_id, service_id, node_id, at, data, access) VALUES (?, ?, ?, ?, ?, ?, ?)";
/** Activity without a change: the same formula as core/expiry.ts expiryOf(); version is untouched on purpose. */
/** A heartbeat's write (the bench measures the file's own rate of it: bench/lib/store-ceiling.ts). */
export const TOUCH_SESSION = `UPDATE sessions SET last_activity_at = MAX(last_activity_at, ?),
  expires_at = CASE WHEN timeout_seconds > 0 AND state NOT IN ('running', 'ended')
               THEN MAX(last_activity_at, ?) + timeout_seconds * 1000 ELSE expires_at END
  WHERE id = ? AND state <> 'ended'`;

/** The events of some sessions at or after a time, counted from the covering index, and their times when they are few. */
export const EVENT_TIMES = `SELECT session_id, COUNT(*) AS n, CASE WHEN COUNT(*) <= ? THEN json_group_array(at) END AS at FROM events
  WHERE at >= ? AND session_id IN (SELECT value FROM json_each(?)) GROUP BY session_id`;
/** The lines of each session and stream: how many, and the latest time one was written. */
const LOG_STATS = `SELECT session_id, stream, COUNT(*) AS n, MAX(created_at) AS last_at FROM log_lines
  WHERE session_id IN (SELECT value FROM json_each(?)) GROUP BY session_id, stream`;
/**
 * The last `limit` lines of a stream of each session, in one statement: each session's
 * range of the primary key is entered once to find the line `limit` places from its end
 * (a session without lines costs one probe), then read from there. Numbering every line
 * of a long log to keep the last few (a window function) would read them all.
 */
export const TAIL_LOGS = `SELECT l.* FROM json_each(@ids) ids
  JOIN log_lines l ON l.session_id = ids.value AND l.stream = @stream
    AND l.position > IFNULL((SELECT position FROM log_lines t WHERE t.session_id = ids.value AND t.stream = @stream
                             ORDER BY position DESC LIMIT 1 OFFSET @limit), -1)
  ORDER BY l.session_id, l.position`;
/** As TAIL_LOGS: each session's latest jobs from the end of its range of (session_id, seq). */
export const RECENT_JOBS = `SELECT j.* FROM json_each(@ids) ids
  JOIN jobs j ON j.session_id = ids.value
    AND j.seq > IFNULL((SELECT seq FROM jobs t WHERE t.session_id = ids.value ORDER BY seq DESC LIMIT 1 OFFSET @limit), -1)
  ORDER BY j.session_id, j.seq DESC`;
const PENDING_JOBS = "SELECT COUNT(*) AS n FROM jobs WHERE session_id = ? AND state = 'pending'";
const INSERT_TOKEN = "INSERT INTO tokens (id, user_id, name, issuer, hash, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

const isUniqueViolation = (e: unknown) => e instanceof Error && /UNIQUE constraint failed/.test(e.message);

/**
 * The embedded default: one database file, WAL, one writer. better-sqlite3 is
 * synchronous, so a transaction runs start to end without interleaving and every
 * mutator sees the latest committed row.
 */
export class SqliteStore implements Store {
  readonly kind = "sqlite" as const;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly rawStatements = new Map<string, Database.Statement>();
  private readonly cache = new SessionCache(10_000);
  private readonly insights = new InsightCache(10_000);
  private readonly pages = new PageCache();
  private readonly changeCount: Database.Statement;
  private readonly nodeId: string;
  private readonly clock: () => number;
  private readonly migrations: Migration[];
  private readonly filterLimits: FilterLimits;
  /** One transaction function for every write: better-sqlite3 builds one per `db.transaction` call. */
  private readonly transaction: Database.Transaction<(fn: () => unknown) => unknown>;
  /** Writes waiting for this turn's transaction (`batched`). */
  private pending: { work: () => unknown; settle: (outcome: Outcome) => void }[] = [];

  constructor(options: SqliteStoreOptions) {
    if (options.file !== ":memory:") {
      // Sessions, users and token digests: the server's user only. SQLite gives its -wal
      // and -shm files the database file's mode.
      mkdirSync(dirname(options.file), { recursive: true, mode: 0o700 });
      closeSync(openSync(options.file, "a", 0o600));
    }
    this.db = new Database(options.file);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma(`synchronous = ${options.synchronous ?? "NORMAL"}`);
    this.db.pragma("foreign_keys = ON");
    this.db.pragma("busy_timeout = 5000");
    this.nodeId = options.nodeId;
    this.clock = options.clock ?? Date.now;
    this.migrations = [...CORE_MIGRATIONS, ...(options.migrations ?? [])];
    this.filterLimits = options.filterLimits ?? DEFAULTS.limits;
    this.transaction = this.db.transaction((fn: () => unknown) => fn());
    this.changeCount = this.db.prepare("SELECT total_changes()").pluck();
  }

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      // Filters with many values make many shapes of SQL; keep the cache bounded.
      if (this.statements.size > 2000) this.statements.clear();
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** Session reads return arrays of values (see sessionFromValues); their statements are kept apart. */
  private sessionRows(sql: string, params: unknown[]): unknown[][] {
    let s = this.rawStatements.get(sql);
    if (!s) {
      if (this.rawStatements.size > 2000) this.rawStatements.clear();
      s = this.db.prepare(sql).raw(true);
      this.rawStatements.set(sql, s);
    }
    return s.all(...params) as unknown[][];
  }

  private all(sql: string, ...params: unknown[]): Row[] {
    return this.stmt(sql).all(...params) as Row[];
  }

  private get(sql: string, ...params: unknown[]): Row | undefined {
    return this.stmt(sql).get(...params) as Row | undefined;
  }

  private run(sql: string, ...params: unknown[]): Database.RunResult {
    return this.stmt(sql).run(...params);
  }

  private tx<T>(fn: () => T): T {
    return this.transaction.immediate(fn) as T;
  }

  /**
   * A write run with the others of this turn of the event loop in one transaction, each
   * in a savepoint of its own: one commit for a burst of requests, whose writes share
   * pages the commit copies to the WAL once. The transaction runs in one synchronous call,
   * so no read sees a batch half-done; a write that throws undoes only itself; callers hear
   * after the commit. Hot writes only (create, change, heartbeat): the rest use `tx`.
   */
  private batched<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => this.flush());
      this.pending.push({ work, settle: (o) => (o.ok ? resolve(o.value as T) : reject(o.error)) });
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    let outcomes: Outcome[];
    try {
      outcomes = this.tx(() =>
        batch.map(({ work }): Outcome => {
          this.db.exec("SAVEPOINT write");
          try {
            const value = work();
            this.db.exec("RELEASE write");
            return { ok: true, value };
          } catch (error) {
            this.db.exec("ROLLBACK TO write; RELEASE write");
            return { ok: false, error };
          }
        }),
      );
    } catch (error) {
      // Nothing was committed: what the writes left in the caches is forgotten with them.
      this.cache.clear();
      this.insights.clear();
      outcomes = batch.map(() => ({ ok: false, error }));
    }
    batch.forEach((p, i) => p.settle(outcomes[i]!));
  }

  async migrate(): Promise<void> {
    this.db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)");
    const applied = new Set(this.db.prepare("SELECT id FROM schema_migrations").all().map((r) => (r as Row).id));
    for (const m of this.migrations) {
      if (applied.has(m.id)) continue;
      this.tx(() => {
        this.db.exec(m.sqlite);
        this.db.prepare("INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)").run(m.id, Date.now());
      });
    }
  }

  async close(): Promise<void> {
    this.flush();
    this.statements.clear();
    if (this.db.open) this.db.close();
  }

  async ping(): Promise<void> {
    this.db.prepare("SELECT 1").get();
  }

  async listen(): Promise<() => Promise<void>> {
    return async () => {};
  }

  // Events ------------------------------------------------------------------

  private writeEvents(drafts: EventDraft[]): HubEvent[] {
    const at = this.clock();
    return drafts.map((d) => {
      if (d.sessionId !== null) this.insights.dropEvents(d.sessionId);
      const r = this.run(
        INSERT_EVENT,
        d.type,
        d.sessionId,
        d.serviceId,
        this.nodeId,
        at,
        JSON.stringify(d.data),
        d.access === null ? null : JSON.stringify(d.access),
      );
      return { ...d, seq: Number(r.lastInsertRowid), at, nodeId: this.nodeId };
    });
  }

  async insertEvents(events: EventDraft[]): Promise<HubEvent[]> {
    return this.tx(() => this.writeEvents(events));
  }

  async readEvents(afterSeq: number, limit: number): Promise<HubEvent[]> {
    return this.all("SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?", afterSeq, limit).map(eventFromRow);
  }

  async readEventsBefore(beforeSeq: number, limit: number, skipTypes: readonly EventType[]): Promise<HubEvent[]> {
    return this.all(
      "SELECT * FROM events WHERE seq < ? AND type NOT IN (SELECT value FROM json_each(?)) ORDER BY seq DESC LIMIT ?",
      beforeSeq,
      JSON.stringify(skipTypes),
      limit,
    ).map(eventFromRow);
  }

  async lastEventSeq(): Promise<number> {
    return Number(this.get("SELECT COALESCE(MAX(seq), 0) AS seq FROM events")?.seq ?? 0);
  }

  async countEvents(sessionIds: string[], since: number): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const missing: string[] = [];
    for (const id of new Set(sessionIds)) {
      const n = this.insights.eventCount(id, since);
      if (n === undefined) missing.push(id);
      else if (n > 0) out.set(id, n);
    }
    if (missing.length === 0) return out;
    const rows = this.stmt(EVENT_TIMES).all(MOST_EVENTS_KEPT, since, JSON.stringify(missing)) as Row[];
    for (const id of missing) this.insights.setEvents(id, since, []);
    for (const r of rows) {
      const id = String(r.session_id);
      out.set(id, Number(r.n));
      if (r.at === null) this.insights.dropEvents(id);
      else this.insights.setEvents(id, since, JSON.parse(String(r.at)) as number[]);
    }
    return out;
  }

  async purgeHistory(eventsBefore: number, now: number, limit: number): Promise<number> {
    const events = this.run("DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE at < ? ORDER BY at LIMIT ?)", eventsBefore, limit).changes;
    if (events > 0) this.insights.clearEvents();
    const keys = this.run("DELETE FROM idempotency_keys WHERE rowid IN (SELECT rowid FROM idempotency_keys WHERE expires_at <= ? LIMIT ?)", now, limit).changes;
    return Math.max(events, keys);
  }

  // Services ----------------------------------------------------------------

  async insertService(service: NewService, events: (s: Service) => EventDraft[], now: number): Promise<{ service: Service; events: HubEvent[] }> {
    try {
      return this.tx(() => {
        const number =
          service.number ??
          Number(this.get("SELECT COALESCE(MAX(number), 0) + 1 AS n FROM services WHERE number < ?", BUILT_IN_SERVICE_NUMBERS)?.n ?? 1);
        this.run(
          `INSERT INTO services (id, number, kind, name, description, settings, default_timeout, created_at, updated_at, version)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`,
          service.id,
          number,
          service.kind,
          service.name,
          service.description,
          JSON.stringify(service.settings),
          service.defaultInactiveTimeoutSeconds,
          now,
          now,
        );
        const created = serviceFromRow(this.get("SELECT * FROM services WHERE id = ?", service.id)!);
        return { service: created, events: this.writeEvents(events(created)) };
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new CoreError("already-exists", "A service with this id or number exists.");
      throw e;
    }
  }

  async getService(ref: string | number): Promise<Service | null> {
    const row =
      typeof ref === "number"
        ? this.get("SELECT * FROM services WHERE number = ?", ref)
        : this.get("SELECT * FROM services WHERE id = ?", ref);
    return row ? serviceFromRow(row) : null;
  }

  async listServices(): Promise<Service[]> {
    return this.all("SELECT * FROM services ORDER BY number").map(serviceFromRow);
  }

  async updateService(
    id: string,
    expectedVersion: number | null,
    patch: ServicePatch,
    events: (next: Service) => EventDraft[],
    now: number,
  ): Promise<{ service: Service; events: HubEvent[] } | null> {
    return this.tx(() => {
      const row = this.get("SELECT * FROM services WHERE id = ?", id);
      if (!row) return null;
      const current = serviceFromRow(row);
      if (expectedVersion !== null && current.version !== expectedVersion) {
        throw new CoreError("version-conflict", "The service has changed since it was read.");
      }
      const next: Service = { ...current, ...patch, updatedAt: now, version: current.version + 1 };
      this.run(
        `UPDATE services SET name = ?, description = ?, settings = ?, default_timeout = ?, updated_at = ?, version = ?
         WHERE id = ? AND version = ?`,
        next.name,
        next.description,
        JSON.stringify(next.settings),
        next.defaultInactiveTimeoutSeconds,
        now,
        next.version,
        id,
        current.version,
      );
      return { service: next, events: this.writeEvents(events(next)) };
    });
  }

  async deleteService(id: string, force: boolean, events: EventDraft[]) {
    this.cache.clear();
    this.insights.clear();
    return this.tx(() => {
      const live = Number(this.get("SELECT COUNT(*) AS n FROM sessions WHERE service_id = ? AND state <> 'ended'", id)?.n ?? 0);
      if (live > 0 && !force) return { deleted: false, liveSessions: live, events: [] };
      const deleted = this.run("DELETE FROM services WHERE id = ?", id).changes > 0;
      return { deleted, liveSessions: live, events: deleted ? this.writeEvents(events) : [] };
    });
  }

  async sessionCounts() {
    return this.tallies(undefined).map((r) => ({
      serviceId: String(r.service_id),
      state: r.state as Session["state"],
      count: Number(r.n),
    }));
  }

  async applyServiceTimeout(serviceId: string, timeoutSeconds: number): Promise<void> {
    this.cache.clear();
    // Same formula as core/expiry.ts expiryOf().
    this.run(
      `UPDATE sessions SET timeout_seconds = ?,
         expires_at = CASE WHEN ? > 0 AND state NOT IN ('running', 'ended') THEN last_activity_at + ? * 1000 ELSE NULL END
       WHERE service_id = ? AND inactive_timeout IS NULL AND state <> 'ended'`,
      timeoutSeconds,
      timeoutSeconds,
      timeoutSeconds,
      serviceId,
    );
  }

  // Sessions ----------------------------------------------------------------

  private readSession(where: string, value: unknown): Session | null {
    const row = this.sessionRows(`${SELECT_SESSION} WHERE ${where}`, [value])[0];
    return row ? sessionFromValues(row) : null;
  }

  private insertMembers(sessionId: string, members: Session["members"], firstSeq: number): void {
    members.forEach((m, i) =>
      this.run(
        "INSERT INTO session_members (session_id, user_id, seq, joined_at, team) VALUES (?, ?, ?, ?, ?)",
        sessionId,
        m.userId,
        firstSeq + i,
        m.joinedAt,
        m.team,
      ),
    );
  }

  async insertSession(
    session: NewSession,
    events: (s: Session) => EventDraft[],
    idempotency?: IdempotencyClaim,
    quotas: SessionQuota[] = [],
  ): Promise<InsertSessionResult> {
    return this.batched(() => {
      if (idempotency) {
        const prior = this.get(
          "SELECT snapshot FROM idempotency_keys WHERE scope = ? AND key = ? AND expires_at > ?",
          idempotency.scope,
          idempotency.key,
          this.clock(),
        );
        if (prior) return { session: JSON.parse(String(prior.snapshot)) as Session, replayed: true, events: [] };
        this.run("DELETE FROM idempotency_keys WHERE scope = ? AND key = ?", idempotency.scope, idempotency.key);
      }
      this.insights.drop(session.id);
      const r = this.run(INSERT_SESSION, ...sessionValues(session), session.members.length);
      const number = Number(r.lastInsertRowid);
      this.insertMembers(session.id, session.members, 1);
      // The transaction holds the database's one write lock: the counts are exact.
      for (const quota of quotas) if (this.countIn(quota.where) > quota.max) throw new CoreError("too-many", quota.message);
      const created: Session = { ...session, number };
      if (idempotency) {
        this.run(
          "INSERT INTO idempotency_keys (scope, key, session_id, snapshot, expires_at) VALUES (?, ?, ?, ?, ?)",
          idempotency.scope,
          idempotency.key,
          session.id,
          JSON.stringify(created),
          idempotency.expiresAt,
        );
      }
      return { session: created, replayed: false, events: this.writeEvents(events(created)) };
    });
  }

  async getSession(ref: { id: string } | { number: number }): Promise<Session | null> {
    const cached = this.cache.get(ref);
    if (cached) return cached;
    const s = "id" in ref ? this.readSession("s.id = ?", ref.id) : this.readSession("s.number = ?", ref.number);
    if (s) this.cache.set(s);
    return s;
  }

  async querySessions(query: SessionQuery): Promise<Page<Session>> {
    const compiled = compileSessionPage(sqliteDialect, query, this.filterLimits);
    const key = `${query.count === true}${compiled.sql}\n${JSON.stringify(compiled.params)}`;
    const mark = this.changes();
    const kept = this.pages.get(key, mark);
    if (kept) return kept;
    // Counted first: a page of a filter nothing matches (a search by name for text no name
    // holds) would walk the whole sort index looking for rows.
    const total = query.count ? this.countIn(query.where) : undefined;
    const page = compiled.page(total === 0 ? [] : this.readPage(this.sessionRows(compiled.sql, compiled.params).map((r) => Number(r[0]))));
    if (total !== undefined) page.total = total;
    return this.pages.set(key, mark, page);
  }

  /** Rows this connection has changed since it opened: any write moves it (PageCache). */
  private changes(): number {
    return this.changeCount.get() as number;
  }

  /**
   * The sessions numbered, in that order: those the cache holds from it, the others by
   * their rows, then the members of those that have any in one statement. The statements
   * run back to back in one synchronous call, so no write comes between them.
   */
  private readPage(numbers: number[]): Session[] {
    const found = new Map<number, Session>();
    const missing: number[] = [];
    for (const n of numbers) {
      const cached = this.cache.get({ number: n });
      if (cached) found.set(n, cached);
      else missing.push(n);
    }
    if (missing.length > 0) {
      const rows = this.sessionRows(SELECT_PAGE, [JSON.stringify(missing)]);
      const joined = rows.filter((r) => Number(r[MEMBER_COUNT_AT]) > 0).map((r) => String(r[ID_AT]));
      const members = joined.length > 0 ? membersBySession(this.sessionRows(SELECT_PAGE_MEMBERS, [JSON.stringify(joined)])) : new Map();
      for (const row of rows) {
        const s = sessionFromValues(row, members.get(String(row[ID_AT])) ?? []);
        this.cache.set(s);
        found.set(s.number, s);
      }
    }
    return numbers.flatMap((n) => found.get(n) ?? []);
  }

  async countSessions(where?: Condition): Promise<number> {
    return this.countIn(where);
  }

  private countIn(where?: Condition): number {
    if (talliable(where)) return this.tallies(where).reduce((n, r) => n + Number(r.n), 0);
    const { sql, params } = compileSessionCount(sqliteDialect, where, this.filterLimits);
    return Number((this.stmt(sql).get(...params) as Row).n);
  }

  /** The rows of the tally of sessions per service and state that `where` (talliable) matches. */
  private tallies(where: Condition | undefined): Row[] {
    const { sql, params } = compileTally(sqliteDialect, "session_tallies", where, this.filterLimits);
    return this.all(sql, ...params);
  }

  async sessionStats(where: Condition | undefined, since: number): Promise<SessionStats> {
    const compiled = compileSessionStats(sqliteDialect, where, since, this.filterLimits);
    const read = (c: { sql: string; params: unknown[] }) => this.all(c.sql, ...c.params);
    // One read transaction: the three reads see the same sessions.
    return this.transaction(() =>
      sessionStatsFromRows({
        groups: talliable(where) ? this.tallies(where) : read(compiled.groups),
        created: read(compiled.created),
        ended: read(compiled.ended),
      }),
    ) as SessionStats;
  }

  private writeLog(sessionId: string, lines: NewLogLine[], now: number): LogLine[] {
    this.insights.drop(sessionId);
    const next = new Map<LogStream, number>();
    return lines.map((l) => {
      let position = next.get(l.stream);
      if (position === undefined) {
        position = Number(
          this.get("SELECT COALESCE(MAX(position) + 1, 0) AS p FROM log_lines WHERE session_id = ? AND stream = ?", sessionId, l.stream)
            ?.p ?? 0,
        );
      }
      next.set(l.stream, position + 1);
      const jobId = l.jobId ?? null;
      this.run(
        "INSERT INTO log_lines (session_id, stream, position, type, text, job_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        sessionId,
        l.stream,
        position,
        l.type,
        l.text,
        jobId,
        now,
      );
      return { sessionId, stream: l.stream, position, type: l.type, text: l.text, jobId, createdAt: now };
    });
  }

  async mutateSession(id: string, mutator: Mutator): Promise<MutationResult | null> {
    return this.batched(() => {
      this.cache.drop(id);
      return this.mutateInTransaction(id, mutator);
    });
  }

  async mutateSessions(ids: string[], mutator: Mutator): Promise<MutationResult[]> {
    for (const id of ids) this.cache.drop(id);
    return this.tx(() => [...new Set(ids)].flatMap((id) => this.mutateInTransaction(id, mutator) ?? []));
  }

  private mutateInTransaction(id: string, mutator: Mutator): MutationResult | null {
    const row = this.sessionRows(`${SELECT_SESSION} WHERE s.id = ?`, [id])[0];
    if (!row) return null;
    const current = sessionFromValues(row);
    const mutation = mutator(current);
    if (!mutation) return { session: current, changed: false, deleted: false, events: [] };
    this.writeMutation(current, Number(row[MEMBER_SEQ_AT]), mutation);
    return { session: mutation.next ?? current, changed: true, deleted: mutation.next === null, events: this.writeEvents(mutation.events) };
  }

  /** The columns that changed, compare-and-set on the version read, and the member rows that changed. */
  private writeMutation(current: Session, memberSeq: number, mutation: Mutation): void {
    const { next } = mutation;
    const id = current.id;
    if (next === null) {
      this.insights.drop(id);
      this.run("DELETE FROM sessions WHERE id = ?", id);
      return;
    }
    const diff = diffMembers(current.members, next.members);
    const { columns, values } = changedSessionValues(current, next, memberSeq, diff);
    if (columns.length > 0) {
      const r = this.run(`UPDATE sessions SET ${columns.map((c) => `${c} = ?`).join(", ")} WHERE id = ? AND version = ?`, ...values, id, current.version);
      if (r.changes !== 1) throw new CoreError("version-conflict", "The session has changed since it was read.");
    }
    for (const userId of diff.removed) this.run("DELETE FROM session_members WHERE session_id = ? AND user_id = ?", id, userId);
    for (const m of diff.moved) this.run("UPDATE session_members SET team = ? WHERE session_id = ? AND user_id = ?", m.team, id, m.userId);
    this.insertMembers(id, diff.added, memberSeq + 1);
    if (mutation.log?.length) this.writeLog(id, mutation.log, this.clock());
  }

  async dueSessions(now: number, limit: number): Promise<string[]> {
    // Each side a range of its partial index that stops at the limit: a UNION of the whole
    // sides would gather and sort every due session before the LIMIT applies.
    return this.all(
      `SELECT id FROM (SELECT id FROM sessions WHERE state <> 'ended' AND expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at LIMIT ?)
       UNION SELECT id FROM (SELECT id FROM sessions WHERE state <> 'ended' AND end_at IS NOT NULL AND end_at <= ? ORDER BY end_at LIMIT ?)
       LIMIT ?`,
      now,
      limit,
      now,
      limit,
      limit,
    ).map((r) => String(r.id));
  }

  async scheduledEndsDue(now: number, limit: number): Promise<string[]> {
    return this.all(
      "SELECT id FROM sessions WHERE state <> 'ended' AND end_at IS NOT NULL AND end_at <= ? ORDER BY end_at LIMIT ?",
      now,
      limit,
    ).map((r) => String(r.id));
  }

  async nextScheduledEnd(): Promise<number | null> {
    const at = this.get("SELECT MIN(end_at) AS at FROM sessions WHERE state <> 'ended' AND end_at IS NOT NULL")?.at;
    return at === null || at === undefined ? null : Number(at);
  }

  async purgeEnded(before: number, limit: number): Promise<number> {
    const purged = this.run(
      "DELETE FROM sessions WHERE number IN (SELECT number FROM sessions WHERE state = 'ended' AND ended_at < ? LIMIT ?)",
      before,
      limit,
    ).changes;
    if (purged > 0) {
      this.cache.clear();
      this.insights.clear();
    }
    return purged;
  }

  async touchSessions(marks: { id: string; at: number }[], events: EventDraft[]): Promise<HubEvent[]> {
    if (marks.length === 0) return [];
    for (const { id } of marks) this.cache.drop(id);
    return this.tx(() => {
      for (const { id, at } of marks) this.run(TOUCH_SESSION, at, at, id);
      return this.writeEvents(events);
    });
  }

  async touchSession(id: string, at: number, events: (s: Session) => EventDraft[]): Promise<TouchResult | null> {
    return this.batched(() => {
      this.cache.drop(id);
      const touched = this.run(TOUCH_SESSION, at, at, id).changes === 1;
      const session = this.readSession("s.id = ?", id);
      if (!session) return null;
      const result = { session, touched, events: touched ? this.writeEvents(events(session)) : [] };
      this.cache.set(session);
      return result;
    });
  }

  // Log ---------------------------------------------------------------------

  async appendLog(sessionId: string, lines: NewLogLine[], events: EventDraft[], now: number) {
    return this.tx(() => {
      const live = this.get("SELECT state FROM sessions WHERE id = ?", sessionId);
      if (!live) throw new CoreError("not-found", "No such session.");
      return { lines: this.writeLog(sessionId, lines, now), events: this.writeEvents(events) };
    });
  }

  async readLog(sessionId: string, read: LogRead): Promise<{ lines: LogLine[]; total: number }> {
    const conditions = ["session_id = ?", "stream = ?"];
    const params: unknown[] = [sessionId, read.stream];
    if (read.jobId) {
      conditions.push("job_id = ?");
      params.push(read.jobId);
    }
    if (read.types?.length) {
      conditions.push(`type IN (${read.types.map(() => "?").join(", ")})`);
      params.push(...read.types);
    }
    const where = conditions.join(" AND ");
    const total = Number((this.stmt(`SELECT COUNT(*) AS n FROM log_lines WHERE ${where}`).get(...params) as Row).n);
    const lines = (
      this
        .stmt(`SELECT * FROM log_lines WHERE ${where} ORDER BY position LIMIT ? OFFSET ?`)
        .all(...params, Math.max(0, read.limit), Math.max(0, read.from ?? 0)) as Row[]
    ).map(logLineFromRow);
    return { lines, total };
  }

  async logStats(sessionIds: string[]): Promise<Map<string, LogStats>> {
    const known = new Map(sessionIds.flatMap((id) => {
      const stats = this.insights.stats(id);
      return stats ? [[id, stats] as const] : [];
    }));
    const missing = [...new Set(sessionIds)].filter((id) => !known.has(id));
    const read = missing.length === 0 ? new Map<string, LogStats>() : logStatsFromRows(missing, this.stmt(LOG_STATS).all(JSON.stringify(missing)) as Row[]);
    for (const [id, stats] of read) this.insights.setStats(id, stats);
    return new Map(sessionIds.map((id) => [id, known.get(id) ?? read.get(id)!]));
  }

  async tailLogs(sessionIds: string[], stream: LogStream, limit: number): Promise<Map<string, LogLine[]>> {
    const ask = limit <= 0 ? [] : [...new Set(sessionIds)].filter((id) => !this.insights.silent(id, stream));
    const rows = ask.length === 0 ? [] : (this.stmt(TAIL_LOGS).all({ ids: JSON.stringify(ask), stream, limit }) as Row[]);
    const tails = bySession(sessionIds, rows, logLineFromRow);
    for (const id of ask) if (tails.get(id)!.length === 0) this.insights.setSilent(id, stream);
    return tails;
  }

  // Jobs --------------------------------------------------------------------

  async insertJob(job: NewJob, events: EventDraft[], queue?: JobQueueLimit): Promise<{ job: Job; events: HubEvent[] }> {
    return this.tx(() => {
      if (queue && Number(this.get(PENDING_JOBS, job.sessionId)?.n) >= queue.max) throw new CoreError("too-many", queue.message);
      this.insights.drop(job.sessionId);
      const seq = Number(this.get("SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM jobs WHERE session_id = ?", job.sessionId)?.n ?? 1);
      this.run(
        `INSERT INTO jobs (${JOB_WRITE_COLUMNS.join(", ")}) VALUES (${JOB_WRITE_COLUMNS.map(() => "?").join(", ")})`,
        ...jobValues({ ...job, seq }),
      );
      return { job: { ...job, seq }, events: this.writeEvents(events) };
    });
  }

  async getJob(id: string): Promise<Job | null> {
    const row = this.get("SELECT * FROM jobs WHERE id = ?", id);
    return row ? jobFromRow(row) : null;
  }

  async listJobs(sessionId: string, states?: JobState[]): Promise<Job[]> {
    const filter = states?.length ? ` AND state IN (${states.map(() => "?").join(", ")})` : "";
    return (
      this.stmt(`SELECT * FROM jobs WHERE session_id = ?${filter} ORDER BY seq`).all(sessionId, ...(states ?? [])) as Row[]
    ).map(jobFromRow);
  }

  async recentJobs(sessionIds: string[], limit: number): Promise<Map<string, Job[]>> {
    const ask = limit <= 0 ? [] : [...new Set(sessionIds)].filter((id) => !this.insights.jobless(id));
    const rows = ask.length === 0 ? [] : (this.stmt(RECENT_JOBS).all({ ids: JSON.stringify(ask), limit }) as Row[]);
    const recent = bySession(sessionIds, rows, jobFromRow);
    for (const id of ask) if (recent.get(id)!.length === 0) this.insights.setJobless(id);
    return recent;
  }

  async mutateJob(id: string, mutator: JobMutator) {
    return this.tx(() => {
      const row = this.get("SELECT * FROM jobs WHERE id = ?", id);
      if (!row) return null;
      const current = jobFromRow(row);
      const mutation = mutator(current);
      if (!mutation) return { job: current, changed: false, events: [] };
      this.insights.drop(current.sessionId);
      const { next } = mutation;
      if (next === null) {
        this.run("DELETE FROM jobs WHERE id = ?", id);
      } else {
        const r = this.run(
          `UPDATE jobs SET ${JOB_UPDATE_COLUMNS.map((c) => `${c} = ?`).join(", ")} WHERE id = ? AND version = ?`,
          ...jobUpdateValues(next),
          id,
          current.version,
        );
        if (r.changes !== 1) throw new CoreError("version-conflict", "The job has changed since it was read.");
      }
      return { job: next ?? current, changed: true, events: this.writeEvents(mutation.events) };
    });
  }

  // Users and tokens --------------------------------------------------------

  async insertUser(user: NewUser, now: number, token?: ApiToken): Promise<User> {
    try {
      return this.tx(() => {
        const number = Number(this.get("SELECT COALESCE(MAX(number), 0) + 1 AS n FROM users")?.n ?? 1);
        this.run(
          `INSERT INTO users (id, number, roles, password_hash, device_id, client_type, attributes, disabled, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          user.id,
          number,
          JSON.stringify(user.roles),
          user.passwordHash,
          user.deviceId,
          user.clientType,
          JSON.stringify(user.attributes),
          user.disabled ? 1 : 0,
          now,
          now,
        );
        if (token) this.run(INSERT_TOKEN, ...tokenValues(token));
        return { ...user, number, createdAt: now, updatedAt: now };
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new CoreError("already-exists", "A user with this id or device id exists.");
      throw e;
    }
  }

  async getUser(id: string): Promise<User | null> {
    const row = this.get("SELECT * FROM users WHERE id = ?", id);
    return row ? userFromRow(row) : null;
  }

  async getUserByNumber(number: number): Promise<User | null> {
    const row = this.get("SELECT * FROM users WHERE number = ?", number);
    return row ? userFromRow(row) : null;
  }

  async getUserByDeviceId(deviceId: string): Promise<User | null> {
    const row = this.get("SELECT * FROM users WHERE device_id = ?", deviceId);
    return row ? userFromRow(row) : null;
  }

  async listUsers(): Promise<User[]> {
    return this.all("SELECT * FROM users ORDER BY number").map(userFromRow);
  }

  async listPasswordUsers(): Promise<User[]> {
    return this.all("SELECT * FROM users WHERE password_hash IS NOT NULL AND disabled = 0 ORDER BY number").map(userFromRow);
  }

  async countUsers(): Promise<number> {
    return Number(this.get("SELECT COUNT(*) AS n FROM users")?.n ?? 0);
  }

  async updateUser(id: string, patch: UserPatch, now: number): Promise<User | null> {
    try {
      return this.tx(() => {
        const row = this.get("SELECT * FROM users WHERE id = ?", id);
        if (!row) return null;
        const next: User = { ...userFromRow(row), ...patch, updatedAt: now };
        this.run(
          `UPDATE users SET roles = ?, password_hash = ?, device_id = ?, client_type = ?, attributes = ?, disabled = ?, updated_at = ?
           WHERE id = ?`,
          JSON.stringify(next.roles),
          next.passwordHash,
          next.deviceId,
          next.clientType,
          JSON.stringify(next.attributes),
          next.disabled ? 1 : 0,
          now,
          id,
        );
        return next;
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new CoreError("already-exists", "Another user has this device id.");
      throw e;
    }
  }

  async deleteUser(id: string): Promise<boolean> {
    return this.run("DELETE FROM users WHERE id = ?", id).changes > 0;
  }

  async insertToken(token: ApiToken): Promise<void> {
    this.run(INSERT_TOKEN, ...tokenValues(token));
  }

  async insertTokenIfNew(token: ApiToken): Promise<boolean> {
    return this.run(`${INSERT_TOKEN} ON CONFLICT (hash) DO NOTHING`, ...tokenValues(token)).changes === 1;
  }

  async getToken(id: string): Promise<ApiToken | null> {
    const row = this.get("SELECT * FROM tokens WHERE id = ?", id);
    return row ? tokenFromRow(row) : null;
  }

  async getTokenByHash(hash: string): Promise<ApiToken | null> {
    const row = this.get("SELECT * FROM tokens WHERE hash = ?", hash);
    return row ? tokenFromRow(row) : null;
  }

  async listTokens(userId?: string): Promise<ApiToken[]> {
    const rows = userId
      ? this.all("SELECT * FROM tokens WHERE user_id = ? ORDER BY created_at, id", userId)
      : this.all("SELECT * FROM tokens ORDER BY created_at, id");
    return rows.map(tokenFromRow);
  }

  async revokeToken(id: string, now: number): Promise<ApiToken | null> {
    return this.tx(() => {
      this.run("UPDATE tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?", now, id);
      const row = this.get("SELECT * FROM tokens WHERE id = ?", id);
      return row ? tokenFromRow(row) : null;
    });
  }

  // Family records -----------------------------------------------------------

  async putRecord(write: RecordWrite, expectedVersion: number | null | undefined, now: number): Promise<FamilyRecord> {
    return this.tx(() => {
      const row = this.get("SELECT * FROM family_records WHERE namespace = ? AND key = ?", write.namespace, write.key);
      const current = row ? recordFromRow(row) : null;
      if (expectedVersion === null && current) throw new CoreError("already-exists", `${write.namespace} ${write.key} exists.`);
      if (typeof expectedVersion === "number" && current?.version !== expectedVersion) {
        throw new CoreError("version-conflict", `${write.namespace} ${write.key} has changed.`);
      }
      const sessionId = write.sessionId ?? null;
      if (sessionId !== null && !this.get("SELECT 1 AS x FROM sessions WHERE id = ?", sessionId)) throw new CoreError("not-found", "No such session.");
      const blob = write.blob === undefined ? (current?.blob ?? null) : write.blob;
      const next: FamilyRecord = {
        namespace: write.namespace,
        key: write.key,
        sessionId,
        doc: write.doc,
        blob,
        version: (current?.version ?? 0) + 1,
        createdAt: current?.createdAt ?? now,
        updatedAt: now,
      };
      this.run(
        `INSERT INTO family_records (namespace, key, session_id, doc, blob, blob_bytes, version, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (namespace, key) DO UPDATE SET session_id = excluded.session_id, doc = excluded.doc, blob = excluded.blob,
           blob_bytes = excluded.blob_bytes, version = excluded.version, updated_at = excluded.updated_at`,
        next.namespace,
        next.key,
        sessionId,
        JSON.stringify(next.doc),
        blob === null ? null : Buffer.from(blob),
        blob?.byteLength ?? 0,
        next.version,
        next.createdAt,
        next.updatedAt,
      );
      return next;
    });
  }

  async getRecord(namespace: string, key: string): Promise<FamilyRecord | null> {
    const row = this.get("SELECT * FROM family_records WHERE namespace = ? AND key = ?", namespace, key);
    return row ? recordFromRow(row) : null;
  }

  async listRecords(namespace: string, list: RecordList): Promise<FamilyRecord[]> {
    const conditions = ["namespace = ?"];
    const params: unknown[] = [namespace];
    if (list.sessionId !== undefined) {
      conditions.push("session_id = ?");
      params.push(list.sessionId);
    }
    if (list.prefix) {
      conditions.push("substr(key, 1, ?) = ?");
      params.push(list.prefix.length, list.prefix);
    }
    if (list.after !== undefined) {
      conditions.push("key > ?");
      params.push(list.after);
    }
    return this.all(`SELECT * FROM family_records WHERE ${conditions.join(" AND ")} ORDER BY key LIMIT ?`, ...params, list.limit).map(recordFromRow);
  }

  async deleteRecord(namespace: string, key: string, expectedVersion?: number): Promise<boolean> {
    return this.tx(() => {
      const row = this.get("SELECT version FROM family_records WHERE namespace = ? AND key = ?", namespace, key);
      if (!row) return false;
      if (expectedVersion !== undefined && Number(row.version) !== expectedVersion) {
        throw new CoreError("version-conflict", `${namespace} ${key} has changed.`);
      }
      return this.run("DELETE FROM family_records WHERE namespace = ? AND key = ?", namespace, key).changes > 0;
    });
  }

  async recordBytes(namespace: string, sessionId: string): Promise<number> {
    return Number(this.get("SELECT COALESCE(SUM(blob_bytes), 0) AS n FROM family_records WHERE namespace = ? AND session_id = ?", namespace, sessionId)?.n ?? 0);
  }

  async getMeta(key: string): Promise<string | null> {
    const row = this.get("SELECT value FROM meta WHERE key = ?", key);
    return row ? String(row.value) : null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.run("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value);
  }
}

import pg from "pg";
import { CoreError } from "../../core/errors.js";
import type { EventDraft, EventType, HubEvent } from "../../core/events.js";
import { DEFAULTS } from "../../config.js";
import { type Condition, type FilterLimits, type Page, type SessionQuery, likeLiteral } from "../../core/query.js";
import type { ApiToken, FamilyRecord, Job, JobState, LogLine, LogStream, Service, Session, User } from "../../core/types.js";
import { CORE_MIGRATIONS, type Migration } from "../migrations.js";
import {
  JOB_UPDATE_COLUMNS,
  JOB_WRITE_COLUMNS,
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
  recordFromRow,
  serviceFromRow,
  sessionFromRow,
  sessionValues,
  tokenFromRow,
  tokenValues,
  userFromRow,
} from "../sql/rows.js";
import { compileSessionCount, compileSessionPage, compileSessionStats, sessionStatsFromRows } from "../sql/session-query.js";
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
import { Database, type Queries, pgTypes } from "./database.js";
import { MEMBERS_SQL, postgresDialect } from "./dialect.js";
import { describeTarget, isForeignKeyViolation, isUnavailable, isUniqueViolation, scrub } from "./errors.js";
import { EVENTS_CHANNEL, EventFeed } from "./event-feed.js";

export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  nodeId: string;
  migrations?: Migration[];
  clock?: () => number;
  /** How large a session filter may be (`config.limits`); the default config's when not given. */
  filterLimits?: FilterLimits;
  /** Connections this node keeps at most. */
  poolSize?: number;
  /** How long to wait for a connection before a call fails as `unavailable`. */
  connectTimeoutMs?: number;
  /** How long one statement may run (a lock wait included) before it fails as `unavailable`. */
  statementTimeoutMs?: number;
}

/** Any constant shared by every node: serialises migrations across nodes starting at once. */
const MIGRATION_LOCK = 0x5e55_1011;
/** The class of the advisory locks that serialise creates under one quota (the key's hash is the object). */
const QUOTA_LOCK_CLASS = 0x5e55_0a07;

const placeholders = (from: number, count: number) => Array.from({ length: count }, (_, i) => `$${from + i}`).join(", ");

const SELECT_SESSION = `SELECT ${SESSION_COLUMNS}, ${MEMBERS_SQL} FROM sessions s`;
const INSERT_SESSION = `INSERT INTO sessions (${SESSION_WRITE_COLUMNS.join(", ")}, member_seq)
  VALUES (${placeholders(1, SESSION_WRITE_COLUMNS.length + 1)}) RETURNING number`;
const UPDATE_JOB = `UPDATE jobs SET ${JOB_UPDATE_COLUMNS.map((c, i) => `${c} = $${i + 1}`).join(", ")}
  WHERE id = $${JOB_UPDATE_COLUMNS.length + 1} AND version = $${JOB_UPDATE_COLUMNS.length + 2}`;

/** The hot reads, prepared once per connection (named statements): parsed and planned once, not per call. */
const SESSION_BY_ID = { name: "sessionhub-session-by-id", text: `${SELECT_SESSION} WHERE s.id = $1` };
const SESSION_BY_NUMBER = { name: "sessionhub-session-by-number", text: `${SELECT_SESSION} WHERE s.number = $1` };

/** Activity without a change: the same formula as core/expiry.ts expiryOf(); version is untouched on purpose. */
const TOUCH_SESSION = {
  name: "sessionhub-touch-session",
  text: `UPDATE sessions s SET last_activity_at = GREATEST(s.last_activity_at, $2),
    expires_at = CASE WHEN s.timeout_seconds > 0 AND s.state NOT IN ('running', 'ended')
                 THEN GREATEST(s.last_activity_at, $2) + s.timeout_seconds * 1000 ELSE s.expires_at END
  WHERE s.id = $1 AND s.state <> 'ended' RETURNING ${SESSION_COLUMNS}, ${MEMBERS_SQL}`,
};

/**
 * Locks a session row for a change. NO KEY UPDATE is the FOR UPDATE that does not block
 * the foreign-key checks of rows inserted for the session (members, log lines, jobs),
 * since a session's key never changes; writers of the same session still queue.
 */
const LOCK_SESSION = "SELECT 1 AS x FROM sessions WHERE id = $1 FOR NO KEY UPDATE";

/**
 * One multi-row insert; the events are numbered in the order given. The notification
 * is sent at commit, and only if the transaction commits.
 */
const INSERT_EVENTS = `WITH written AS (
  INSERT INTO events (type, session_id, service_id, node_id, at, data, access)
  SELECT e.type, e.session_id, e.service_id, $4, $5, e.data, e.access
  FROM unnest($1::text[], $2::text[], $3::text[], $6::jsonb[], $7::jsonb[]) WITH ORDINALITY AS e(type, session_id, service_id, data, access, ord)
  ORDER BY e.ord
  RETURNING seq
), notified AS (SELECT pg_notify('${EVENTS_CHANNEL}', $4) FROM written LIMIT 1)
SELECT written.seq FROM written LEFT JOIN notified ON true ORDER BY written.seq`;

const INSERT_TOKEN = "INSERT INTO tokens (id, user_id, name, issuer, hash, created_at, expires_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

const INSERT_RECORD = `INSERT INTO family_records (namespace, key, session_id, doc, blob, blob_bytes, version, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7)`;

/**
 * PostgreSQL for several stateless nodes over one database. Every rule that must hold
 * across nodes is a row lock or a conditional write: sessions are locked before they
 * change, creates with an idempotency key race on its primary key, and events reach
 * the other nodes by LISTEN/NOTIFY.
 */
export class PostgresStore implements Store {
  readonly kind = "postgres" as const;
  private readonly db: Database;
  private readonly url: string;
  private readonly nodeId: string;
  private readonly clock: () => number;
  private readonly migrations: Migration[];
  private readonly filterLimits: FilterLimits;
  private readonly connectTimeoutMs: number;
  private readonly feeds = new Set<EventFeed>();
  private closed = false;

  constructor(options: PostgresStoreOptions) {
    this.url = options.url;
    this.nodeId = options.nodeId;
    this.clock = options.clock ?? Date.now;
    this.migrations = [...CORE_MIGRATIONS, ...(options.migrations ?? [])];
    this.filterLimits = options.filterLimits ?? DEFAULTS.limits;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5000;
    const statementTimeoutMs = options.statementTimeoutMs ?? 15_000;
    this.db = new Database(
      new pg.Pool({
        ...this.clientConfig(),
        max: options.poolSize ?? DEFAULTS.postgres.poolSize,
        statement_timeout: statementTimeoutMs,
        // The server's own timeout cannot fire when the server hangs; this one can. The
        // margin for the round trip is what a connection may take to open.
        query_timeout: statementTimeoutMs + this.connectTimeoutMs,
        idle_in_transaction_session_timeout: statementTimeoutMs * 2,
      }),
    );
  }

  private clientConfig(): pg.ClientConfig {
    return {
      connectionString: this.url,
      connectionTimeoutMillis: this.connectTimeoutMs,
      keepAlive: true,
      application_name: `sessionhub ${this.nodeId}`,
      types: pgTypes,
    };
  }

  /**
   * All pending migrations in one transaction, under a transaction-level advisory lock:
   * a node that starts while another migrates waits, then finds the work done. On a
   * connection of its own, without the statement timeout (a migration may take long).
   */
  async migrate(): Promise<void> {
    const client = new pg.Client(this.clientConfig());
    client.on("error", () => {});
    const fail = (e: unknown) =>
      new CoreError("unavailable", `Cannot connect to PostgreSQL at ${describeTarget(this.url)}: ${scrub((e as Error).message, this.url)}`);
    try {
      await client.connect();
    } catch (e) {
      await client.end().catch(() => {});
      throw fail(e);
    }
    let current = "";
    try {
      await client.query("BEGIN");
      await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
      await client.query("CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)");
      const applied = new Set((await client.query<{ id: string }>("SELECT id FROM schema_migrations")).rows.map((r) => r.id));
      for (const m of this.migrations) {
        if (applied.has(m.id)) continue;
        current = m.id;
        await client.query(m.postgres);
        await client.query("INSERT INTO schema_migrations (id, applied_at) VALUES ($1, $2)", [m.id, Date.now()]);
      }
      await client.query("COMMIT");
    } catch (e) {
      await client.query("ROLLBACK").catch(() => {});
      if (isUnavailable(e)) throw fail(e);
      throw new Error(`Migration ${current || "setup"} failed on PostgreSQL: ${(e as Error).message}`, { cause: e });
    } finally {
      await client.end().catch(() => {});
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.feeds].map((f) => f.close()));
    await this.db.pool.end();
  }

  async ping(): Promise<void> {
    await this.db.rows("SELECT 1");
  }

  async listen(onEvents: (events: HubEvent[]) => void): Promise<() => Promise<void>> {
    const feed = new EventFeed({
      nodeId: this.nodeId,
      start: await this.lastEventSeq(),
      // An answer to a heartbeat takes a round trip: what a connection may take to open.
      client: () => new pg.Client({ ...this.clientConfig(), application_name: `sessionhub ${this.nodeId} (events)`, query_timeout: this.connectTimeoutMs }),
      heartbeatMs: this.connectTimeoutMs * 2,
      read: async (after, missing, limit) =>
        (
          await this.db.rows("SELECT * FROM events WHERE seq > $1 OR seq = ANY($2::bigint[]) ORDER BY seq LIMIT $3", [after, missing, limit])
        ).map(eventFromRow),
      onEvents,
    });
    this.feeds.add(feed);
    await feed.start();
    return async () => {
      this.feeds.delete(feed);
      await feed.close();
    };
  }

  // Events ------------------------------------------------------------------

  private async writeEvents(q: Queries, drafts: EventDraft[]): Promise<HubEvent[]> {
    if (drafts.length === 0) return [];
    const at = this.clock();
    const rows = await q.rows(INSERT_EVENTS, [
      drafts.map((d) => d.type),
      drafts.map((d) => d.sessionId),
      drafts.map((d) => d.serviceId),
      this.nodeId,
      at,
      drafts.map((d) => JSON.stringify(d.data)),
      drafts.map((d) => (d.access === null ? null : JSON.stringify(d.access))),
    ]);
    return drafts.map((d, i) => ({ ...d, seq: Number(rows[i]?.seq), at, nodeId: this.nodeId }));
  }

  async insertEvents(events: EventDraft[]): Promise<HubEvent[]> {
    if (events.length === 0) return [];
    return this.db.tx((q) => this.writeEvents(q, events));
  }

  async readEvents(afterSeq: number, limit: number): Promise<HubEvent[]> {
    return (await this.db.rows("SELECT * FROM events WHERE seq > $1 ORDER BY seq LIMIT $2", [afterSeq, limit])).map(eventFromRow);
  }

  async readEventsBefore(beforeSeq: number, limit: number, skipTypes: readonly EventType[]): Promise<HubEvent[]> {
    return (
      await this.db.rows("SELECT * FROM events WHERE seq < $1 AND NOT (type = ANY($2::text[])) ORDER BY seq DESC LIMIT $3", [beforeSeq, skipTypes, limit])
    ).map(eventFromRow);
  }

  async lastEventSeq(): Promise<number> {
    return Number((await this.db.one("SELECT COALESCE(MAX(seq), 0) AS seq FROM events"))?.seq ?? 0);
  }

  async countEvents(sessionIds: string[], since: number): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (sessionIds.length === 0) return out;
    const rows = await this.db.rows(
      "SELECT session_id, COUNT(*) AS n FROM events WHERE at >= $1 AND session_id = ANY($2::text[]) GROUP BY session_id",
      [since, sessionIds],
    );
    for (const r of rows) out.set(String(r.session_id), Number(r.n));
    return out;
  }

  async purgeHistory(eventsBefore: number, now: number, limit: number): Promise<number> {
    const events = await this.db.run("DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE at < $1 ORDER BY at LIMIT $2)", [eventsBefore, limit]);
    const keys = await this.db.run(
      "DELETE FROM idempotency_keys WHERE (scope, key) IN (SELECT scope, key FROM idempotency_keys WHERE expires_at <= $1 LIMIT $2)",
      [now, limit],
    );
    return Math.max(events, keys);
  }

  // Services ----------------------------------------------------------------

  async insertService(service: NewService, events: (s: Service) => EventDraft[], now: number): Promise<{ service: Service; events: HubEvent[] }> {
    const exists = () => new CoreError("already-exists", "A service with this id or number exists.");
    try {
      return await this.db.tx(async (q) => {
        // A chosen number may be one the sequence hands out later: take the next free one.
        for (;;) {
          const row = await q.one(
            `INSERT INTO services (id, number, kind, name, description, settings, default_timeout, created_at, updated_at, version)
             VALUES ($1, COALESCE($2::bigint, nextval('services_number_seq')), $3, $4, $5, $6, $7, $8, $8, 0)
             ON CONFLICT (number) DO NOTHING RETURNING *`,
            [service.id, service.number ?? null, service.kind, service.name, service.description, JSON.stringify(service.settings), service.defaultInactiveTimeoutSeconds, now],
          );
          if (row) {
            const created = serviceFromRow(row);
            return { service: created, events: await this.writeEvents(q, events(created)) };
          }
          if (service.number !== undefined) throw exists();
        }
      });
    } catch (e) {
      throw isUniqueViolation(e) ? exists() : e;
    }
  }

  async getService(ref: string | number): Promise<Service | null> {
    const row = await this.db.one(`SELECT * FROM services WHERE ${typeof ref === "number" ? "number" : "id"} = $1`, [ref]);
    return row ? serviceFromRow(row) : null;
  }

  async listServices(): Promise<Service[]> {
    return (await this.db.rows("SELECT * FROM services ORDER BY number")).map(serviceFromRow);
  }

  async updateService(
    id: string,
    expectedVersion: number | null,
    patch: ServicePatch,
    events: (next: Service) => EventDraft[],
    now: number,
  ): Promise<{ service: Service; events: HubEvent[] } | null> {
    return this.db.tx(async (q) => {
      const row = await q.one("SELECT * FROM services WHERE id = $1 FOR UPDATE", [id]);
      if (!row) return null;
      const current = serviceFromRow(row);
      if (expectedVersion !== null && current.version !== expectedVersion) {
        throw new CoreError("version-conflict", "The service has changed since it was read.");
      }
      const next: Service = { ...current, ...patch, updatedAt: now, version: current.version + 1 };
      await q.run(
        `UPDATE services SET name = $1, description = $2, settings = $3, default_timeout = $4, updated_at = $5, version = $6
         WHERE id = $7`,
        [next.name, next.description, JSON.stringify(next.settings), next.defaultInactiveTimeoutSeconds, now, next.version, id],
      );
      return { service: next, events: await this.writeEvents(q, events(next)) };
    });
  }

  async deleteService(id: string, force: boolean, events: EventDraft[]) {
    return this.db.tx(async (q) => {
      // Locked first: a session created meanwhile on another node cannot slip past the count.
      await q.run("SELECT 1 FROM services WHERE id = $1 FOR UPDATE", [id]);
      const live = Number((await q.one("SELECT COUNT(*) AS n FROM sessions WHERE service_id = $1 AND state <> 'ended'", [id]))?.n ?? 0);
      if (live > 0 && !force) return { deleted: false, liveSessions: live, events: [] };
      const deleted = (await q.run("DELETE FROM services WHERE id = $1", [id])) > 0;
      return { deleted, liveSessions: live, events: deleted ? await this.writeEvents(q, events) : [] };
    });
  }

  async sessionCounts() {
    return (await this.db.rows("SELECT service_id, state, COUNT(*) AS n FROM sessions GROUP BY service_id, state")).map((r) => ({
      serviceId: String(r.service_id),
      state: r.state as Session["state"],
      count: Number(r.n),
    }));
  }

  async applyServiceTimeout(serviceId: string, timeoutSeconds: number): Promise<void> {
    // Same formula as core/expiry.ts expiryOf().
    await this.db.run(
      `UPDATE sessions SET timeout_seconds = $1,
         expires_at = CASE WHEN $1 > 0 AND state NOT IN ('running', 'ended') THEN last_activity_at + $1 * 1000 ELSE NULL END
       WHERE service_id = $2 AND inactive_timeout IS NULL AND state <> 'ended'`,
      [timeoutSeconds, serviceId],
    );
  }

  // Sessions ----------------------------------------------------------------


  private async insertMembers(q: Queries, sessionId: string, members: Session["members"], firstSeq: number): Promise<void> {
    if (members.length === 0) return;
    await q.run(
      `INSERT INTO session_members (session_id, user_id, seq, joined_at, team)
       SELECT $1, m.user_id, m.seq, m.joined_at, m.team FROM unnest($2::text[], $3::int[], $4::bigint[], $5::int[]) AS m(user_id, seq, joined_at, team)`,
      [sessionId, members.map((m) => m.userId), members.map((_, i) => firstSeq + i), members.map((m) => m.joinedAt), members.map((m) => m.team)],
    );
  }

  async insertSession(
    session: NewSession,
    events: (s: Session) => EventDraft[],
    idempotency?: IdempotencyClaim,
    quotas: SessionQuota[] = [],
  ): Promise<InsertSessionResult> {
    return this.db.tx(async (q) => {
      if (idempotency) {
        // The key is claimed before anything is written. A concurrent claim of the same
        // key waits here until the first commits (then finds it taken) or rolls back.
        const claimed = await q.run(
          `INSERT INTO idempotency_keys (scope, key, session_id, snapshot, expires_at) VALUES ($1, $2, $3, '{}', $4)
           ON CONFLICT (scope, key) DO UPDATE SET session_id = excluded.session_id, snapshot = excluded.snapshot, expires_at = excluded.expires_at
           WHERE idempotency_keys.expires_at <= $5`,
          [idempotency.scope, idempotency.key, session.id, idempotency.expiresAt, this.clock()],
        );
        if (claimed === 0) {
          const prior = await q.one("SELECT snapshot FROM idempotency_keys WHERE scope = $1 AND key = $2", [idempotency.scope, idempotency.key]);
          return { session: prior?.snapshot as Session, replayed: true, events: [] };
        }
      }
      // Under READ COMMITTED, creates in different rows never conflict: each quota's
      // creates queue on an advisory lock held to commit (taken in key order, so two
      // quotas cannot deadlock), and each count, a statement begun after the lock was
      // granted, sees every create admitted before it.
      for (const key of [...new Set(quotas.map((x) => x.key))].sort()) {
        await q.run("SELECT pg_advisory_xact_lock($1, hashtext($2))", [QUOTA_LOCK_CLASS, key]);
      }
      const row = await q.one(INSERT_SESSION, [...sessionValues(session), session.members.length]);
      const created: Session = { ...session, number: Number(row?.number) };
      await this.insertMembers(q, session.id, session.members, 1);
      for (const quota of quotas) {
        const { sql, params } = compileSessionCount(postgresDialect, quota.where, this.filterLimits);
        if (Number((await q.one(sql, params))?.n) > quota.max) throw new CoreError("too-many", quota.message);
      }
      if (idempotency) {
        await q.run("UPDATE idempotency_keys SET snapshot = $3 WHERE scope = $1 AND key = $2", [idempotency.scope, idempotency.key, JSON.stringify(created)]);
      }
      return { session: created, replayed: false, events: await this.writeEvents(q, events(created)) };
    });
  }

  async getSession(ref: { id: string } | { number: number }): Promise<Session | null> {
    const row = "id" in ref ? await this.db.one(SESSION_BY_ID, [ref.id]) : await this.db.one(SESSION_BY_NUMBER, [ref.number]);
    return row ? sessionFromRow(row) : null;
  }

  async querySessions(query: SessionQuery): Promise<Page<Session>> {
    const compiled = compileSessionPage(postgresDialect, query, this.filterLimits);
    // One round trip: the page's numbers chosen in a subquery, the rows (members folded in
    // only for sessions that have any) sorted again, a page's worth.
    const rows = await this.db.rows(`${SELECT_SESSION} WHERE s.number IN (${compiled.sql}) ORDER BY ${compiled.order}`, compiled.params);
    const page = compiled.page(rows.map((r) => sessionFromRow(r)));
    if (query.count) page.total = await this.countSessions(query.where);
    return page;
  }

  async countSessions(where?: Condition): Promise<number> {
    const { sql, params } = compileSessionCount(postgresDialect, where, this.filterLimits);
    return Number((await this.db.one(sql, params))?.n ?? 0);
  }

  async sessionStats(where: Condition | undefined, since: number): Promise<SessionStats> {
    const compiled = compileSessionStats(postgresDialect, where, since, this.filterLimits);
    const [groups, created, ended] = await Promise.all([compiled.groups, compiled.created, compiled.ended].map((c) => this.db.rows(c.sql, c.params)));
    return sessionStatsFromRows({ groups: groups!, created: created!, ended: ended! });
  }

  /** Appends lines after the last of each stream; the caller holds the session's lock. */
  private async writeLog(q: Queries, sessionId: string, lines: NewLogLine[], now: number): Promise<LogLine[]> {
    if (lines.length === 0) return [];
    const streams = [...new Set(lines.map((l) => l.stream))];
    const next = new Map<string, number>(streams.map((s) => [s, 0]));
    const tops = await q.rows(
      "SELECT stream, MAX(position) + 1 AS p FROM log_lines WHERE session_id = $1 AND stream = ANY($2::text[]) GROUP BY stream",
      [sessionId, streams],
    );
    for (const r of tops) next.set(String(r.stream), Number(r.p));
    const written: LogLine[] = lines.map((l) => {
      const position = next.get(l.stream)!;
      next.set(l.stream, position + 1);
      return { sessionId, stream: l.stream, position, type: l.type, text: l.text, jobId: l.jobId ?? null, createdAt: now };
    });
    await q.run(
      `INSERT INTO log_lines (session_id, stream, position, type, text, job_id, created_at)
       SELECT $1, l.stream, l.position, l.type, l.text, l.job_id, $2
       FROM unnest($3::text[], $4::int[], $5::text[], $6::text[], $7::text[]) AS l(stream, position, type, text, job_id)`,
      [sessionId, now, written.map((l) => l.stream), written.map((l) => l.position), written.map((l) => l.type), written.map((l) => l.text), written.map((l) => l.jobId)],
    );
    return written;
  }

  async mutateSession(id: string, mutator: Mutator): Promise<MutationResult | null> {
    return this.db.tx(async (q) => {
      if (!(await q.one(LOCK_SESSION, [id]))) return null;
      // Read in a statement of its own, after the lock is granted: under READ COMMITTED
      // it sees everything committed before, members included (a locking SELECT would
      // re-read the session row but not the members of its older snapshot).
      return this.mutateLocked(q, (await q.one(SESSION_BY_ID, [id]))!, mutator);
    });
  }

  async mutateSessions(ids: string[], mutator: Mutator): Promise<MutationResult[]> {
    if (ids.length === 0) return [];
    return this.db.tx(async (q) => {
      // Locked in id order, so two nodes working through overlapping batches cannot deadlock;
      // then read after the locks are granted (see mutateSession).
      const locked = await q.rows("SELECT id FROM sessions WHERE id = ANY($1::text[]) ORDER BY id FOR NO KEY UPDATE", [ids]);
      if (locked.length === 0) return [];
      const rows = new Map((await q.rows(`${SELECT_SESSION} WHERE s.id = ANY($1::text[])`, [locked.map((r) => r.id)])).map((r) => [String(r.id), r]));
      const results: MutationResult[] = [];
      for (const id of new Set(ids)) {
        const row = rows.get(id);
        if (row) results.push(await this.mutateLocked(q, row, mutator));
      }
      return results;
    });
  }

  /** Calls the mutator on a locked session's row and writes what it returns. */
  private async mutateLocked(q: Queries, row: Record<string, unknown>, mutator: Mutator): Promise<MutationResult> {
    const current = sessionFromRow(row);
    const mutation = mutator(current);
    if (!mutation) return { session: current, changed: false, deleted: false, events: [] };
    await this.writeMutation(q, current, Number(row.member_seq), mutation);
    return { session: mutation.next ?? current, changed: true, deleted: mutation.next === null, events: await this.writeEvents(q, mutation.events) };
  }

  /** The columns that changed, compare-and-set on the version read, and the member rows that changed. */
  private async writeMutation(q: Queries, current: Session, memberSeq: number, mutation: Mutation): Promise<void> {
    const { next } = mutation;
    const id = current.id;
    if (next === null) {
      await q.run("DELETE FROM sessions WHERE id = $1", [id]);
      return;
    }
    const diff = diffMembers(current.members, next.members);
    const { columns, values } = changedSessionValues(current, next, memberSeq, diff);
    if (columns.length > 0) {
      const set = columns.map((c, i) => `${c} = $${i + 1}`).join(", ");
      const changed = await q.run(`UPDATE sessions SET ${set} WHERE id = $${columns.length + 1} AND version = $${columns.length + 2}`, [...values, id, current.version]);
      if (changed !== 1) throw new CoreError("version-conflict", "The session has changed since it was read.");
    }
    if (diff.removed.length > 0) {
      await q.run("DELETE FROM session_members WHERE session_id = $1 AND user_id = ANY($2::text[])", [id, diff.removed]);
    }
    if (diff.moved.length > 0) {
      await q.run(
        `UPDATE session_members m SET team = x.team FROM unnest($2::text[], $3::int[]) AS x(user_id, team)
         WHERE m.session_id = $1 AND m.user_id = x.user_id`,
        [id, diff.moved.map((m) => m.userId), diff.moved.map((m) => m.team)],
      );
    }
    await this.insertMembers(q, id, diff.added, memberSeq + 1);
    if (mutation.log?.length) await this.writeLog(q, id, mutation.log, this.clock());
  }

  async dueSessions(now: number, limit: number): Promise<string[]> {
    // Each side a range of its partial index that stops at the limit (see the SQLite store).
    const rows = await this.db.rows(
      `(SELECT id FROM sessions WHERE state <> 'ended' AND expires_at IS NOT NULL AND expires_at <= $1 ORDER BY expires_at LIMIT $2)
       UNION (SELECT id FROM sessions WHERE state <> 'ended' AND end_at IS NOT NULL AND end_at <= $1 ORDER BY end_at LIMIT $2)
       LIMIT $2`,
      [now, limit],
    );
    return rows.map((r) => String(r.id));
  }

  async scheduledEndsDue(now: number, limit: number): Promise<string[]> {
    const rows = await this.db.rows(
      "SELECT id FROM sessions WHERE state <> 'ended' AND end_at IS NOT NULL AND end_at <= $1 ORDER BY end_at LIMIT $2",
      [now, limit],
    );
    return rows.map((r) => String(r.id));
  }

  async nextScheduledEnd(): Promise<number | null> {
    const at = (await this.db.one("SELECT MIN(end_at) AS at FROM sessions WHERE state <> 'ended' AND end_at IS NOT NULL"))?.at;
    return at === null || at === undefined ? null : Number(at);
  }

  async purgeEnded(before: number, limit: number): Promise<number> {
    // SKIP LOCKED: reapers of several nodes purge different rows instead of queueing.
    return this.db.run(
      `DELETE FROM sessions WHERE number IN (
         SELECT number FROM sessions WHERE state = 'ended' AND ended_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [before, limit],
    );
  }

  async touchSessions(marks: { id: string; at: number }[], events: EventDraft[]): Promise<HubEvent[]> {
    if (marks.length === 0) return [];
    const latest = new Map<string, number>();
    for (const { id, at } of marks) latest.set(id, Math.max(at, latest.get(id) ?? at));
    return this.db.tx(async (q) => {
      // Locked in id order, so two nodes flushing overlapping batches cannot deadlock.
      await q.run("SELECT 1 FROM sessions WHERE id = ANY($1::text[]) AND state <> 'ended' ORDER BY id FOR NO KEY UPDATE", [[...latest.keys()]]);
      // Same formula as core/expiry.ts expiryOf(); version is untouched on purpose.
      await q.run(
        `UPDATE sessions s SET last_activity_at = GREATEST(s.last_activity_at, m.at),
           expires_at = CASE WHEN s.timeout_seconds > 0 AND s.state NOT IN ('running', 'ended')
                        THEN GREATEST(s.last_activity_at, m.at) + s.timeout_seconds * 1000 ELSE s.expires_at END
         FROM unnest($1::text[], $2::bigint[]) AS m(id, at)
         WHERE s.id = m.id AND s.state <> 'ended'`,
        [[...latest.keys()], [...latest.values()]],
      );
      return this.writeEvents(q, events);
    });
  }

  async touchSession(id: string, at: number, events: (s: Session) => EventDraft[]): Promise<TouchResult | null> {
    return this.db.tx(async (q) => {
      const row = await q.one(TOUCH_SESSION, [id, at]);
      if (row) {
        const session = sessionFromRow(row);
        return { session, touched: true, events: await this.writeEvents(q, events(session)) };
      }
      const untouched = await q.one(SESSION_BY_ID, [id]);
      return untouched ? { session: sessionFromRow(untouched), touched: false, events: [] } : null;
    });
  }

  // Log ---------------------------------------------------------------------

  async appendLog(sessionId: string, lines: NewLogLine[], events: EventDraft[], now: number) {
    return this.db.tx(async (q) => {
      if (!(await q.one(LOCK_SESSION, [sessionId]))) throw new CoreError("not-found", "No such session.");
      return { lines: await this.writeLog(q, sessionId, lines, now), events: await this.writeEvents(q, events) };
    });
  }

  async readLog(sessionId: string, read: LogRead): Promise<{ lines: LogLine[]; total: number }> {
    const conditions = ["session_id = $1", "stream = $2"];
    const params: unknown[] = [sessionId, read.stream];
    if (read.jobId) {
      params.push(read.jobId);
      conditions.push(`job_id = $${params.length}`);
    }
    if (read.types?.length) {
      params.push(read.types);
      conditions.push(`type = ANY($${params.length}::text[])`);
    }
    const where = conditions.join(" AND ");
    const total = Number((await this.db.one(`SELECT COUNT(*) AS n FROM log_lines WHERE ${where}`, params))?.n ?? 0);
    const n = params.length;
    const rows = await this.db.rows(`SELECT * FROM log_lines WHERE ${where} ORDER BY position LIMIT $${n + 1} OFFSET $${n + 2}`, [
      ...params,
      Math.max(0, read.limit),
      Math.max(0, read.from ?? 0),
    ]);
    return { lines: rows.map(logLineFromRow), total };
  }

  async logStats(sessionIds: string[]): Promise<Map<string, LogStats>> {
    const rows =
      sessionIds.length === 0
        ? []
        : await this.db.rows(
            `SELECT session_id, stream, COUNT(*) AS n, MAX(created_at) AS last_at FROM log_lines
             WHERE session_id = ANY($1::text[]) GROUP BY session_id, stream`,
            [sessionIds],
          );
    return logStatsFromRows(sessionIds, rows);
  }

  async tailLogs(sessionIds: string[], stream: LogStream, limit: number): Promise<Map<string, LogLine[]>> {
    const rows =
      sessionIds.length === 0 || limit <= 0
        ? []
        : await this.db.rows(
            // Each session's last lines from the end of its range of the primary key, and no further.
            `SELECT l.* FROM (SELECT DISTINCT unnest($2::text[]) AS id) ids
             CROSS JOIN LATERAL (SELECT * FROM log_lines WHERE session_id = ids.id AND stream = $1 ORDER BY position DESC LIMIT $3) l
             ORDER BY l.session_id, l.position`,
            [stream, sessionIds, limit],
          );
    return bySession(sessionIds, rows, logLineFromRow);
  }

  // Jobs --------------------------------------------------------------------

  async insertJob(job: NewJob, events: EventDraft[], queue?: JobQueueLimit): Promise<{ job: Job; events: HubEvent[] }> {
    return this.db.tx(async (q) => {
      // The session's lock orders concurrent inserts, so each takes the next seq and sees
      // the pending jobs of those before it.
      if (!(await q.one(LOCK_SESSION, [job.sessionId]))) throw new CoreError("not-found", "No such session.");
      if (queue) {
        const pending = await q.one("SELECT COUNT(*) AS n FROM jobs WHERE session_id = $1 AND state = 'pending'", [job.sessionId]);
        if (Number(pending?.n) >= queue.max) throw new CoreError("too-many", queue.message);
      }
      const seq = Number((await q.one("SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM jobs WHERE session_id = $1", [job.sessionId]))?.n ?? 1);
      await q.run(`INSERT INTO jobs (${JOB_WRITE_COLUMNS.join(", ")}) VALUES (${placeholders(1, JOB_WRITE_COLUMNS.length)})`, jobValues({ ...job, seq }));
      return { job: { ...job, seq }, events: await this.writeEvents(q, events) };
    });
  }

  async getJob(id: string): Promise<Job | null> {
    const row = await this.db.one("SELECT * FROM jobs WHERE id = $1", [id]);
    return row ? jobFromRow(row) : null;
  }

  async listJobs(sessionId: string, states?: JobState[]): Promise<Job[]> {
    const rows = states?.length
      ? await this.db.rows("SELECT * FROM jobs WHERE session_id = $1 AND state = ANY($2::text[]) ORDER BY seq", [sessionId, states])
      : await this.db.rows("SELECT * FROM jobs WHERE session_id = $1 ORDER BY seq", [sessionId]);
    return rows.map(jobFromRow);
  }

  async recentJobs(sessionIds: string[], limit: number): Promise<Map<string, Job[]>> {
    const rows =
      sessionIds.length === 0 || limit <= 0
        ? []
        : await this.db.rows(
            `SELECT j.* FROM (SELECT DISTINCT unnest($1::text[]) AS id) ids
             CROSS JOIN LATERAL (SELECT * FROM jobs WHERE session_id = ids.id ORDER BY seq DESC LIMIT $2) j
             ORDER BY j.session_id, j.seq DESC`,
            [sessionIds, limit],
          );
    return bySession(sessionIds, rows, jobFromRow);
  }

  async mutateJob(id: string, mutator: JobMutator) {
    return this.db.tx(async (q) => {
      const row = await q.one("SELECT * FROM jobs WHERE id = $1 FOR UPDATE", [id]);
      if (!row) return null;
      const current = jobFromRow(row);
      const mutation = mutator(current);
      if (!mutation) return { job: current, changed: false, events: [] };
      const { next } = mutation;
      if (next === null) {
        await q.run("DELETE FROM jobs WHERE id = $1", [id]);
      } else {
        const changed = await q.run(UPDATE_JOB, [...jobUpdateValues(next), id, current.version]);
        if (changed !== 1) throw new CoreError("version-conflict", "The job has changed since it was read.");
      }
      return { job: next ?? current, changed: true, events: await this.writeEvents(q, mutation.events) };
    });
  }

  // Users and tokens --------------------------------------------------------

  async insertUser(user: NewUser, now: number, token?: ApiToken): Promise<User> {
    const insert = async (q: Queries | Database) => {
      const row = await q.one(
        `INSERT INTO users (id, roles, password_hash, device_id, client_type, attributes, disabled, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING number`,
        [user.id, JSON.stringify(user.roles), user.passwordHash, user.deviceId, user.clientType, JSON.stringify(user.attributes), user.disabled, now],
      );
      return { ...user, number: Number(row?.number), createdAt: now, updatedAt: now };
    };
    try {
      if (!token) return await insert(this.db);
      return await this.db.tx(async (q) => {
        const created = await insert(q);
        await q.run(INSERT_TOKEN, tokenValues(token));
        return created;
      });
    } catch (e) {
      throw isUniqueViolation(e) ? new CoreError("already-exists", "A user with this id or device id exists.") : e;
    }
  }

  private async userWhere(column: "id" | "number" | "device_id", value: unknown): Promise<User | null> {
    const row = await this.db.one(`SELECT * FROM users WHERE ${column} = $1`, [value]);
    return row ? userFromRow(row) : null;
  }

  getUser(id: string): Promise<User | null> {
    return this.userWhere("id", id);
  }

  getUserByNumber(number: number): Promise<User | null> {
    return this.userWhere("number", number);
  }

  getUserByDeviceId(deviceId: string): Promise<User | null> {
    return this.userWhere("device_id", deviceId);
  }

  async listUsers(): Promise<User[]> {
    return (await this.db.rows("SELECT * FROM users ORDER BY number")).map(userFromRow);
  }

  async listPasswordUsers(): Promise<User[]> {
    return (await this.db.rows("SELECT * FROM users WHERE password_hash IS NOT NULL AND NOT disabled ORDER BY number")).map(userFromRow);
  }

  async countUsers(): Promise<number> {
    return Number((await this.db.one("SELECT COUNT(*) AS n FROM users"))?.n ?? 0);
  }

  async updateUser(id: string, patch: UserPatch, now: number): Promise<User | null> {
    try {
      return await this.db.tx(async (q) => {
        const row = await q.one("SELECT * FROM users WHERE id = $1 FOR UPDATE", [id]);
        if (!row) return null;
        const next: User = { ...userFromRow(row), ...patch, updatedAt: now };
        await q.run(
          `UPDATE users SET roles = $1, password_hash = $2, device_id = $3, client_type = $4, attributes = $5, disabled = $6, updated_at = $7
           WHERE id = $8`,
          [JSON.stringify(next.roles), next.passwordHash, next.deviceId, next.clientType, JSON.stringify(next.attributes), next.disabled, now, id],
        );
        return next;
      });
    } catch (e) {
      throw isUniqueViolation(e) ? new CoreError("already-exists", "Another user has this device id.") : e;
    }
  }

  async deleteUser(id: string): Promise<boolean> {
    return (await this.db.run("DELETE FROM users WHERE id = $1", [id])) > 0;
  }

  async insertToken(token: ApiToken): Promise<void> {
    await this.db.run(INSERT_TOKEN, tokenValues(token));
  }

  async insertTokenIfNew(token: ApiToken): Promise<boolean> {
    return (await this.db.run(`${INSERT_TOKEN} ON CONFLICT (hash) DO NOTHING`, tokenValues(token))) === 1;
  }

  async getToken(id: string): Promise<ApiToken | null> {
    const row = await this.db.one("SELECT * FROM tokens WHERE id = $1", [id]);
    return row ? tokenFromRow(row) : null;
  }

  async getTokenByHash(hash: string): Promise<ApiToken | null> {
    const row = await this.db.one("SELECT * FROM tokens WHERE hash = $1", [hash]);
    return row ? tokenFromRow(row) : null;
  }

  async listTokens(userId?: string): Promise<ApiToken[]> {
    const rows = userId
      ? await this.db.rows("SELECT * FROM tokens WHERE user_id = $1 ORDER BY created_at, id", [userId])
      : await this.db.rows("SELECT * FROM tokens ORDER BY created_at, id");
    return rows.map(tokenFromRow);
  }

  async revokeToken(id: string, now: number): Promise<ApiToken | null> {
    const row = await this.db.one("UPDATE tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2 RETURNING *", [now, id]);
    return row ? tokenFromRow(row) : null;
  }

  // Family records -----------------------------------------------------------

  /**
   * One conditional statement per kind of expectation, so concurrent writers of the
   * same key cannot both win: insert-only relies on the primary key, compare-and-set on
   * the version in the WHERE clause. The session must exist: its foreign key says so.
   */
  async putRecord(write: RecordWrite, expectedVersion: number | null | undefined, now: number): Promise<FamilyRecord> {
    const blob = write.blob ? Buffer.from(write.blob) : null;
    const keep = write.blob === undefined;
    const values = [write.namespace, write.key, write.sessionId ?? null, JSON.stringify(write.doc), blob, write.blob?.byteLength ?? 0, now];
    try {
      if (expectedVersion === null) {
        const row = await this.db.one(`${INSERT_RECORD} ON CONFLICT (namespace, key) DO NOTHING RETURNING *`, values);
        if (!row) throw new CoreError("already-exists", `${write.namespace} ${write.key} exists.`);
        return recordFromRow(row);
      }
      if (expectedVersion === undefined) {
        const row = await this.db.one(
          `${INSERT_RECORD} ON CONFLICT (namespace, key) DO UPDATE SET session_id = excluded.session_id, doc = excluded.doc,
             blob = CASE WHEN $8 THEN family_records.blob ELSE excluded.blob END,
             blob_bytes = CASE WHEN $8 THEN family_records.blob_bytes ELSE excluded.blob_bytes END,
             version = family_records.version + 1, updated_at = excluded.updated_at
           RETURNING *`,
          [...values, keep],
        );
        return recordFromRow(row!);
      }
      const row = await this.db.one(
        `UPDATE family_records SET session_id = $3, doc = $4, blob = CASE WHEN $8 THEN blob ELSE $5 END,
           blob_bytes = CASE WHEN $8 THEN blob_bytes ELSE $6 END, version = version + 1, updated_at = $7
         WHERE namespace = $1 AND key = $2 AND version = $9 RETURNING *`,
        [...values, keep, expectedVersion],
      );
      if (!row) throw new CoreError("version-conflict", `${write.namespace} ${write.key} has changed.`);
      return recordFromRow(row);
    } catch (e) {
      throw isForeignKeyViolation(e) ? new CoreError("not-found", "No such session.") : e;
    }
  }

  async getRecord(namespace: string, key: string): Promise<FamilyRecord | null> {
    const row = await this.db.one("SELECT * FROM family_records WHERE namespace = $1 AND key = $2", [namespace, key]);
    return row ? recordFromRow(row) : null;
  }

  async listRecords(namespace: string, list: RecordList): Promise<FamilyRecord[]> {
    const conditions = ["namespace = $1"];
    const params: unknown[] = [namespace];
    if (list.sessionId !== undefined) {
      params.push(list.sessionId);
      conditions.push(`session_id = $${params.length}`);
    }
    if (list.prefix) {
      // A LIKE prefix on a "C"-collated key is a range scan of the primary key.
      params.push(`${likeLiteral(list.prefix)}%`);
      conditions.push(`key LIKE $${params.length}`);
    }
    if (list.after !== undefined) {
      params.push(list.after);
      conditions.push(`key > $${params.length}`);
    }
    params.push(list.limit);
    const rows = await this.db.rows(`SELECT * FROM family_records WHERE ${conditions.join(" AND ")} ORDER BY key LIMIT $${params.length}`, params);
    return rows.map(recordFromRow);
  }

  async deleteRecord(namespace: string, key: string, expectedVersion?: number): Promise<boolean> {
    return this.db.tx(async (q) => {
      const row = await q.one("SELECT version FROM family_records WHERE namespace = $1 AND key = $2 FOR UPDATE", [namespace, key]);
      if (!row) return false;
      if (expectedVersion !== undefined && Number(row.version) !== expectedVersion) {
        throw new CoreError("version-conflict", `${namespace} ${key} has changed.`);
      }
      return (await q.run("DELETE FROM family_records WHERE namespace = $1 AND key = $2", [namespace, key])) > 0;
    });
  }

  async recordBytes(namespace: string, sessionId: string): Promise<number> {
    const row = await this.db.one("SELECT COALESCE(SUM(blob_bytes), 0) AS n FROM family_records WHERE namespace = $1 AND session_id = $2", [namespace, sessionId]);
    return Number(row?.n ?? 0);
  }

  async getMeta(key: string): Promise<string | null> {
    const row = await this.db.one("SELECT value FROM meta WHERE key = $1", [key]);
    return row ? String(row.value) : null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.db.run("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [key, value]);
  }
}

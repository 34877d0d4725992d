import { type Condition, type FilterLimits, type Page, type SessionQuery, encodeCursor, validateCondition, validatePaging, validateSort, withTieBreak } from "../../core/query.js";
import type { Session, SessionState } from "../../core/types.js";
import type { SessionStats } from "../../core/store.js";
import { type Dialect, SqlBuilder, compileCondition, compileKeyset, compileOrder, sortValues } from "./compile.js";

export interface CompiledPage {
  /** The numbers of the page's sessions in page order, one more than the limit (to know whether there is a next page). */
  sql: string;
  params: unknown[];
  /** The ORDER BY of the page, for a statement that reads the sessions the numbers name. */
  order: string;
  /** The page made of the sessions the numbers name, in their order. */
  page(sessions: Session[]): Page<Session>;
}

/**
 * A page of sessions, chosen by a statement that reads and sorts session numbers only
 * (from an index where one serves the filter and the order); the stores then read the
 * full rows of the page alone. Sorting full rows would build them for every match
 * before the limit applies.
 */
export function compileSessionPage(dialect: Dialect, query: SessionQuery, limits: FilterLimits): CompiledPage {
  validatePaging(query);
  validateSort(query.sort ?? []);
  const sort = withTieBreak(query.sort);
  const b = new SqlBuilder(dialect);
  const parts: string[] = [];
  if (query.where) {
    validateCondition(query.where, limits);
    parts.push(compileCondition(b, query.where));
  }
  if (query.cursor) parts.push(compileKeyset(b, sort, query.cursor));
  const whereSql = parts.length > 0 ? ` WHERE ${parts.join(" AND ")}` : "";
  const limit = Math.max(0, query.limit);
  const order = compileOrder(sort, dialect);
  return {
    sql: `SELECT s.number FROM sessions s${whereSql} ORDER BY ${order} LIMIT ${b.bind(limit + 1)} OFFSET ${b.bind(query.cursor ? 0 : (query.offset ?? 0))}`,
    params: b.params,
    order,
    page(sessions: Session[]): Page<Session> {
      const items = sessions.slice(0, limit);
      const last = items.at(-1);
      const nextCursor = sessions.length > limit && last ? encodeCursor(sortValues(last, sort)) : null;
      return { items, nextCursor };
    },
  };
}

/** The fields a tally of sessions is kept by (SQLite's `session_tallies`: one row per service and state). */
const TALLIED = new Set(["serviceId", "state"]);

/**
 * Whether a condition looks at nothing but a session's service and state: every session
 * of one (service, state) group then matches it or none does, so it can be decided per
 * group of a tally.
 */
export function talliable(c: Condition | undefined): boolean {
  if (c === undefined) return true;
  if ("and" in c) return c.and.every(talliable);
  if ("or" in c) return c.or.every(talliable);
  if ("not" in c) return talliable(c.not);
  if ("readableBy" in c) return false;
  return TALLIED.has(c.field);
}

/** The sessions, and their members, per service and state from a tally table aliased `s`, of the groups `where` (talliable) matches. */
export function compileTally(dialect: Dialect, table: string, where: Condition | undefined, limits: FilterLimits): Compiled {
  const { b, sql } = filtered(dialect, where, limits, () => ["s.sessions > 0"]);
  return { sql: `SELECT s.service_id, s.state, s.sessions AS n, s.members FROM ${table} s${sql}`, params: b.params };
}

/** COUNT(*) of the sessions matching `where`, as one statement. */
export function compileSessionCount(dialect: Dialect, where: Condition | undefined, limits: FilterLimits): Compiled {
  const { b, sql } = filtered(dialect, where, limits, () => []);
  return { sql: `SELECT COUNT(*) AS n FROM sessions s${sql}`, params: b.params };
}

type Compiled = { sql: string; params: unknown[] };

/** `where` narrowed by more SQL, its parameters bound first. */
function filtered(dialect: Dialect, where: Condition | undefined, limits: FilterLimits, extra: (b: SqlBuilder) => string[]): { b: SqlBuilder; sql: string } {
  const b = new SqlBuilder(dialect);
  const parts = extra(b);
  if (where) {
    validateCondition(where, limits);
    parts.push(compileCondition(b, where));
  }
  return { b, sql: parts.length > 0 ? ` WHERE ${parts.join(" AND ")}` : "" };
}

/**
 * The statements of `Store.sessionStats`: counts and members per service and state (the
 * state/service index covers them), and sessions created and ended per minute since a
 * time (the creation and end-time indexes bound them to the period).
 */
export function compileSessionStats(dialect: Dialect, where: Condition | undefined, since: number, limits: FilterLimits): Record<"groups" | "created" | "ended", Compiled> {
  const groups = filtered(dialect, where, limits, () => []);
  const created = filtered(dialect, where, limits, (b) => [`s.created_at >= ${b.bind(since)}`]);
  const ended = filtered(dialect, where, limits, (b) => ["s.state = 'ended'", `s.ended_at >= ${b.bind(since)}`]);
  return {
    groups: {
      sql: `SELECT s.service_id, s.state, COUNT(*) AS n, SUM(s.member_count) AS members FROM sessions s${groups.sql} GROUP BY s.service_id, s.state`,
      params: groups.b.params,
    },
    created: { sql: `SELECT s.created_at / 60000 AS minute, COUNT(*) AS n FROM sessions s${created.sql} GROUP BY 1`, params: created.b.params },
    ended: { sql: `SELECT s.ended_at / 60000 AS minute, COUNT(*) AS n FROM sessions s${ended.sql} GROUP BY 1`, params: ended.b.params },
  };
}

/** The rows of those statements as `SessionStats`. */
export function sessionStatsFromRows(rows: Record<"groups" | "created" | "ended", Record<string, unknown>[]>): SessionStats {
  const perMinute = (list: Record<string, unknown>[]) => list.map((r) => ({ minute: Number(r.minute), count: Number(r.n) }));
  return {
    groups: rows.groups.map((r) => ({ serviceId: String(r.service_id), state: r.state as SessionState, count: Number(r.n), members: Number(r.members ?? 0) })),
    created: perMinute(rows.created),
    ended: perMinute(rows.ended),
  };
}

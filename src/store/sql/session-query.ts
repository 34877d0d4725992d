import { type Condition, type FilterLimits, type Page, type SessionQuery, encodeCursor, validateCondition, validatePaging, validateSort, withTieBreak } from "../../core/query.js";
import type { Session } from "../../core/types.js";
import { type Dialect, SqlBuilder, compileCondition, compileKeyset, compileOrder, sortValues } from "./compile.js";

export interface CompiledPage {
  sql: string;
  params: unknown[];
  /** The page made of the rows the statement returned. */
  page(rows: Session[]): Page<Session>;
}

/**
 * A page of sessions as one statement: `select` reads the sessions table aliased `s`.
 * It asks for one row more than the limit, to know whether there is a next page.
 *
 * The page is chosen by a subquery that sorts session numbers only; the full rows, with
 * their members folded in, are then built for the page alone. Sorting full rows would
 * build them (member aggregates included) for every match before the limit applies.
 */
export function compileSessionPage(dialect: Dialect, select: string, query: SessionQuery, limits: FilterLimits): CompiledPage {
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
  const pageNumbers = `SELECT s.number FROM sessions s${whereSql} ORDER BY ${order} LIMIT ${b.bind(limit + 1)} OFFSET ${b.bind(query.cursor ? 0 : (query.offset ?? 0))}`;
  const sql = `${select} WHERE s.number IN (${pageNumbers}) ORDER BY ${order}`;
  return {
    sql,
    params: b.params,
    page(rows: Session[]): Page<Session> {
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      const nextCursor = rows.length > limit && last ? encodeCursor(sortValues(last, sort)) : null;
      return { items, nextCursor };
    },
  };
}

/** COUNT(*) of the sessions matching `where`, as one statement. */
export function compileSessionCount(dialect: Dialect, where: Condition | undefined, limits: FilterLimits): { sql: string; params: unknown[] } {
  const b = new SqlBuilder(dialect);
  let whereSql = "";
  if (where) {
    validateCondition(where, limits);
    whereSql = ` WHERE ${compileCondition(b, where)}`;
  }
  return { sql: `SELECT COUNT(*) AS n FROM sessions s${whereSql}`, params: b.params };
}

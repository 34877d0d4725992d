import { invalid } from "../../core/errors.js";
import {
  type AttributeType,
  CLIENT_FIELDS,
  type Condition,
  type Scalar,
  type SessionField,
  type SortKey,
  attributePath,
  decodeCursor,
  fieldType,
  isAttributeField,
} from "../../core/query.js";
import type { Session } from "../../core/types.js";

/**
 * Compiles the core query model to a parameterised WHERE / ORDER BY for the `sessions`
 * table aliased `s`. Field names come from the allow-list only; every value is a bound
 * parameter. The dialect supplies what SQLite and PostgreSQL spell differently.
 */
export interface Dialect {
  /** Placeholder for parameter number `n` (1-based). */
  param(n: number): string;
  /** A JSON value at a path of a JSON column, comparable with a bound scalar. */
  jsonPath(column: string, path: string[], sample: Scalar): string;
  /** Bind form of a JSON comparison value. */
  jsonValue(value: Scalar): unknown;
  /** A string member of a JSON object column (`client`). */
  jsonText(column: string, key: string): string;
  jsonInteger(column: string, key: string): string;
  /** "the JSON array column contains this string". */
  jsonArrayContains(column: string, param: string): string;
  likeOperator: string;
  /** `like` that tells case apart: the condition, and the bind form of its pattern. */
  likeCase(expression: string, param: string): string;
  likeCasePattern(pattern: string): string;
  /** A parameter compared with an integer column, typed so that any safe integer fits. */
  integer(param: string): string;
  /** Bind form of a boolean. */
  bool(value: boolean): unknown;
}

const COLUMNS: Record<Exclude<SessionField, "member" | "invited" | "hasPassword" | "serviceKind">, string> = {
  id: "s.id",
  number: "s.number",
  serviceId: "s.service_id",
  owner: "s.owner",
  nodeId: "s.node_id",
  state: "s.state",
  endReason: "s.end_reason",
  status: "s.status",
  name: "s.name",
  description: "s.description",
  visibility: "s.visibility",
  capacity: "s.capacity",
  version: "s.version",
  memberCount: "s.member_count",
  teamCount: "s.team_count",
  teamSize: "s.team_size",
  createdAt: "s.created_at",
  updatedAt: "s.updated_at",
  stateChangedAt: "s.state_changed_at",
  lastActivityAt: "s.last_activity_at",
  endedAt: "s.ended_at",
  expiresAt: "s.expires_at",
  endAt: "s.end_at",
};

/** Sort keys that can be NULL need explicit keyset logic. */
const NULLABLE = new Set<SessionField>(["owner", "status", "name", "description", "capacity", "endedAt", "expiresAt", "teamCount", "teamSize"]);

export class SqlBuilder {
  readonly params: unknown[] = [];
  constructor(readonly dialect: Dialect) {}

  bind(value: unknown): string {
    this.params.push(value);
    return this.dialect.param(this.params.length);
  }
}

const COMPARE: Record<string, string> = { eq: "=", ne: "<>", lt: "<", le: "<=", gt: ">", ge: ">=" };

/**
 * A membership filter as a set of session ids, so the database can start from the user's
 * memberships (an index) rather than test every session in sort order.
 */
function membership(b: SqlBuilder, field: "member" | "invited", value: Scalar): string {
  if (field === "invited") return b.dialect.jsonArrayContains("s.invited", b.bind(value));
  return `(s.id IN (SELECT m.session_id FROM session_members m WHERE m.user_id = ${b.bind(value)}))`;
}

/**
 * A filter on the kind of a session's service, as a set of service ids: a family's list
 * spans every service of its kind however many there are, and the database reads the
 * sessions through their service index.
 */
function serviceKind(b: SqlBuilder, c: Extract<Condition, { field: string }>): string {
  const kinds = (k: Scalar[]) => `s.service_id IN (SELECT k.id FROM services k WHERE k.kind IN (${k.map((v) => b.bind(v)).join(", ")}))`;
  if (c.op === "eq") return kinds([c.value]);
  if (c.op === "ne") return `NOT ${kinds([c.value])}`;
  if (c.op === "in") return kinds(c.values);
  throw invalid("serviceKind takes eq, ne or in.");
}

function bindFor(b: SqlBuilder, field: string, value: Scalar): string {
  const type = fieldType(field);
  if (type === "json") return b.bind(b.dialect.jsonValue(value));
  if (type === "boolean" && typeof value === "boolean") return b.bind(b.dialect.bool(value));
  if (type === "integer" && typeof value === "number") return b.dialect.integer(b.bind(Math.trunc(value)));
  return b.bind(value);
}

/**
 * Conditions joined by AND or OR as a balanced tree of parentheses: SQL parsers nest a
 * chain of N operators N deep, and SQLite refuses expressions deeper than 1000.
 */
function join(parts: string[], operator: "AND" | "OR"): string {
  if (parts.length <= 4) return `(${parts.join(` ${operator} `)})`;
  const half = Math.ceil(parts.length / 2);
  return `(${join(parts.slice(0, half), operator)} ${operator} ${join(parts.slice(half), operator)})`;
}

function expression(b: SqlBuilder, field: string, sample: Scalar): string {
  if (field === "hasPassword") return "(s.password_hash IS NOT NULL)";
  if (field.startsWith("client.")) {
    const key = field.slice(7);
    return CLIENT_FIELDS[key as keyof typeof CLIENT_FIELDS] === "integer"
      ? b.dialect.jsonInteger("s.client", key)
      : b.dialect.jsonText("s.client", key);
  }
  if (field.startsWith("attributes.")) return b.dialect.jsonPath("s.attributes", attributePath(field), sample);
  const column = COLUMNS[field as keyof typeof COLUMNS];
  if (!column) throw invalid(`${field} cannot be filtered on.`);
  return column;
}

/** The SQL of a condition already checked by `validateCondition`. */
export function compileCondition(b: SqlBuilder, c: Condition): string {
  if ("and" in c) return c.and.length === 0 ? "1=1" : join(c.and.map((x) => compileCondition(b, x)), "AND");
  if ("or" in c) return c.or.length === 0 ? "1=0" : join(c.or.map((x) => compileCondition(b, x)), "OR");
  if ("not" in c) return `NOT (${compileCondition(b, c.not)})`;
  if ("readableBy" in c) {
    // Public first: most rows are decided by a column the service indexes hold (see
    // migration 0006), and membership is one set of ids, not a subquery per row.
    const user = c.readableBy;
    return `(s.visibility = 'public' OR s.owner = ${b.bind(user)} OR ${membership(b, "member", user)} OR ${membership(b, "invited", user)})`;
  }
  const { field } = c;
  if (field === "member" || field === "invited") {
    if (c.op === "eq") return membership(b, field, c.value);
    if (c.op === "ne") return `NOT ${membership(b, field, c.value)}`;
    if (c.op === "in") return join(c.values.map((v) => membership(b, field, v)), "OR");
    throw invalid(`${field} takes eq, ne or in.`);
  }
  if (field === "serviceKind") return serviceKind(b, c);
  switch (c.op) {
    case "isNull":
      return `${expression(b, field, null)} IS NULL`;
    case "in": {
      const column = expression(b, field, c.values[0] ?? null);
      const nonNull = c.values.filter((v) => v !== null);
      const parts = nonNull.length > 0 ? [`${column} IN (${nonNull.map((v) => bindFor(b, field, v)).join(", ")})`] : [];
      if (nonNull.length < c.values.length) parts.push(`${column} IS NULL`);
      return `(${parts.join(" OR ")})`;
    }
    case "range": {
      const column = expression(b, field, c.from);
      return `(${column} >= ${bindFor(b, field, c.from)} AND ${column} <= ${bindFor(b, field, c.to)})`;
    }
    case "like": {
      // The pattern is text, so the field is read as text too (typed dialects care).
      const pattern = String(c.value);
      return `${expression(b, field, pattern)} ${b.dialect.likeOperator} ${b.bind(pattern)} ESCAPE '\\'`;
    }
    case "likeCase": {
      const pattern = String(c.value);
      return b.dialect.likeCase(expression(b, field, pattern), b.bind(b.dialect.likeCasePattern(pattern)));
    }
    default: {
      const column = expression(b, field, c.value);
      if (c.value === null) return c.op === "ne" ? `${column} IS NOT NULL` : c.op === "eq" ? `${column} IS NULL` : "1=0";
      const sql = `${column} ${COMPARE[c.op]} ${bindFor(b, field, c.value)}`;
      // `ne` keeps rows where the field is absent, as clients expect of "not equal".
      return c.op === "ne" ? `(${sql} OR ${column} IS NULL)` : sql;
    }
  }
}

/** A value of each attribute type, for the dialect to pick the typed form of a JSON path. */
const TYPE_SAMPLE: Record<AttributeType, Scalar> = { string: "", number: 0, boolean: false };

const typeOf = (key: SortKey): AttributeType => key.type ?? "string";

/** The SQL of a sort key: a column, or the typed value at a JSON path into `attributes` (NULL when absent). */
function sortColumn(dialect: Dialect, key: SortKey): string {
  if (!isAttributeField(key.field)) return COLUMNS[key.field as keyof typeof COLUMNS];
  return dialect.jsonPath("s.attributes", attributePath(key.field), TYPE_SAMPLE[typeOf(key)]);
}

const canBeNull = (key: SortKey) => isAttributeField(key.field) || NULLABLE.has(key.field as SessionField);

/**
 * NULLs sort first ascending and last descending, as in SQLite. Only keys that can be
 * NULL say so: PostgreSQL puts NULLs the other way by default and uses an index for an
 * order only when the NULLS clause matches the index's, so columns that are never NULL
 * keep the default and their indexes serve both directions.
 */
export function compileOrder(sort: SortKey[], dialect: Dialect): string {
  const nulls = (k: SortKey) => (canBeNull(k) ? (k.dir === "asc" ? " NULLS FIRST" : " NULLS LAST") : "");
  return sort.map((k) => `${sortColumn(dialect, k)} ${k.dir === "asc" ? "ASC" : "DESC"}${nulls(k)}`).join(", ");
}

/** Whether a cursor's value has the type of the sort column (clients can forge cursors). */
function fitsColumn(field: string, v: Scalar): boolean {
  const type = fieldType(field);
  return type === "integer" || type === "time" ? Number.isSafeInteger(v) : typeof v === "string";
}

/**
 * "Rows after the cursor row" for the given order (NULLs first ascending, last descending).
 * When the first key is a column that holds no NULLs, the rows after the cursor are also
 * bounded by its value alone, a range an index on it can seek to: without that bound a
 * page deep into a list would read every row before it.
 */
export function compileKeyset(b: SqlBuilder, sort: SortKey[], cursor: string): string {
  const values = decodeCursor(cursor, sort.length);
  const first = sort[0]!;
  const bounded = values[0] !== null && values[0] !== undefined && !canBeNull(first) && fitsColumn(first.field, values[0]);
  const bound = bounded ? `${sortColumn(b.dialect, first)} ${first.dir === "asc" ? ">=" : "<="} ${bindFor(b, first.field, values[0]!)} AND ` : "";
  const build = (i: number): string => {
    const key = sort[i]!;
    const v = values[i] ?? null;
    const column = sortColumn(b.dialect, key);
    const attribute = isAttributeField(key.field);
    if (v !== null && !(attribute ? typeof v === typeOf(key) : fitsColumn(key.field, v))) throw invalid("The cursor is not valid for this query.");
    const value = () => (attribute ? b.bind(b.dialect.jsonValue(v)) : bindFor(b, key.field, v));
    // Parameters are positional: bind in the order they appear in the text, so the
    // rest of the key is built only where it is written.
    const rest = () => (i === sort.length - 1 ? "1=0" : build(i + 1));
    const nullable = canBeNull(key);
    if (key.dir === "asc") {
      if (v === null) return nullable ? `(${column} IS NOT NULL OR (${column} IS NULL AND ${rest()}))` : rest();
      const greater = `${column} > ${value()}`;
      const equal = `${column} = ${value()}`;
      return `(${greater} OR (${equal} AND ${rest()}))`;
    }
    if (v === null) return nullable ? `(${column} IS NULL AND ${rest()})` : rest();
    const less = `${column} < ${value()}${nullable ? ` OR ${column} IS NULL` : ""}`;
    const equal = `${column} = ${value()}`;
    return `(${less} OR (${equal} AND ${rest()}))`;
  };
  return `(${bound}${build(0)})`;
}

/** Sort fields that are not properties of the session by the same name. */
const DERIVED: Partial<Record<SessionField, (s: Session) => Scalar>> = {
  memberCount: (s) => s.members.length,
  teamCount: (s) => s.teams?.count ?? null,
  teamSize: (s) => s.teams?.size ?? null,
};

/** The values of the sort keys of a session, for its cursor. */
export function sortValues(s: Session, sort: SortKey[]): Scalar[] {
  return sort.map((k) => {
    if (isAttributeField(k.field)) {
      const v = attributeScalar(s.attributes, attributePath(k.field));
      return typeof v === typeOf(k) ? v : null;
    }
    const derived = DERIVED[k.field];
    return derived ? derived(s) : (((s as unknown as Record<string, unknown>)[k.field] ?? null) as Scalar);
  });
}

/** The scalar at a path of an attributes object; objects and arrays do not sort, so they count as NULL. */
function attributeScalar(attributes: unknown, path: string[]): Scalar {
  let node = attributes;
  for (const key of path) node = typeof node === "object" && node !== null && !Array.isArray(node) ? (node as Record<string, unknown>)[key] : undefined;
  return node === undefined || (typeof node === "object" && node !== null) ? null : (node as Scalar);
}

import { invalid } from "./errors.js";

/**
 * The one query model (DESIGN §5). Families parse their own syntax into it; stores
 * compile it to indexed SQL. Fields come from an allow-list with a type each, so a
 * value is coerced by the field's type and secret columns can never be named.
 */

export type FieldType = "string" | "integer" | "time" | "boolean" | "membership" | "json";

export const SESSION_FIELDS = {
  id: "string",
  number: "integer",
  serviceId: "string",
  /** The kind of the session's service (`sas-compute`, `roundware`, ...): eq, ne and in. */
  serviceKind: "string",
  owner: "string",
  nodeId: "string",
  state: "string",
  endReason: "string",
  status: "string",
  name: "string",
  description: "string",
  visibility: "string",
  capacity: "integer",
  version: "integer",
  memberCount: "integer",
  /** The team layout's count and size; NULL for a session without one. */
  teamCount: "integer",
  teamSize: "integer",
  hasPassword: "boolean",
  createdAt: "time",
  updatedAt: "time",
  stateChangedAt: "time",
  lastActivityAt: "time",
  endedAt: "time",
  expiresAt: "time",
  endAt: "time",
  member: "membership",
  invited: "membership",
} as const satisfies Record<string, FieldType>;

export type SessionField = keyof typeof SESSION_FIELDS;

/** Client fields that may be filtered on as `client.<key>`. */
export const CLIENT_FIELDS = {
  address: "string",
  port: "integer",
  userAgent: "string",
  system: "string",
  type: "string",
  deviceId: "string",
  timezone: "string",
  language: "string",
} as const satisfies Record<string, FieldType>;

/** Fields a list may be sorted by (scalars only). */
export const SORTABLE_FIELDS: readonly SessionField[] = [
  "id",
  "number",
  "serviceId",
  "owner",
  "nodeId",
  "state",
  "status",
  "name",
  "description",
  "visibility",
  "capacity",
  "version",
  "memberCount",
  "teamCount",
  "teamSize",
  "createdAt",
  "updatedAt",
  "stateChangedAt",
  "lastActivityAt",
  "endedAt",
  "expiresAt",
];

export type Scalar = string | number | boolean | null;
export type CompareOp = "eq" | "ne" | "lt" | "le" | "gt" | "ge" | "like" | "likeCase";

/**
 * `like` patterns: `%` any run, `_` one character, `\` escapes; case-insensitive (ASCII
 * letters at least). `likeCase`: the same patterns, every character compared exactly.
 * Membership fields (`member`, `invited`) take `eq` (contains), `ne` (does not contain)
 * and `in` (contains any).
 */
export type Condition =
  | { field: string; op: CompareOp; value: Scalar }
  | { field: string; op: "in"; values: Scalar[] }
  | { field: string; op: "range"; from: Scalar; to: Scalar }
  | { field: string; op: "isNull" }
  | { and: Condition[] }
  | { or: Condition[] }
  | { not: Condition }
  /** Only sessions this user may read (core policy); added by the core, never by a family. */
  | { readableBy: string };

export type SortDirection = "asc" | "desc";
/** A path into `attributes` (`attributes.game.numTeams`); a missing value sorts as NULL. */
export type AttributeField = `attributes.${string}`;
/**
 * The JSON type an attribute sort compares (so numbers sort as numbers in every store).
 * A path should hold one type: how values of another type sort depends on the store.
 */
export type AttributeType = "string" | "number" | "boolean";
export interface SortKey {
  field: SessionField | AttributeField;
  dir: SortDirection;
  /** For attribute paths only; "string" when not given. */
  type?: AttributeType;
}

export interface SessionQuery {
  where?: Condition;
  sort?: SortKey[];
  limit: number;
  /** Offset paging. */
  offset?: number;
  /** Keyset paging: the `nextCursor` of the previous page (same `where` and `sort`). */
  cursor?: string;
  /** Also count every match (ignores limit, offset and cursor). */
  count?: boolean;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  total?: number;
}

const ATTRIBUTE_PATH = /^attributes(\.[A-Za-z0-9_-]{1,64}){1,4}$/;

/** The type of a filterable field, or undefined when the field is not allowed. */
export function fieldType(field: string): FieldType | undefined {
  if (field in SESSION_FIELDS) return SESSION_FIELDS[field as SessionField];
  if (field.startsWith("client.")) {
    const key = field.slice(7);
    return key in CLIENT_FIELDS ? CLIENT_FIELDS[key as keyof typeof CLIENT_FIELDS] : undefined;
  }
  if (ATTRIBUTE_PATH.test(field)) return "json";
  return undefined;
}

/** The JSON path of an `attributes.a.b` field, as its segments. */
export function attributePath(field: string): string[] {
  return field.split(".").slice(1);
}

/** Escape a literal for use inside a `like` pattern. */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Beyond it a time is no Date: ±100,000,000 days around 1970 (ECMA-262 §21.4.1.1). */
const MAX_TIME_MS = 8.64e15;

function checkValue(field: string, type: FieldType, value: Scalar): Scalar {
  if (value === null) return null;
  switch (type) {
    case "integer":
      if (typeof value !== "number" || !Number.isFinite(value)) throw invalid(`${field} takes a number.`);
      if (!Number.isSafeInteger(Math.trunc(value))) throw invalid(`${field} takes an integer within ±${Number.MAX_SAFE_INTEGER}.`);
      return Math.trunc(value);
    case "time":
      if (typeof value !== "number" || !Number.isInteger(value) || Math.abs(value) > MAX_TIME_MS) {
        throw invalid(`${field} takes a time: whole milliseconds within ±${MAX_TIME_MS} of 1970.`);
      }
      return value;
    case "boolean":
      if (typeof value !== "boolean") throw invalid(`${field} takes true or false.`);
      return value;
    case "string":
    case "membership":
      if (typeof value !== "string") throw invalid(`${field} takes a string.`);
      return value;
    case "json":
      return value;
  }
}

/**
 * How large one filter may be (`config.limits`): what bounds the work of a query, its
 * SQL (expression depth, parameters) and the recursion that walks it.
 */
export interface FilterLimits {
  /** Conditions on fields (leaves), the core's access condition not counted. */
  filterTerms: number;
  /** Nesting of and/or/not below the conditions a query ANDs at its top. */
  filterDepth: number;
  /** Values in one `in` list. */
  filterValues: number;
}

/**
 * What makes a condition larger than `limits` allow, or null when it is within them. It
 * stops at the first excess, so a condition of any depth or size is safe to measure;
 * measure before any other walk of a condition that came from a client.
 *
 * The conditions of a top-level `and` are the query's parts (the client's filter, the
 * family's and the core's own conditions, joined by `and()`), so that `and` is no level.
 */
export function filterSizeProblem(c: Condition, limits: FilterLimits): string | null {
  let terms = 0;
  const visit = (node: Condition, depth: number): string | null => {
    if ("readableBy" in node) return null;
    if ("and" in node || "or" in node || "not" in node) {
      if (depth >= limits.filterDepth) return `A filter may nest and, or and not at most ${limits.filterDepth} levels deep.`;
      for (const child of "and" in node ? node.and : "or" in node ? node.or : [node.not]) {
        const problem = visit(child, depth + 1);
        if (problem) return problem;
      }
      return null;
    }
    terms += 1;
    if (terms > limits.filterTerms) return `A filter may hold at most ${limits.filterTerms} conditions.`;
    if (node.op === "in" && node.values.length > limits.filterValues) {
      return `An in() list may hold at most ${limits.filterValues} values.`;
    }
    return null;
  };
  for (const part of "and" in c ? c.and : [c]) {
    const problem = visit(part, 0);
    if (problem) return problem;
  }
  return null;
}

/**
 * Throws `invalid` unless the condition is within `limits`, every field is allowed and
 * every value fits its field's type.
 */
export function validateCondition(c: Condition, limits: FilterLimits): void {
  const problem = filterSizeProblem(c, limits);
  if (problem) throw invalid(problem);
  validateFields(c);
}

function validateFields(c: Condition): void {
  if ("and" in c) return c.and.forEach(validateFields);
  if ("or" in c) return c.or.forEach(validateFields);
  if ("not" in c) return validateFields(c.not);
  if ("readableBy" in c) return;
  const type = fieldType(c.field);
  if (!type) throw invalid(`${c.field} cannot be filtered on.`);
  if ((type === "membership" || c.field === "serviceKind") && !(c.op === "eq" || c.op === "ne" || c.op === "in")) {
    throw invalid(`${c.field} takes eq, ne or in.`);
  }
  if ((c.op === "like" || c.op === "likeCase") && type !== "string" && type !== "json") throw invalid(`${c.field} cannot be matched with like.`);
  if (c.op === "in") {
    if (c.values.length === 0) throw invalid(`in() on ${c.field} needs at least one value.`);
    c.values.forEach((v) => checkValue(c.field, type, v));
  } else if (c.op === "range") {
    checkValue(c.field, type, c.from);
    checkValue(c.field, type, c.to);
  } else if (c.op !== "isNull") {
    checkValue(c.field, type, c.value);
  }
}

export const isAttributeField = (field: string): field is AttributeField => ATTRIBUTE_PATH.test(field);

/** Throws `invalid` unless limit and offset are integers a SQL parameter holds exactly. */
export function validatePaging(query: Pick<SessionQuery, "limit" | "offset">): void {
  if (!Number.isSafeInteger(query.limit) || !Number.isSafeInteger(query.offset ?? 0)) throw invalid("limit and offset must be whole numbers.");
}

/** More keys than any order needs; bounds the keyset condition a cursor compiles to. */
export const MAX_SORT_KEYS = 16;

export function validateSort(sort: SortKey[]): void {
  if (sort.length > MAX_SORT_KEYS) throw invalid(`A list may be sorted by at most ${MAX_SORT_KEYS} keys.`);
  for (const key of sort) {
    if (!SORTABLE_FIELDS.includes(key.field as SessionField) && !isAttributeField(key.field)) {
      throw invalid(`${key.field} cannot be sorted on.`);
    }
  }
}

/** The conjunction of the conditions given; those that are conjunctions themselves are spliced in, not nested. */
export const and = (...conditions: (Condition | undefined)[]): Condition | undefined => {
  const present: Condition[] = [];
  for (const c of conditions) {
    if (c === undefined) continue;
    if ("and" in c) present.push(...c.and);
    else present.push(c);
  }
  if (present.length === 0) return undefined;
  return present.length === 1 ? present[0] : { and: present };
};

export const eq = (field: string, value: Scalar): Condition => ({ field, op: "eq", value });

/** Cursors are opaque to clients: the sort values and id of the last row of a page. */
export function encodeCursor(values: Scalar[]): string {
  return Buffer.from(JSON.stringify(values)).toString("base64url");
}

export function decodeCursor(cursor: string, keys: number): Scalar[] {
  try {
    const values = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (
      Array.isArray(values) &&
      values.length === keys &&
      values.every((v) => v === null || ["string", "number", "boolean"].includes(typeof v))
    ) {
      return values as Scalar[];
    }
  } catch {
    /* reported below */
  }
  throw invalid("The cursor is not valid for this query.", [{ pointer: "/cursor", detail: "not a cursor of this list" }]);
}

/** The sort with the stable `id` tie-break appended. */
export function withTieBreak(sort: SortKey[] | undefined): SortKey[] {
  const keys = sort && sort.length > 0 ? sort : [{ field: "createdAt" as const, dir: "asc" as const }];
  return keys.some((k) => k.field === "id") ? keys : [...keys, { field: "id", dir: "asc" }];
}

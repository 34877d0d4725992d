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
  "createdAt",
  "updatedAt",
  "stateChangedAt",
  "lastActivityAt",
  "endedAt",
  "expiresAt",
];

export type Scalar = string | number | boolean | null;
export type CompareOp = "eq" | "ne" | "lt" | "le" | "gt" | "ge" | "like";

/**
 * `like` patterns: `%` any run, `_` one character, `\` escapes; case-insensitive.
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

function checkValue(field: string, type: FieldType, value: Scalar): Scalar {
  if (value === null) return null;
  switch (type) {
    case "integer":
    case "time":
      if (typeof value !== "number" || !Number.isFinite(value)) throw invalid(`${field} takes a number.`);
      return type === "integer" ? Math.trunc(value) : value;
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

/** Throws `invalid` unless every field is allowed and every value fits its field's type. */
export function validateCondition(c: Condition): void {
  if ("and" in c) return c.and.forEach(validateCondition);
  if ("or" in c) return c.or.forEach(validateCondition);
  if ("not" in c) return validateCondition(c.not);
  if ("readableBy" in c) return;
  const type = fieldType(c.field);
  if (!type) throw invalid(`${c.field} cannot be filtered on.`);
  if (type === "membership" && !(c.op === "eq" || c.op === "ne" || c.op === "in")) {
    throw invalid(`${c.field} takes eq, ne or in.`);
  }
  if (c.op === "like" && type !== "string" && type !== "json") throw invalid(`${c.field} cannot be matched with like.`);
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

export function validateSort(sort: SortKey[]): void {
  for (const key of sort) {
    if (!SORTABLE_FIELDS.includes(key.field as SessionField) && !isAttributeField(key.field)) {
      throw invalid(`${key.field} cannot be sorted on.`);
    }
  }
}

export const and = (...conditions: (Condition | undefined)[]): Condition | undefined => {
  const present = conditions.filter((c): c is Condition => c !== undefined);
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

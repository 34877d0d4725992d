import { type Condition, type FilterLimits, type Scalar, type SessionQuery, type SortKey, and, filterSizeProblem, likeLiteral } from "../../core/query.js";
import { GameError, badRequest, body } from "./errors.js";
import { PATHS } from "./model.js";

/**
 * The framework's query grammar (contract §4.1) parsed into the core query model:
 * `field=value` or `field=op(value)` over an allow-list, each value coerced by its
 * field's type, repeated keys ORed, different keys ANDed; `limit`, `skip` and `sort`
 * reserved. Nothing reaches the store but typed conditions.
 */

type Kind =
  | "id" // lower-cased text
  | "text"
  | "optional-text" // "" on the wire is NULL in the core (no host, no status)
  | "visibility" // "" and "public" are both public
  | "integer"
  | "time"
  | "boolean"
  | "membership"
  | "data"; // a JSON value of unknown type

type Op = "eq" | "ne" | "gt" | "ge" | "lt" | "le" | "like" | "in" | "range";

interface Filter {
  field: string;
  kind: Kind;
  /** Core field that holds the value when the game attribute is absent (sessions made elsewhere). */
  fallback?: string;
}

const FILTERS: Record<string, Filter> = {
  uid: { field: "id", kind: "id" },
  hostUid: { field: "owner", kind: "optional-text" },
  serverUid: { field: PATHS.serverUid, kind: "text", fallback: "nodeId" },
  status: { field: "status", kind: "optional-text" },
  visibility: { field: "visibility", kind: "visibility" },
  numTeams: { field: PATHS.numTeams, kind: "integer" },
  teamSize: { field: PATHS.teamSize, kind: "integer" },
  version: { field: "version", kind: "integer" },
  dateCreated: { field: "createdAt", kind: "time" },
  dateModified: { field: "updatedAt", kind: "time" },
  hasPassword: { field: "hasPassword", kind: "boolean" },
  users: { field: "member", kind: "membership" },
  invited: { field: "invited", kind: "membership" },
};

const SORTABLE: Record<string, Omit<SortKey, "dir">> = {
  uid: { field: "id" },
  dateCreated: { field: "createdAt" },
  dateModified: { field: "updatedAt" },
  version: { field: "version" },
  hostUid: { field: "owner" },
  serverUid: { field: PATHS.serverUid, type: "string" },
  status: { field: "status" },
  visibility: { field: "visibility" },
  numTeams: { field: PATHS.numTeams },
  teamSize: { field: PATHS.teamSize },
};

const OPERATORS: Record<string, Op> = {
  eq: "eq",
  ne: "ne",
  not: "ne",
  gt: "gt",
  gte: "ge",
  lt: "lt",
  lte: "le",
  like: "like",
  in: "in",
  range: "range",
};

const ALL_OPS: readonly Op[] = ["eq", "ne", "gt", "ge", "lt", "le", "like", "in", "range"];
const OPS_OF: Record<Kind, readonly Op[]> = {
  id: ALL_OPS,
  text: ALL_OPS,
  "optional-text": ALL_OPS,
  visibility: ALL_OPS,
  integer: ["eq", "ne", "gt", "ge", "lt", "le", "in", "range"],
  time: ["eq", "ne", "gt", "ge", "lt", "le", "in", "range"],
  boolean: ["eq", "ne", "in"],
  membership: ["eq", "ne", "in"],
  data: ["eq", "ne", "in"],
};

const RESERVED = new Set(["limit", "skip", "sort"]);
const IGNORED = /^(?:jwt_|oauth_)/i;
const DATA_KEY = /^data\.([A-Za-z0-9_-]{1,64})$/;
const OPERATOR_FORM = /^([A-Za-z_][A-Za-z0-9_]*)\(([\s\S]*)\)$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

export type QueryString = Record<string, string | string[] | undefined>;

const values = (raw: string | string[] | undefined): string[] => (raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]);

function filterOf(key: string): Filter {
  const known = Object.hasOwn(FILTERS, key) ? FILTERS[key] : undefined;
  if (known) return known;
  const data = DATA_KEY.exec(key);
  if (data) return { field: `${PATHS.data}.${data[1]}`, kind: "data" };
  throw badRequest(`'${key}' is not a field that can be filtered on.`);
}

function coerce(key: string, kind: Kind, text: string): Scalar {
  switch (kind) {
    case "id":
      return text.toLowerCase();
    case "visibility": {
      const v = text.toLowerCase();
      return v === "" ? "public" : v;
    }
    case "integer":
      if (!/^-?\d{1,15}$/.test(text)) throw badRequest(`${key} takes an integer.`);
      return Number(text);
    case "time": {
      const at = ISO_DATE_TIME.test(text) ? Date.parse(text) : Number.NaN;
      if (Number.isNaN(at)) throw badRequest(`${key} takes an ISO 8601 date-time, such as 2025-03-01T00:00:00Z.`);
      return at;
    }
    case "boolean":
      if (!/^(?:true|false)$/i.test(text)) throw badRequest(`${key} takes true or false.`);
      return text.toLowerCase() === "true";
    default:
      return text;
  }
}

/** `like`: `%` any run, `_` one character, nothing else special; no wildcard = substring. */
function likePattern(text: string): string {
  const escaped = text.replace(/\\/g, "\\\\");
  return /[%_]/.test(text) ? escaped : `%${likeLiteral(text)}%`;
}

/** A data value from a query string may be stored as a string, a number or a boolean. */
function dataForms(text: string): Scalar[] {
  const forms: Scalar[] = [text];
  if (text.trim() !== "" && Number.isFinite(Number(text))) forms.push(Number(text));
  if (text === "true" || text === "false") forms.push(text === "true");
  return forms;
}

/** Whether the empty string satisfies `op` — it is stored as NULL for optional text fields. */
function emptySatisfies(op: Op, args: Scalar[]): boolean {
  switch (op) {
    case "eq":
    case "ge":
      return args[0] === "";
    case "ne":
    case "lt":
      return args[0] !== "";
    case "gt":
      return false;
    case "le":
      return true;
    case "in":
      return args.includes("");
    case "range":
      return args[0] === "";
    case "like":
      return /^%*$/.test(String(args[0]));
  }
}

function compare(field: string, op: Op, args: Scalar[]): Condition {
  if (op === "in") return { field, op, values: args };
  if (op === "range") return { field, op, from: args[0]!, to: args[1]! };
  return { field, op, value: args[0]! };
}

function condition(filter: Filter, op: Op, args: Scalar[]): Condition {
  const { field, kind } = filter;
  if (kind === "data") {
    if (op === "ne") return and(...dataForms(String(args[0])).map((v) => compare(field, "ne", [v])))!;
    return { or: args.flatMap((a) => dataForms(String(a)).map((v) => compare(field, "eq", [v]))) };
  }
  if (kind === "optional-text") {
    const absent: Condition = { field, op: "isNull" };
    const c = compare(field, op, args);
    return emptySatisfies(op, args) ? { or: [c, absent] } : { and: [c, { not: absent }] };
  }
  if (filter.fallback) {
    const absent: Condition = { field, op: "isNull" };
    return {
      or: [
        { and: [{ not: absent }, compare(field, op, args)] },
        { and: [absent, compare(filter.fallback, op, args)] },
      ],
    };
  }
  return compare(field, op, args);
}

/** One `key=value` of the query string as a condition. */
function parseValue(key: string, filter: Filter, raw: string): Condition {
  const form = OPERATOR_FORM.exec(raw);
  const name = form ? form[1]!.toLowerCase() : "eq";
  const op = Object.hasOwn(OPERATORS, name) ? OPERATORS[name] : undefined;
  if (!op) throw badRequest(`Unknown operator '${form![1]}' for ${key}.`);
  if (!OPS_OF[filter.kind].includes(op)) throw badRequest(`${key} does not take ${name}().`);
  const inner = form ? form[2]! : raw;
  let texts: string[];
  if (op === "range") {
    texts = inner === "" ? [] : inner.split(",");
    if (texts.length !== 2) {
      throw new GameError(body(400, "api-014", `Invalid range value: '${inner}'. Expected 2 arguments, got ${texts.length}`));
    }
  } else if (op === "in") {
    if (inner === "") throw badRequest(`in() for ${key} needs at least one value.`);
    texts = inner.split(",");
  } else {
    texts = [inner];
  }
  const args = texts.map((t) => coerce(key, filter.kind, t));
  return condition(filter, op, op === "like" ? [likePattern(String(args[0]))] : args);
}

const isFilter = (key: string) => !RESERVED.has(key) && key !== "_" && !IGNORED.test(key);

/**
 * The filters of a FindAll or Count query string; reserved and ignored keys are skipped.
 * They stay within the filter limits once in the core's query model: more values than
 * conditions allowed are refused before any is parsed.
 */
export function parseFilters(query: QueryString, limits: FilterLimits): Condition | undefined {
  const given = Object.entries(query).filter(([key]) => isFilter(key));
  if (given.reduce((n, [, raw]) => n + values(raw).length, 0) > limits.filterTerms) {
    throw badRequest(`A query may hold at most ${limits.filterTerms} filters.`);
  }
  const conditions: Condition[] = [];
  for (const [key, raw] of given) {
    const filter = filterOf(key);
    const alternatives = values(raw).map((v) => parseValue(key, filter, v));
    if (alternatives.length > 0) conditions.push(alternatives.length === 1 ? alternatives[0]! : { or: alternatives });
  }
  const where = and(...conditions);
  const problem = where && filterSizeProblem(where, limits);
  if (problem) throw badRequest(problem);
  return where;
}

/** One value of a query parameter (or header); a repeated one is a client error. */
export function single(key: string, raw: string | string[] | undefined): string | undefined {
  if (Array.isArray(raw)) throw badRequest(`${key} may be given once.`);
  return raw;
}

function parseLimit(raw: string | undefined): number {
  if (raw === undefined || raw === "") return DEFAULT_LIMIT;
  if (!/^\d+$/.test(raw)) throw badRequest("limit must be an integer ≥ 0.");
  const n = raw.length > 15 ? MAX_LIMIT : Number(raw);
  return n === 0 ? DEFAULT_LIMIT : Math.min(n, MAX_LIMIT);
}

function parseSkip(raw: string | undefined): number {
  if (raw === undefined || raw === "") return 0;
  if (!/^\d+$/.test(raw)) throw badRequest("skip must be an integer ≥ 0.");
  return Math.min(Number(raw), Number.MAX_SAFE_INTEGER);
}

function sortKey(name: string, dir: SortKey["dir"]): SortKey {
  const key = Object.hasOwn(SORTABLE, name) ? SORTABLE[name] : undefined;
  if (!key) throw badRequest(`Cannot sort by '${name}'; sortable: ${Object.keys(SORTABLE).join(", ")}.`);
  return { ...key, dir };
}

/** `{"field":"ASC"|"DESC",...}` (keys in order) or a bare field name (ascending). */
export function parseSort(raw: string | undefined): SortKey[] | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (!raw.trimStart().startsWith("{")) return [sortKey(raw.trim(), "asc")];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw badRequest("sort must be a JSON object such as {\"dateCreated\":\"DESC\"} or a field name.");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw badRequest("sort must be a JSON object.");
  return Object.entries(parsed).map(([name, dir]) => {
    const direction = typeof dir === "string" ? dir.toLowerCase() : "";
    if (direction !== "asc" && direction !== "desc") throw badRequest(`The sort direction of ${name} must be ASC or DESC.`);
    return sortKey(name, direction);
  });
}

/** FindAll: filters, sort (the core orders by `dateCreated` by default and always ends with `uid`), limit and skip. */
export function parseList(query: QueryString, limits: FilterLimits): SessionQuery {
  return {
    where: parseFilters(query, limits),
    sort: parseSort(single("sort", query.sort)),
    limit: parseLimit(single("limit", query.limit)),
    offset: parseSkip(single("skip", query.skip)),
  };
}

import { invalid } from "../../core/errors.js";
import { type Condition, type FilterLimits, SORTABLE_FIELDS, type SessionField, type SessionQuery, type SortKey, and, likeLiteral } from "../../core/query.js";

const STATES = new Set(["pending", "idle", "running", "ended"]);
const ATTRIBUTE_KEY = /^attributes\.[A-Za-z0-9_-]{1,64}(\.[A-Za-z0-9_-]{1,64}){0,3}$/;

/**
 * `-createdAt,name` → sort keys over the allow-list. Ties are broken by id in the
 * direction of the last key, so an index on (key, id) serves the whole order, read
 * forwards or backwards.
 */
export function parseSort(raw: string | undefined): SortKey[] | undefined {
  if (!raw) return undefined;
  const keys = raw.split(",").map((part): SortKey => {
    const dir = part.startsWith("-") ? "desc" : "asc";
    const field = part.replace(/^[-+]/, "").trim() as SessionField;
    if (!SORTABLE_FIELDS.includes(field)) {
      throw invalid(`Cannot sort by ${field}.`, [{ pointer: "/query/sort", detail: `one of ${SORTABLE_FIELDS.join(", ")}` }]);
    }
    return { field, dir };
  });
  return keys.some((k) => k.field === "id") ? keys : [...keys, { field: "id", dir: keys.at(-1)!.dir }];
}

/** An attribute value from a query string matches its string form, and its number or boolean form. */
function attributeCondition(field: string, raw: string): Condition {
  const candidates: Condition[] = [{ field, op: "eq", value: raw }];
  if (raw !== "" && Number.isFinite(Number(raw))) candidates.push({ field, op: "eq", value: Number(raw) });
  if (raw === "true" || raw === "false") candidates.push({ field, op: "eq", value: raw === "true" });
  return candidates.length === 1 ? candidates[0]! : { or: candidates };
}

export interface ListQuery {
  limit?: number;
  cursor?: string;
  offset?: number;
  q?: string;
  id?: string;
  count?: boolean;
  sort?: string;
  service?: string;
  state?: string;
  owner?: string;
  member?: string;
  visibility?: string;
  status?: string;
  createdAfter?: string;
  createdBefore?: string;
  [key: string]: unknown;
}

/**
 * The native list parameters as a core query. More attribute values than the filter
 * limits allow conditions are refused before any is parsed; the core checks the rest.
 */
export function toSessionQuery(q: ListQuery, limits: FilterLimits): SessionQuery {
  const attributes = Object.entries(q).filter(([key]) => key.startsWith("attributes."));
  if (attributes.reduce((n, [, value]) => n + (Array.isArray(value) ? value.length : 1), 0) > limits.filterTerms) {
    throw invalid(`A filter may hold at most ${limits.filterTerms} conditions.`, [{ pointer: "/query", detail: "too many attribute filters" }]);
  }
  const conditions: (Condition | undefined)[] = [];
  if (q.id) {
    const ids = q.id.split(",").map((id) => id.trim().toLowerCase());
    conditions.push({ field: "id", op: "in", values: ids });
  }
  if (q.q) conditions.push({ field: "name", op: "like", value: `%${likeLiteral(q.q)}%` });
  if (q.service) conditions.push({ field: "serviceId", op: "eq", value: q.service });
  if (q.state) {
    const states = q.state.split(",").map((s) => s.trim());
    const bad = states.find((s) => !STATES.has(s));
    if (bad !== undefined) throw invalid(`Unknown state ${bad}.`, [{ pointer: "/query/state", detail: "pending, idle, running or ended" }]);
    conditions.push(states.length === 1 ? { field: "state", op: "eq", value: states[0]! } : { field: "state", op: "in", values: states });
  }
  if (q.owner) conditions.push({ field: "owner", op: "eq", value: q.owner });
  if (q.member) conditions.push({ field: "member", op: "eq", value: q.member });
  if (q.visibility) conditions.push({ field: "visibility", op: "eq", value: q.visibility });
  if (q.status) conditions.push({ field: "status", op: "eq", value: q.status });
  if (q.createdAfter) conditions.push({ field: "createdAt", op: "gt", value: Date.parse(q.createdAfter) });
  if (q.createdBefore) conditions.push({ field: "createdAt", op: "lt", value: Date.parse(q.createdBefore) });
  for (const [key, value] of attributes) {
    if (!ATTRIBUTE_KEY.test(key)) throw invalid(`Cannot filter on ${key}.`, [{ pointer: `/query/${key}`, detail: "not a valid attribute path" }]);
    for (const v of Array.isArray(value) ? value : [value]) conditions.push(attributeCondition(key, String(v)));
  }
  if (q.cursor !== undefined && q.offset !== undefined) {
    throw invalid("Page with cursor or with offset, not both.", [{ pointer: "/query/offset", detail: "not with cursor" }]);
  }
  return {
    where: and(...conditions),
    sort: parseSort(q.sort),
    limit: q.limit ?? 50,
    cursor: q.cursor,
    offset: q.offset,
    count: q.count,
  };
}

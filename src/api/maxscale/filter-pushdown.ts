import { type Condition, and } from "../../core/query.js";
import type { Json } from "../../core/types.js";
import type { CompareOp, FilterExpr, RowFilter, Step } from "./filter-parse.js";

/**
 * Filters on `/id`, `/attributes/user`, `/attributes/state` and
 * `/relationships/services/data/0/id` become core query conditions, so the store does
 * the selecting. A condition is always a superset of what the filter keeps; `exact`
 * says it is the same set, so the rows need no second look (and paging can move to the
 * store too).
 */
export interface Pushdown {
  where: Condition | undefined;
  exact: boolean;
}

type Target = "id" | "user" | "state" | "service";

const TARGETS: Record<string, Target> = {
  id: "id",
  "attributes/user": "user",
  "attributes/state": "state",
  "relationships/services/data/0/id": "service",
  "relationships/services/data/*/id": "service",
};

function targetOf(path: Step[]): Target | undefined {
  const key = path.map((s) => ("token" in s ? s.token : "index" in s ? String(s.index) : "*")).join("/");
  return TARGETS[key];
}

const CANONICAL = /^(0|[1-9][0-9]*)$/;

/** The rendered `state` string (`stateLabel`) as a condition on core `state`. */
function stateIs(label: string): Condition {
  switch (label) {
    case "Session created":
      return { field: "state", op: "eq", value: "pending" };
    case "Session started":
      return { field: "state", op: "in", values: ["idle", "running"] };
    default:
      return { or: [] };
  }
}

/** One comparison as an exact condition, or null when only the rendered rows can decide. */
function leaf(target: Target, op: CompareOp, value: Json): Condition | null {
  switch (target) {
    case "id":
      // Ids are digit strings: a number compares numerically; a string only equals its own spelling.
      if (typeof value === "number" && Number.isSafeInteger(value)) return { field: "number", op, value };
      if (typeof value === "string" && CANONICAL.test(value) && Number.isSafeInteger(Number(value)) && (op === "eq" || op === "ne")) {
        return { field: "number", op, value: Number(value) };
      }
      return null;
    case "user":
      if (typeof value !== "string") return null;
      // No owner, no `user`: such rows never match, `ne` included.
      return op === "ne"
        ? { and: [{ field: "owner", op, value }, { not: { field: "owner", op: "isNull" } }] }
        : { field: "owner", op, value };
    case "service":
      return typeof value === "string" ? { field: "serviceId", op, value } : null;
    case "state":
      if (typeof value !== "string") return null;
      if (op === "eq") return stateIs(value);
      if (op === "ne") return { not: stateIs(value) };
      return null;
  }
}

function push(target: Target, expr: FilterExpr): Pushdown | null {
  if (!("args" in expr)) {
    const c = leaf(target, expr.op, expr.value);
    return c ? { where: c, exact: true } : null;
  }
  const parts = expr.args.map((e) => push(target, e));
  const known = parts.filter((p): p is Pushdown => p !== null);
  const allExact = known.length === parts.length && known.every((p) => p.exact);
  switch (expr.op) {
    case "and":
      return known.length === 0 ? null : { where: and(...known.map((p) => p.where)), exact: allExact };
    case "or":
      return known.length === parts.length ? { where: { or: known.map((p) => p.where!) }, exact: allExact } : null;
    case "not":
      return allExact ? { where: { not: { or: known.map((p) => p.where!) } }, exact: true } : null;
  }
}

/**
 * The filters as one condition. Translation can nest deeper than the filters do (`ne`,
 * `not`, `state`), so a condition that does not `fit` the store's query is not pushed:
 * the rows decide.
 */
export function pushdown(filters: RowFilter[], fits: (where: Condition) => boolean): Pushdown {
  const conditions: Condition[] = [];
  let exact = true;
  for (const f of filters) {
    const target = targetOf(f.path);
    const pushed = target ? push(target, f.expr) : null;
    if (pushed) conditions.push(pushed.where!);
    exact &&= pushed?.exact ?? false;
  }
  const where = and(...conditions);
  return where === undefined || fits(where) ? { where, exact } : { where: undefined, exact: false };
}

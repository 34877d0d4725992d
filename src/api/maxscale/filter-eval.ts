import type { Json } from "../../core/types.js";
import type { FilterExpr, RowFilter, Step } from "./filter-parse.js";

/**
 * Typed comparison: numbers with numbers, strings with strings, and a string of decimal
 * digits with a number (so `/id=and(ge(2),le(3))` works on string ids). Anything else
 * is unequal and unordered — never the original's "true for le/ge across types".
 */
const DIGITS = /^[0-9]+$/;

function order(a: Json, b: Json): number | null {
  if (typeof a === "number" && typeof b === "number") return Math.sign(a - b);
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "string" && typeof b === "number" && DIGITS.test(a)) return Math.sign(Number(a) - b);
  if (typeof a === "number" && typeof b === "string" && DIGITS.test(b)) return Math.sign(a - Number(b));
  return null;
}

function equal(a: Json, b: Json): boolean {
  const o = order(a, b);
  if (o !== null) return o === 0;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => equal(v, b[i]!));
  }
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => k in b && equal(a[k]!, b[k]!));
}

export function holds(expr: FilterExpr, value: Json): boolean {
  switch (expr.op) {
    case "eq":
      return equal(value, expr.value);
    case "ne":
      return !equal(value, expr.value);
    case "and":
      return expr.args.every((e) => holds(e, value));
    case "or":
      return expr.args.some((e) => holds(e, value));
    case "not":
      return !expr.args.some((e) => holds(e, value));
    default: {
      const o = order(value, expr.value);
      if (o === null) return false;
      return expr.op === "lt" ? o < 0 : expr.op === "le" ? o <= 0 : expr.op === "gt" ? o > 0 : o >= 0;
    }
  }
}

/** Every value the path reaches (several through `[*]`, none when it leads nowhere). */
export function resolve(node: Json | undefined, path: Step[]): Json[] {
  if (node === undefined) return [];
  const [step, ...rest] = path;
  if (!step) return [node];
  if ("any" in step) return Array.isArray(node) ? node.flatMap((v) => resolve(v, rest)) : [];
  if ("index" in step) return Array.isArray(node) ? resolve(node[step.index], rest) : [];
  if (Array.isArray(node)) return /^(0|[1-9][0-9]*)$/.test(step.token) ? resolve(node[Number(step.token)], rest) : [];
  if (node !== null && typeof node === "object" && Object.hasOwn(node, step.token)) return resolve(node[step.token], rest);
  return [];
}

/** A row is kept when the path finds a value that satisfies the expression. */
export const keeps = (row: Json, filter: RowFilter) => resolve(row, filter.path).some((v) => holds(filter.expr, v));

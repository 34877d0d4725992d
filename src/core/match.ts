import { invalid } from "./errors.js";
import type { Condition, Scalar } from "./query.js";

/**
 * The query model evaluated in memory, for the small collections that never reach SQL
 * (a session's jobs, results or files; the services of a kind). Semantics follow the
 * stores: comparisons with null are false, `like` is case-insensitive (`likeCase` not) with
 * `%`, `_` and `\` escapes, and a list value (membership) matches when it contains the value.
 */
export type FieldValue = Scalar | readonly Scalar[] | undefined;

function compare(a: Scalar, b: Scalar): number | null {
  if (a === null || b === null) return null;
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Compares two scalars the way sorting does: nulls last, numbers numerically, text by code unit. */
export function compareScalars(a: Scalar, b: Scalar): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return compare(a, b) ?? 0;
}

const likeCache = new Map<string, RegExp>();

function likePattern(pattern: string, flags: "i" | ""): RegExp {
  const key = `${flags}${pattern}`;
  let re = likeCache.get(key);
  if (re) return re;
  let source = "";
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i]!;
    if (c === "\\" && i + 1 < pattern.length) source += pattern[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    else if (c === "%") source += "[\\s\\S]*";
    else if (c === "_") source += "[\\s\\S]";
    else source += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  re = new RegExp(`^${source}$`, flags);
  if (likeCache.size > 500) likeCache.clear();
  likeCache.set(key, re);
  return re;
}

function test(op: string, actual: Scalar, value: Scalar): boolean {
  if (op === "like" || op === "likeCase") {
    return actual !== null && value !== null && likePattern(String(value), op === "like" ? "i" : "").test(String(actual));
  }
  const c = compare(actual, value);
  if (c === null) return false;
  switch (op) {
    case "eq":
      return c === 0;
    case "ne":
      return c !== 0;
    case "lt":
      return c < 0;
    case "le":
      return c <= 0;
    case "gt":
      return c > 0;
    case "ge":
      return c >= 0;
  }
  return false;
}

export function matches(c: Condition, get: (field: string) => FieldValue): boolean {
  if ("and" in c) return c.and.every((x) => matches(x, get));
  if ("or" in c) return c.or.some((x) => matches(x, get));
  if ("not" in c) return !matches(c.not, get);
  if ("readableBy" in c) throw invalid("Access conditions are applied by the core, not in memory.");
  const actual = get(c.field);
  if (c.op === "isNull") return actual === null || actual === undefined;
  if (actual === undefined) return false;
  if (Array.isArray(actual)) {
    const list = actual as readonly Scalar[];
    if (c.op === "eq") return list.includes(c.value);
    if (c.op === "ne") return !list.includes(c.value);
    if (c.op === "in") return c.values.some((v) => list.includes(v));
    return false;
  }
  const scalar = actual as Scalar;
  if (c.op === "in") return c.values.some((v) => test("eq", scalar, v));
  if (c.op === "range") return test("ge", scalar, c.from) && test("le", scalar, c.to);
  return test(c.op, scalar, c.value);
}

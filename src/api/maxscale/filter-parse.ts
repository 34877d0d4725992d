import type { FilterLimits } from "../../core/query.js";
import type { Json } from "../../core/types.js";
import { failure } from "./errors.js";

/**
 * MaxScale's `filter` language: `filter=<JSON pointer>=<expr>` and the dot-path form
 * `filter[<path>]=<expr>`. `<expr>` is a JSON literal (equality) or `eq(v)`, `ne(v)`,
 * `lt(v)`, `le(v)`, `gt(v)`, `ge(v)`, `and(e,...)`, `or(e,...)`, `not(e,...)`.
 */

export type CompareOp = "eq" | "ne" | "lt" | "le" | "gt" | "ge";
export type FilterExpr = { op: CompareOp; value: Json } | { op: "and" | "or" | "not"; args: FilterExpr[] };

/** One step of a path into a resource object. */
export type Step =
  /** An object key, or an array index when the token is a number and the node an array (JSON pointer). */
  | { token: string }
  | { index: number }
  /** Every element of an array (`[*]`). */
  | { any: true };

export interface RowFilter {
  path: Step[];
  expr: FilterExpr;
}

const COMPARE = new Set<string>(["eq", "ne", "lt", "le", "gt", "ge"]);
const LOGIC = new Set<string>(["and", "or", "not"]);

/** The filter limits' nesting and comparison count, shared by every filter of one request. */
class Budget {
  private comparisons = 0;
  constructor(readonly limits: FilterLimits) {}

  comparison(): void {
    this.comparisons += 1;
    if (this.comparisons > this.limits.filterTerms) throw failure(400, `A request's filters may hold at most ${this.limits.filterTerms} comparisons`);
  }

  level(depth: number): void {
    if (depth > this.limits.filterDepth) throw failure(400, `Filter expressions may nest and, or and not at most ${this.limits.filterDepth} deep`);
  }
}

class ExpressionParser {
  private pos = 0;
  constructor(
    private readonly text: string,
    private readonly budget: Budget,
  ) {}

  private ws(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos += 1;
  }

  private rest(from = this.pos): string {
    return this.text.slice(from);
  }

  parse(): FilterExpr {
    if (this.text.trim() === "") throw failure(400, "Empty filter expression");
    const expr = this.expression();
    this.ws();
    if (this.pos < this.text.length) throw failure(400, `Unexpected trailing data: ${this.rest()}`);
    return expr;
  }

  private expression(depth = 0): FilterExpr {
    this.ws();
    const start = this.pos;
    this.budget.level(depth);
    const call = /[A-Za-z_][A-Za-z0-9_]*\(/y;
    call.lastIndex = this.pos;
    const m = call.exec(this.text);
    if (!m) {
      this.budget.comparison();
      return { op: "eq", value: this.json() };
    }
    const name = m[0].slice(0, -1);
    this.pos = call.lastIndex;
    if (COMPARE.has(name)) {
      this.budget.comparison();
      const value = this.json();
      this.close(start);
      return { op: name as CompareOp, value };
    }
    if (LOGIC.has(name)) {
      const args: FilterExpr[] = [];
      for (;;) {
        args.push(this.expression(depth + 1));
        this.ws();
        if (this.text[this.pos] === ",") {
          this.pos += 1;
          continue;
        }
        this.close(start);
        return { op: name as "and" | "or" | "not", args };
      }
    }
    throw failure(400, `Not a valid filter expression: ${this.rest(start)}`);
  }

  private close(start: number): void {
    this.ws();
    if (this.text[this.pos] !== ")") throw failure(400, `Not a valid filter expression: ${this.rest(start)}`);
    this.pos += 1;
  }

  /** One JSON value: its extent is scanned, then JSON.parse decides. */
  private json(): Json {
    this.ws();
    const start = this.pos;
    const end = this.valueEnd(start);
    try {
      const value = JSON.parse(this.text.slice(start, end)) as Json;
      this.pos = end;
      return value;
    } catch {
      throw failure(400, `Invalid JSON: ${this.rest(start)}`);
    }
  }

  private valueEnd(start: number): number {
    const t = this.text;
    let i = start;
    if (t[i] === '"') return this.stringEnd(i);
    if (t[i] === "{" || t[i] === "[") {
      let depth = 0;
      while (i < t.length) {
        const c = t[i]!;
        if (c === '"') {
          i = this.stringEnd(i);
          continue;
        }
        if (c === "{" || c === "[") depth += 1;
        if (c === "}" || c === "]") depth -= 1;
        i += 1;
        if (depth === 0) return i;
      }
      return i;
    }
    while (i < t.length && !/[\s,)\]}]/.test(t[i]!)) i += 1;
    return i;
  }

  /** The index after the string starting at `i` (or the end of the text if unterminated). */
  private stringEnd(i: number): number {
    const t = this.text;
    for (i += 1; i < t.length; i += 1) {
      if (t[i] === "\\") i += 1;
      else if (t[i] === '"') return i + 1;
    }
    return t.length;
  }
}

const parseExpression = (text: string, budget: Budget): FilterExpr => new ExpressionParser(text, budget).parse();

/** RFC 6901: "" is the whole resource; otherwise `/`-separated tokens with ~1 and ~0 escapes. */
function parsePointer(pointer: string): Step[] | null {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) return null;
  return pointer
    .slice(1)
    .split("/")
    .map((t) => ({ token: t.replace(/~1/g, "/").replace(/~0/g, "~") }));
}

/** `attributes.user`, `$.relationships.services.data[0].id`, `data[*].id`. */
function parseDotPath(path: string): Step[] | null {
  const body = path.startsWith("$.") ? path.slice(2) : path === "$" ? "" : path;
  if (body === "") return [];
  const steps: Step[] = [];
  for (const part of body.split(".")) {
    const m = /^([^.[\]]+)((?:\[(?:[0-9]+|\*)\])*)$/.exec(part);
    if (!m) return null;
    steps.push({ token: m[1]! });
    for (const [, sub] of m[2]!.matchAll(/\[([0-9]+|\*)\]/g)) steps.push(sub === "*" ? { any: true } : { index: Number(sub) });
  }
  return steps;
}

/** `filter=<pointer>=<expr>`: split at the first `=`. */
function parsePointerFilter(raw: string, budget: Budget): RowFilter {
  const eq = raw.indexOf("=");
  const path = eq < 0 ? null : parsePointer(raw.slice(0, eq));
  if (path === null) throw failure(400, `Invalid filter expression: ${raw}`);
  return { path, expr: parseExpression(raw.slice(eq + 1), budget) };
}

/** `filter[<path>]=<expr>`. */
function parseDotFilter(path: string, expr: string, budget: Budget): RowFilter {
  const steps = parseDotPath(path);
  if (steps === null) throw failure(400, `Invalid filter expression: filter[${path}]=${expr}`);
  return { path: steps, expr: parseExpression(expr, budget) };
}

/**
 * Every filter of a request: `filter` and each `filter[...]`, all of which must hold.
 * Together they stay within the filter limits (comparisons, nesting), checked while
 * parsing, so no input runs the parser or the evaluator out of stack.
 */
export function requestFilters(query: Record<string, string | string[] | undefined>, limits: FilterLimits): RowFilter[] {
  const budget = new Budget(limits);
  const filters: RowFilter[] = [];
  for (const [key, value] of Object.entries(query)) {
    const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
    if (key === "filter") for (const v of values) filters.push(parsePointerFilter(v, budget));
    const dot = /^filter\[(.*)\]$/s.exec(key);
    if (dot) for (const v of values) filters.push(parseDotFilter(dot[1]!, v, budget));
  }
  return filters;
}

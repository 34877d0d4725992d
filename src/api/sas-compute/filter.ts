import { type Condition, type FilterLimits, type Scalar, MAX_SORT_KEYS, filterSizeProblem, likeLiteral } from "../../core/query.js";
import { badRequest } from "./errors.js";

/**
 * SAS's `filter` syntax (contract §4): `fn(arg, …)` with nested expressions, fields and
 * values bare, '…' or "…" (a doubled quote is one quote), blanks around arguments
 * ignored. Parsed to a small tree, then compiled against a field list into the core
 * query model. Nesting is bounded while parsing (see compileFilter), so no input can
 * run the parser out of stack.
 */

interface Expr {
  fn: string;
  args: Arg[];
}
type Arg = Expr | { text: string; quoted: boolean };

const isExpr = (a: Arg): a is Expr => "fn" in a;

export const invalidFilter = (reason: string) => badRequest(1104, `Invalid filter: ${reason}`);

class Parser {
  private i = 0;
  constructor(
    private readonly src: string,
    private readonly maxDepth: number,
  ) {}

  fail(): never {
    throw invalidFilter(this.src);
  }

  private blanks(): void {
    while (this.i < this.src.length && /\s/.test(this.src[this.i]!)) this.i += 1;
  }

  expr(depth: number): Expr {
    if (depth > this.maxDepth) throw invalidFilter(`expressions may nest at most ${this.maxDepth} deep.`);
    this.blanks();
    const m = /^[A-Za-z]+/.exec(this.src.slice(this.i));
    if (!m) this.fail();
    this.i += m[0].length;
    this.blanks();
    if (this.src[this.i] !== "(") this.fail();
    this.i += 1;
    const args: Arg[] = [];
    for (;;) {
      args.push(this.arg(depth));
      this.blanks();
      const c = this.src[this.i];
      this.i += 1;
      if (c === ")") break;
      if (c !== ",") this.fail();
    }
    return { fn: m[0].toLowerCase(), args };
  }

  private arg(depth: number): Arg {
    this.blanks();
    const c = this.src[this.i];
    if (c === "'" || c === '"') {
      let text = "";
      for (this.i += 1; this.i < this.src.length; this.i += 1) {
        const d = this.src[this.i]!;
        if (d !== c) text += d;
        else if (this.src[this.i + 1] === c) {
          text += c;
          this.i += 1;
        } else {
          this.i += 1;
          return { text, quoted: true };
        }
      }
      this.fail();
    }
    if (/^[A-Za-z]+\s*\(/.test(this.src.slice(this.i))) return this.expr(depth + 1);
    const m = /^[^,)\s]+/.exec(this.src.slice(this.i));
    if (!m) this.fail();
    this.i += m[0].length;
    return { text: m[0], quoted: false };
  }

  parse(): Expr {
    const e = this.expr(1);
    this.blanks();
    if (this.i !== this.src.length) this.fail();
    return e;
  }
}

export type FieldKind = "string" | "integer" | "time";

export interface FieldSpec {
  kind: FieldKind;
  /** Builds the condition for one comparison (field renames, special values); the default compares the field itself. */
  compile?: (op: "eq" | "ne" | "lt" | "le" | "gt" | "ge" | "likeCase", value: Scalar) => Condition;
}

export type Fields = Record<string, FieldSpec>;

const COMPARE = new Set(["eq", "ne", "lt", "le", "gt", "ge"]);

/** `in`'s equalities as one `in` condition when they compare one field plainly, else as their `or`. */
function anyOf(equalities: Condition[]): Condition {
  const [first] = equalities;
  const field = first && "op" in first && first.op === "eq" ? first.field : undefined;
  const plain = equalities.every((c) => "op" in c && c.op === "eq" && c.field === field);
  return field !== undefined && plain ? { field, op: "in", values: equalities.map((c) => ("value" in c ? c.value : null)) } : { or: equalities };
}

/**
 * Parses a filter and compiles it against `fields`; 400 1104 for anything not
 * understood, and for a filter larger than `limits` allow.
 */
export function compileFilter(src: string, fields: Fields, limits: FilterLimits): Condition {
  // Calls nest the logical levels the limits allow, plus a top-level and() (no level in the core) and the comparisons.
  const parser: Parser = new Parser(src, limits.filterDepth + 2);
  const field = (a: Arg | undefined): [string, FieldSpec] => {
    if (!a || isExpr(a) || a.quoted) parser.fail();
    const spec = fields[a.text];
    if (!spec) parser.fail();
    return [a.text, spec];
  };
  const value = (a: Arg | undefined, spec: FieldSpec): Scalar => {
    if (!a || isExpr(a)) parser.fail();
    if (spec.kind === "string") return a.text;
    const n = spec.kind === "integer" ? Number(a.text) : Date.parse(a.text);
    if (a.text.trim() === "" || !Number.isSafeInteger(n)) parser.fail();
    return n;
  };
  const one = (name: string, spec: FieldSpec, op: Parameters<NonNullable<FieldSpec["compile"]>>[0], v: Scalar): Condition =>
    spec.compile ? spec.compile(op, v) : { field: name, op, value: v };
  const build = (e: Expr): Condition => {
    const { fn, args } = e;
    if (COMPARE.has(fn)) {
      if (args.length !== 2) parser.fail();
      const [name, spec] = field(args[0]);
      return one(name, spec, fn as "eq", value(args[1], spec));
    }
    if (fn === "contains" || fn === "startswith" || fn === "endswith") {
      if (args.length !== 2) parser.fail();
      const [name, spec] = field(args[0]);
      if (spec.kind !== "string") parser.fail();
      const text = likeLiteral(String(value(args[1], spec)));
      const pattern = fn === "contains" ? `%${text}%` : fn === "startswith" ? `${text}%` : `%${text}`;
      return one(name, spec, "likeCase", pattern);
    }
    if (fn === "in") {
      if (args.length < 2) parser.fail();
      if (args.length - 1 > limits.filterValues) throw invalidFilter(`in() may list at most ${limits.filterValues} values.`);
      const [name, spec] = field(args[0]);
      return anyOf(args.slice(1).map((a) => one(name, spec, "eq", value(a, spec))));
    }
    if (fn === "isnull") {
      if (args.length !== 1) parser.fail();
      const [name] = field(args[0]);
      return { field: name, op: "isNull" };
    }
    const nested = args.map((a) => (isExpr(a) ? build(a) : parser.fail()));
    if ((fn === "and" || fn === "or") && nested.length >= 2) return fn === "and" ? { and: nested } : { or: nested };
    if (fn === "not" && nested.length === 1) return { not: nested[0]! };
    return parser.fail();
  };
  const condition = build(parser.parse());
  const problem = filterSizeProblem(condition, limits);
  if (problem) throw invalidFilter(problem);
  return condition;
}

export interface SortSpec {
  field: string;
  dir: "asc" | "desc";
}

/** `field[:ascending|:descending]`, comma-separated; 400 5028 for unknown fields or directions. */
export function parseSortBy(src: string, fields: readonly string[]): SortSpec[] {
  const fail = () => badRequest(5028, `Invalid sortBy: ${src}`);
  const parts = src.split(",");
  if (parts.length > MAX_SORT_KEYS) throw badRequest(5028, `Invalid sortBy: at most ${MAX_SORT_KEYS} keys.`);
  return parts.map((part) => {
    const [name, direction, extra] = part.trim().split(":");
    if (!name || extra !== undefined || !fields.includes(name)) throw fail();
    if (direction === undefined || direction.toLowerCase() === "ascending") return { field: name, dir: "asc" as const };
    if (direction.toLowerCase() === "descending") return { field: name, dir: "desc" as const };
    throw fail();
  });
}

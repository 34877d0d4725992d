import { isNameChar, isNameStart, quotedEnd, unquote } from "./text.js";
import { type Value, isChar, numberText, toNumber, trimEnd, truthy } from "./values.js";

/**
 * SAS expressions (DATA step and %EVAL): tokens, a precedence parser and an evaluator.
 * Operators by SAS's groups, loosest first: OR; AND; comparisons and IN; `||`; `+ -`;
 * `* /`; prefix `- + NOT`, `**`, `<>` (max) and `><` (min).
 */

export interface Token {
  kind: "num" | "str" | "name" | "op";
  text: string;
  value?: Value;
  /** Blank before it (formats are written without one: `best12.`). */
  spaced: boolean;
}

export class SasSyntaxError extends Error {}

/** SAS's message for a statement it does not know where it stands. */
export const INVALID_STATEMENT = "180-322: Statement is not valid or it is used out of proper order.";

const OPS = ["**", "||", "!!", "<=", ">=", "^=", "~=", "¬=", "<>", "><", "=", "<", ">", "+", "-", "*", "/", "&", "|", "!", "^", "~", "¬", "(", ")", ",", "$", ":", "@", "#", "[", "]", "{", "}", "."];
const NUMBER = /^(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)/;

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const start = i;
    while (i < text.length && /\s/.test(text[i]!)) i += 1;
    if (i >= text.length) break;
    const spaced = i > start || out.length === 0;
    const c = text[i]!;
    if (c === "'" || c === '"') {
      const end = quotedEnd(text, i);
      const content = unquote(text.slice(i, end));
      const suffix = text[end];
      if ((suffix === "x" || suffix === "X") && !isNameChar(text[end + 1])) {
        if (!/^[0-9A-Fa-f\s]*$/.test(content)) throw new SasSyntaxError("Invalid hexadecimal constant string.");
        out.push({ kind: "str", text: text.slice(i, end + 1), value: Buffer.from(content.replace(/\s/g, ""), "hex").toString("latin1"), spaced });
        i = end + 1;
      } else if ((suffix === "n" || suffix === "N") && !isNameChar(text[end + 1])) {
        out.push({ kind: "name", text: content, spaced });
        i = end + 1;
      } else {
        out.push({ kind: "str", text: text.slice(i, end), value: content, spaced });
        i = end;
      }
      continue;
    }
    const number = NUMBER.exec(text.slice(i));
    if (number) {
      out.push({ kind: "num", text: number[0], value: Number(number[0]), spaced });
      i += number[0].length;
      continue;
    }
    if (isNameStart(c)) {
      let j = i;
      while (isNameChar(text[j])) j += 1;
      out.push({ kind: "name", text: text.slice(i, j), spaced });
      i = j;
      continue;
    }
    const op = OPS.find((o) => text.startsWith(o, i));
    if (!op) throw new SasSyntaxError(`Invalid character ${c} in the statement.`);
    out.push({ kind: "op", text: op, spaced });
    i += op.length;
  }
  return out;
}

export type Expr =
  | { k: "lit"; v: Value }
  | { k: "var"; name: string }
  | { k: "call"; name: string; args: Expr[] }
  | { k: "un"; op: "-" | "+" | "not"; e: Expr }
  | { k: "bin"; op: string; l: Expr; r: Expr }
  | { k: "in"; e: Expr; list: Expr[] };

const WORD_OPS: Record<string, string> = { OR: "or", AND: "and", NOT: "not", EQ: "=", NE: "^=", LT: "<", LE: "<=", GT: ">", GE: ">=", IN: "in", MIN: "><", MAX: "<>" };
const SYMBOL_OPS: Record<string, string> = { "|": "or", "!": "or", "&": "and", "^": "not", "~": "not", "¬": "not", "~=": "^=", "¬=": "^=", "!!": "||" };
const COMPARISONS = new Set(["=", "^=", "<", "<=", ">", ">="]);

/** The operator a token stands for, if any (words only where an operator may stand). */
export function operatorOf(t: Token | undefined): string | null {
  if (!t) return null;
  if (t.kind === "name") return WORD_OPS[t.text.toUpperCase()] ?? null;
  if (t.kind !== "op") return null;
  return SYMBOL_OPS[t.text] ?? t.text;
}

/** Parses tokens as one expression; `namesAreText` reads bare words as text (%EVAL). */
export function parseExpression(tokens: Token[], opts: { namesAreText?: boolean } = {}): Expr {
  let at = 0;
  const peek = () => tokens[at];
  const take = () => tokens[at++];
  const expectClose = () => {
    if (operatorOf(take()) !== ")") throw new SasSyntaxError("Syntax error, expecting ).");
  };

  const binary = (ops: Set<string>, next: () => Expr): (() => Expr) => () => {
    let left = next();
    for (let op = operatorOf(peek()); op && ops.has(op); op = operatorOf(peek())) {
      take();
      left = { k: "bin", op, l: left, r: next() };
    }
    return left;
  };

  const primary = (): Expr => {
    const t = take();
    if (!t) throw new SasSyntaxError("Syntax error, expecting an expression.");
    if (t.kind === "num" || t.kind === "str") return { k: "lit", v: t.value! };
    if (t.kind === "op" && t.text === ".") return { k: "lit", v: null };
    if (t.kind === "op" && t.text === "(") {
      const inner = or();
      expectClose();
      return inner;
    }
    if (t.kind === "name") {
      if (operatorOf(peek()) === "(" && !opts.namesAreText) {
        take();
        const args: Expr[] = [];
        if (operatorOf(peek()) !== ")") {
          for (;;) {
            args.push(or());
            if (operatorOf(peek()) !== ",") break;
            take();
          }
        }
        expectClose();
        return { k: "call", name: t.text.toUpperCase(), args };
      }
      return opts.namesAreText ? { k: "lit", v: t.text } : { k: "var", name: t.text };
    }
    throw new SasSyntaxError(`Syntax error at ${t.text}.`);
  };

  const power = (): Expr => {
    const op = operatorOf(peek());
    if (op === "-" || op === "+" || op === "not") {
      take();
      return { k: "un", op, e: power() };
    }
    const base = primary();
    const next = operatorOf(peek());
    if (next === "**" || next === "<>" || next === "><") {
      take();
      return { k: "bin", op: next, l: base, r: power() };
    }
    return base;
  };
  const product = binary(new Set(["*", "/"]), power);
  const sum = binary(new Set(["+", "-"]), product);
  const concat = binary(new Set(["||"]), sum);
  const comparison = (): Expr => {
    let left = concat();
    for (let op = operatorOf(peek()); op && (COMPARISONS.has(op) || op === "in"); op = operatorOf(peek())) {
      take();
      if (op === "in") {
        if (operatorOf(take()) !== "(") throw new SasSyntaxError("Syntax error, expecting (.");
        const list: Expr[] = [];
        for (;;) {
          list.push(concat());
          const sep = operatorOf(peek());
          if (sep === ")") break;
          if (sep === ",") take();
        }
        take();
        left = { k: "in", e: left, list };
      } else left = { k: "bin", op, l: left, r: concat() };
    }
    return left;
  };
  const and = binary(new Set(["and"]), comparison);
  const or = binary(new Set(["or"]), and);

  const expr = or();
  if (at < tokens.length) throw new SasSyntaxError(`Syntax error at ${tokens[at]!.text}.`);
  return expr;
}

export interface Scope {
  get(name: string): Value;
  call(name: string, args: Value[]): Promise<Value>;
  /** %EVAL: integer arithmetic, character operands refused. */
  integer?: boolean;
}

/** SAS comparison: characters blank-padded, numbers with missing lowest. */
export function compare(a: Value, b: Value): number {
  if (isChar(a) && isChar(b)) {
    const x = trimEnd(a);
    const y = trimEnd(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const x = toNumber(a) ?? -Infinity;
  const y = toNumber(b) ?? -Infinity;
  return x < y ? -1 : x > y ? 1 : 0;
}

function arithmetic(op: string, a: Value, b: Value, scope: Scope): Value {
  if (scope.integer && (isChar(a) || isChar(b))) throw new SasSyntaxError("A character operand was found in the %EVAL function or %IF condition where a numeric operand is required.");
  const x = toNumber(a);
  const y = toNumber(b);
  if (op === "<>") return x === null ? y : y === null ? x : Math.max(x, y);
  if (op === "><") return x === null ? y : y === null ? x : Math.min(x, y);
  if (x === null || y === null) return null;
  switch (op) {
    case "+":
      return x + y;
    case "-":
      return x - y;
    case "*":
      return x * y;
    case "/":
      return y === 0 ? null : scope.integer ? Math.trunc(x / y) : x / y;
    default:
      return x ** y;
  }
}

export async function evaluate(e: Expr, scope: Scope): Promise<Value> {
  switch (e.k) {
    case "lit":
      return e.v;
    case "var":
      return scope.get(e.name);
    case "call": {
      const args: Value[] = [];
      for (const a of e.args) args.push(await evaluate(a, scope));
      return scope.call(e.name, args);
    }
    case "un": {
      const v = await evaluate(e.e, scope);
      if (e.op === "not") return truthy(v) ? 0 : 1;
      if (scope.integer && isChar(v)) throw new SasSyntaxError("A character operand was found in the %EVAL function or %IF condition where a numeric operand is required.");
      const n = toNumber(v);
      return n === null ? null : e.op === "-" ? -n : n;
    }
    case "in": {
      const v = await evaluate(e.e, scope);
      for (const item of e.list) if (compare(v, await evaluate(item, scope)) === 0) return 1;
      return 0;
    }
    case "bin": {
      const l = await evaluate(e.l, scope);
      if (e.op === "and" && !truthy(l)) return 0;
      if (e.op === "or" && truthy(l)) return 1;
      const r = await evaluate(e.r, scope);
      if (e.op === "and" || e.op === "or") return truthy(r) ? 1 : 0;
      if (e.op === "||") return (isChar(l) ? l : numberText(l)) + (isChar(r) ? r : numberText(r));
      if (COMPARISONS.has(e.op)) {
        const c = compare(l, r);
        const result = e.op === "=" ? c === 0 : e.op === "^=" ? c !== 0 : e.op === "<" ? c < 0 : e.op === "<=" ? c <= 0 : e.op === ">" ? c > 0 : c >= 0;
        return result ? 1 : 0;
      }
      return arithmetic(e.op, l, r, scope);
    }
  }
}

/** Whether an expression yields characters, given the types of variables and functions. */
export function isCharExpr(e: Expr, varIsChar: (name: string) => boolean, fnIsChar: (name: string) => boolean): boolean {
  switch (e.k) {
    case "lit":
      return isChar(e.v);
    case "var":
      return varIsChar(e.name);
    case "call":
      return fnIsChar(e.name);
    case "bin":
      return e.op === "||";
    default:
      return false;
  }
}

/** Variable names an expression reads. */
export function namesIn(e: Expr, out: string[] = []): string[] {
  if (e.k === "var") out.push(e.name);
  else if (e.k === "call") e.args.forEach((a) => namesIn(a, out));
  else if (e.k === "un") namesIn(e.e, out);
  else if (e.k === "bin") {
    namesIn(e.l, out);
    namesIn(e.r, out);
  } else if (e.k === "in") {
    namesIn(e.e, out);
    e.list.forEach((a) => namesIn(a, out));
  }
  return out;
}

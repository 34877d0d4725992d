import { INVALID_STATEMENT as INVALID, SasSyntaxError, type Expr, type Token, operatorOf, parseExpression } from "./expr.js";
import { type PutItem, parsePut } from "./put.js";
import { MAX_LENGTH, type Value } from "./values.js";

/**
 * DATA step statements: each statement's text parsed into a node of the step's tree
 * (the tree itself is built by the step, which pairs DO with END and ELSE with IF).
 */

export type Stmt =
  | { k: "assign"; name: string; expr: Expr; sum: boolean }
  | { k: "if"; cond: Expr; then: Stmt | null; else: Stmt | null }
  | { k: "subset"; cond: Expr }
  | { k: "block"; body: Stmt[]; open: true }
  | { k: "loop"; index: string | null; from: Expr | null; to: Expr | null; by: Expr | null; while: Expr | null; until: Expr | null; body: Stmt[]; open: true }
  | { k: "put"; items: PutItem[]; log: boolean }
  | { k: "file"; target: string; quoted: boolean; mod: boolean }
  | { k: "call"; name: string; args: Expr[] }
  | { k: "stop" }
  | { k: "return" }
  | { k: "noop" };

export type Parsed = Stmt | { k: "end" } | { k: "else"; inner: Stmt | null } | { k: "declare"; length?: [string, "n" | "c", number][]; retain?: [string, Value | undefined][] };

const NOOPS = new Set(["DROP", "KEEP", "FORMAT", "INFORMAT", "LABEL", "ATTRIB", "OUTPUT"]);
const CALLS = new Set(["SYMPUT", "SYMPUTX", "SYMDEL", "SLEEP"]);


const kw = (t: Token | undefined) => (t?.kind === "name" ? t.text.toUpperCase() : "");
const at = (tokens: Token[], word: string, from = 0): number => {
  let depth = 0;
  for (let i = from; i < tokens.length; i += 1) {
    const op = operatorOf(tokens[i]);
    if (op === "(") depth += 1;
    else if (op === ")") depth -= 1;
    else if (depth === 0 && kw(tokens[i]) === word) return i;
  }
  return -1;
};

/** `while(…)` / `until(…)` at the end of a DO statement. */
function doCondition(tokens: Token[], word: string): Expr | null {
  const i = at(tokens, word);
  return i < 0 ? null : parseExpression(tokens.slice(i + 1));
}

export function parseStatement(tokens: Token[]): Parsed {
  const word = kw(tokens[0]);
  const rest = tokens.slice(1);
  if (tokens.length >= 2 && tokens[0]!.kind === "name" && operatorOf(tokens[1]) === "=" ) {
    return { k: "assign", name: tokens[0]!.text, expr: parseExpression(tokens.slice(2)), sum: false };
  }
  switch (word) {
    case "IF": {
      const then = at(rest, "THEN");
      if (then < 0) return { k: "subset", cond: parseExpression(rest) };
      const inner = rest.length > then + 1 ? parseStatement(rest.slice(then + 1)) : null;
      if (inner && (inner.k === "end" || inner.k === "else" || inner.k === "declare")) throw new SasSyntaxError(INVALID);
      return { k: "if", cond: parseExpression(rest.slice(0, then)), then: inner, else: null };
    }
    case "ELSE": {
      const inner = rest.length ? parseStatement(rest) : null;
      if (inner && (inner.k === "end" || inner.k === "else" || inner.k === "declare")) throw new SasSyntaxError(INVALID);
      return { k: "else", inner };
    }
    case "DO": {
      if (rest.length === 0) return { k: "block", body: [], open: true };
      const head = kw(rest[0]);
      if (head === "WHILE" || head === "UNTIL") {
        return { k: "loop", index: null, from: null, to: null, by: null, while: doCondition(rest, "WHILE"), until: doCondition(rest, "UNTIL"), body: [], open: true };
      }
      if (rest[0]!.kind !== "name" || operatorOf(rest[1]) !== "=") throw new SasSyntaxError(INVALID);
      const to = at(rest, "TO");
      const by = at(rest, "BY");
      const cond = [at(rest, "WHILE"), at(rest, "UNTIL")].filter((i) => i >= 0);
      const stop = cond.length ? Math.min(...cond) : rest.length;
      if (to < 0) throw new SasSyntaxError(INVALID);
      return {
        k: "loop",
        index: rest[0]!.text,
        from: parseExpression(rest.slice(2, to)),
        to: parseExpression(rest.slice(to + 1, by >= 0 ? by : stop)),
        by: by >= 0 ? parseExpression(rest.slice(by + 1, stop)) : null,
        while: doCondition(rest, "WHILE"),
        until: doCondition(rest, "UNTIL"),
        body: [],
        open: true,
      };
    }
    case "END":
      return { k: "end" };
    case "PUT":
    case "PUTLOG":
      return { k: "put", items: parsePut(rest), log: word === "PUTLOG" };
    case "FILE": {
      const target = rest[0];
      if (!target || (target.kind !== "name" && target.kind !== "str")) throw new SasSyntaxError(INVALID);
      return { k: "file", target: target.kind === "str" ? String(target.value) : target.text.toUpperCase(), quoted: target.kind === "str", mod: rest.some((t) => kw(t) === "MOD") };
    }
    case "CALL": {
      const name = kw(rest[0]);
      const call = parseExpression(rest);
      if (call.k !== "call") throw new SasSyntaxError(INVALID);
      if (!CALLS.has(name)) throw new SasSyntaxError(`251-185: The subroutine ${name} is unknown, or cannot be accessed.`);
      return { k: "call", name, args: call.args };
    }
    case "LENGTH":
      return { k: "declare", length: lengths(rest) };
    case "RETAIN":
      return { k: "declare", retain: retained(rest) };
    case "STOP":
      return { k: "stop" };
    case "RETURN":
    case "DELETE":
      return { k: "return" };
    default:
      if (NOOPS.has(word)) return { k: "noop" };
      if (tokens[0]?.kind === "name" && operatorOf(tokens[1]) === "+" && tokens.length > 2) {
        return { k: "assign", name: tokens[0].text, expr: parseExpression(tokens.slice(2)), sum: true };
      }
      throw new SasSyntaxError(INVALID);
  }
}

function lengths(tokens: Token[]): [string, "n" | "c", number][] {
  const out: [string, "n" | "c", number][] = [];
  let pending: string[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const t = tokens[i]!;
    if (t.kind === "name") pending.push(t.text);
    else if (t.kind === "op" && t.text === "$") {
      const n = tokens[i + 1];
      const w = n?.kind === "num" ? Number(n.value) : 8;
      if (!Number.isInteger(w) || w < 1 || w > MAX_LENGTH) throw new SasSyntaxError(`352-185: The length of variable ${pending[0] ?? ""} is greater than ${MAX_LENGTH} or less than 1.`);
      if (n?.kind === "num") i += 1;
      pending.forEach((name) => out.push([name, "c", w]));
      pending = [];
    } else if (t.kind === "num") {
      pending.forEach((name) => out.push([name, "n", 8]));
      pending = [];
    } else throw new SasSyntaxError(INVALID);
  }
  if (pending.length) throw new SasSyntaxError("352-185: The length of numeric variables is 3-8.");
  return out;
}

function retained(tokens: Token[]): [string, Value | undefined][] {
  const out: [string, Value | undefined][] = [];
  let pending: string[] = [];
  for (const t of tokens) {
    if (t.kind === "name") pending.push(t.text);
    else if (t.kind === "num" || t.kind === "str") {
      pending.forEach((name) => out.push([name, t.value!]));
      pending = [];
    }
  }
  pending.forEach((name) => out.push([name, undefined]));
  return out;
}

/** The expressions a statement evaluates itself (not those of nested statements). */
export function expressionsOf(s: Stmt): Expr[] {
  switch (s.k) {
    case "assign":
      return [s.expr];
    case "if":
    case "subset":
      return [s.cond];
    case "loop":
      return [s.from, s.to, s.by, s.while, s.until].filter((e): e is Expr => e !== null);
    case "call":
      return s.args;
    default:
      return [];
  }
}

/** Calls `visit` on every statement of a tree, nested ones included. */
export function walk(body: readonly Stmt[], visit: (s: Stmt) => void): void {
  const one = (s: Stmt | null) => {
    if (!s) return;
    visit(s);
    if (s.k === "if") {
      one(s.then);
      one(s.else);
    } else if (s.k === "block" || s.k === "loop") s.body.forEach(one);
  };
  body.forEach(one);
}

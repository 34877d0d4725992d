import { SasSyntaxError, type Expr, evaluate, isCharExpr, namesIn, tokenize } from "./expr.js";
import { FUNCTIONS } from "./functions.js";
import type { Macro } from "./macro.js";
import { Outputs } from "./put.js";
import { type Parsed, type Stmt, expressionsOf, parseStatement, walk } from "./statements.js";
import { MAX_LENGTH, type Value, best, fit, isChar, strip, toNumber, toText, truthy } from "./values.js";

/**
 * A DATA _NULL_ step: its statements parsed into a tree at `run;`, variable types and
 * lengths fixed as SAS's compiler fixes them (LENGTH first, else the first assignment),
 * then one execution of the tree — there is no input data set, so one iteration.
 */

interface Var {
  name: string;
  type: "n" | "c";
  length: number;
  value: Value;
  initial: Value;
}

class StopStep extends Error {}
class EndIteration extends Error {}
/** The step cannot go on; its ERROR line is written. */
class StepFailed extends Error {}

/** The statements of one step, as written between `data` and `run`. */
export class DataStep {
  private readonly root: Stmt[] = [];
  private readonly vars = new Map<string, Var>();
  private readonly errors: string[] = [];
  private statements = 0;
  private readonly outputs: Outputs;

  constructor(
    private readonly macro: Macro,
    texts: string[],
  ) {
    this.outputs = new Outputs(macro.job);
    this.compile(texts);
  }

  private get job() {
    return this.macro.job;
  }

  private declare(name: string, type: "n" | "c", length: number): Var {
    const key = name.toUpperCase();
    let v = this.vars.get(key);
    if (!v) {
      v = { name, type, length, value: type === "c" ? " ".repeat(length) : null, initial: type === "c" ? " ".repeat(length) : null };
      this.vars.set(key, v);
    }
    return v;
  }

  private compile(texts: string[]): void {
    const stack: Stmt[][] = [this.root];
    for (const text of texts) {
      let parsed: Parsed;
      try {
        parsed = parseStatement(tokenize(text));
      } catch (e) {
        if (!(e instanceof SasSyntaxError)) throw e;
        this.errors.push(e.message.startsWith("ERROR") ? e.message : /^\d+-\d+:/.test(e.message) ? e.message : `22-322: ${e.message}`);
        continue;
      }
      if (parsed.k === "end") {
        if (stack.length === 1) this.errors.push("161-185: No matching DO/SELECT statement.");
        else stack.pop();
        continue;
      }
      if (parsed.k === "declare") {
        for (const [name, type, length] of parsed.length ?? []) this.declare(name, type, length);
        for (const [name, value] of parsed.retain ?? []) {
          const v = this.declare(name, value !== undefined && isChar(value) ? "c" : "n", value !== undefined && isChar(value) ? Math.min(MAX_LENGTH, Math.max(1, value.length)) : 8);
          if (value !== undefined) v.value = v.initial = v.type === "c" ? fit(toText(value), v.length) : toNumber(value);
        }
        continue;
      }
      let opener: Stmt | null;
      const body = stack.at(-1)!;
      if (parsed.k === "else") {
        // `else if … then …; else …;` chains: the ELSE belongs to the last IF without one.
        let target = body.at(-1) ?? null;
        while (target?.k === "if" && target.else !== null) target = target.else.k === "if" ? target.else : null;
        if (target?.k !== "if") {
          this.errors.push("160-185: No matching IF-THEN clause.");
          continue;
        }
        target.else = parsed.inner ?? { k: "noop" };
        opener = parsed.inner?.k === "if" ? parsed.inner.then : parsed.inner;
      } else {
        body.push(parsed);
        opener = parsed.k === "if" ? parsed.then : parsed;
      }
      this.type(parsed.k === "else" ? parsed.inner : parsed);
      if (opener && (opener.k === "block" || opener.k === "loop")) stack.push(opener.body);
    }
    if (stack.length > 1) this.errors.push(`117-185: There ${stack.length === 2 ? "was 1 unclosed DO block" : `were ${stack.length - 1} unclosed DO blocks`}.`);
    for (const name of this.unknownFunctions(this.root)) this.errors.push(`68-185: The function ${name} is unknown, or cannot be accessed.`);
  }

  /** Fixes the type of variables a statement assigns, in order of appearance. */
  private type(s: Stmt | null): void {
    if (!s) return;
    const charVar = (n: string) => this.vars.get(n.toUpperCase())?.type === "c";
    const charFn = (n: string) => FUNCTIONS[n]?.returns === "c";
    if (s.k === "assign" && !this.vars.has(s.name.toUpperCase())) {
      const char = !s.sum && isCharExpr(s.expr, charVar, charFn);
      const length = s.expr.k === "lit" && isChar(s.expr.v) ? Math.min(MAX_LENGTH, Math.max(1, s.expr.v.length)) : s.expr.k === "var" ? (this.vars.get(s.expr.name.toUpperCase())?.length ?? 200) : 200;
      this.declare(s.name, char ? "c" : "n", char ? length : 8);
      if (s.sum) this.vars.get(s.name.toUpperCase())!.initial = this.vars.get(s.name.toUpperCase())!.value = 0;
    }
    if (s.k === "if") this.type(s.then);
    if (s.k === "loop" && s.index) this.declare(s.index, "n", 8);
  }

  private unknownFunctions(body: Stmt[]): string[] {
    const out = new Set<string>();
    const visit = (e: Expr) => {
      if (e.k === "call") {
        if (!FUNCTIONS[e.name]) out.add(e.name);
        e.args.forEach(visit);
      } else if (e.k === "un") visit(e.e);
      else if (e.k === "bin") {
        visit(e.l);
        visit(e.r);
      } else if (e.k === "in") [e.e, ...e.list].forEach(visit);
    };
    walk(body, (s) => expressionsOf(s).forEach(visit));
    return [...out];
  }

  /** Variables read but never given a value: SAS notes them as uninitialized. */
  private uninitialized(): string[] {
    const assigned = new Set<string>();
    const read: string[] = [];
    walk(this.root, (s) => {
      if (s.k === "assign") assigned.add(s.name.toUpperCase());
      if (s.k === "loop" && s.index) assigned.add(s.index.toUpperCase());
      if (s.k === "put") for (const item of s.items) if (item.k === "var") read.push(item.name);
      for (const e of expressionsOf(s)) namesIn(e, read);
    });
    const seen = new Set<string>();
    return read.filter((n) => {
      const key = n.toUpperCase();
      if (assigned.has(key) || seen.has(key) || key === "_N_" || key === "_ERROR_" || this.vars.get(key)?.initial !== null) return false;
      seen.add(key);
      return true;
    });
  }

  /** Compiles and runs the step; false when it stopped because of errors. */
  async run(): Promise<boolean> {
    if (this.errors.length) {
      for (const e of this.errors) this.job.error(e);
      return false;
    }
    for (const name of this.uninitialized()) {
      this.declare(name, "n", 8);
      this.job.note(`Variable ${this.vars.get(name.toUpperCase())!.name} is uninitialized.`);
    }
    let ok = true;
    try {
      await this.block(this.root);
    } catch (e) {
      if (e instanceof StepFailed) ok = false;
      else if (e instanceof SasSyntaxError) {
        this.job.error(e.message);
        ok = false;
      } else if (!(e instanceof StopStep) && !(e instanceof EndIteration)) throw e;
    }
    return (await this.outputs.flush()) && ok;
  }

  private get(name: string): Value {
    const key = name.toUpperCase();
    if (key === "_N_") return 1;
    if (key === "_ERROR_") return 0;
    return (this.vars.get(key) ?? this.declare(name, "n", 8)).value;
  }

  private scope() {
    return {
      get: (name: string) => this.get(name),
      call: async (name: string, args: Value[]) => {
        const f = FUNCTIONS[name]!;
        if (args.length < f.min || args.length > f.max) throw new SasSyntaxError(`71-185: The ${name} function call does not have enough arguments.`);
        const v = await f.run(this.macro, args);
        return isChar(v) ? v.slice(0, MAX_LENGTH) : v;
      },
    };
  }

  private set(name: string, value: Value): void {
    const v = this.vars.get(name.toUpperCase()) ?? this.declare(name, isChar(value) ? "c" : "n", 200);
    v.value = v.type === "c" ? fit(toText(value), v.length) : toNumber(value);
  }

  private async tick(): Promise<void> {
    this.statements += 1;
    if (this.job.signal.aborted) throw new StopStep();
    if (this.statements % 1000 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  private async block(body: Stmt[]): Promise<void> {
    for (const s of body) await this.exec(s);
  }

  private async exec(s: Stmt): Promise<void> {
    await this.tick();
    const value = (e: Expr) => evaluate(e, this.scope());
    switch (s.k) {
      case "assign": {
        const v = await value(s.expr);
        if (s.sum) {
          const add = toNumber(v);
          this.set(s.name, add === null ? this.get(s.name) : (toNumber(this.get(s.name)) ?? 0) + add);
        } else this.set(s.name, v);
        return;
      }
      case "if":
        if (truthy(await value(s.cond))) {
          if (s.then) await this.exec(s.then);
        } else if (s.else) await this.exec(s.else);
        return;
      case "subset":
        if (!truthy(await value(s.cond))) throw new EndIteration();
        return;
      case "block":
        return this.block(s.body);
      case "loop":
        return this.loop(s, value);
      case "put":
        if (!this.outputs.put(s.items, (name) => this.vars.get(name.toUpperCase()) ?? null, [...this.vars.values()], s.log)) throw new StepFailed();
        return;
      case "file":
        if (!(await this.outputs.select(s.target, s.quoted, s.mod))) throw new StepFailed();
        return;
      case "call":
        return this.call(s.name, await Promise.all(s.args.map(value)), s.args);
      case "stop":
        throw new StopStep();
      case "return":
        throw new EndIteration();
      case "noop":
        return;
    }
  }

  private async loop(s: Extract<Stmt, { k: "loop" }>, value: (e: Expr) => Promise<Value>): Promise<void> {
    const check = async () => (s.while ? truthy(await value(s.while)) : true);
    const done = async () => (s.until ? truthy(await value(s.until)) : false);
    if (!s.index) {
      for (;;) {
        await this.tick();
        if (!(await check())) return;
        await this.block(s.body);
        if (await done()) return;
      }
    }
    const from = toNumber(await value(s.from!));
    const to = toNumber(await value(s.to!));
    const by = s.by ? toNumber(await value(s.by)) : 1;
    if (from === null || to === null || by === null || by === 0) throw new SasSyntaxError("Invalid DO loop control information.");
    for (let i = from; by > 0 ? i <= to : i >= to; ) {
      await this.tick();
      this.set(s.index, i);
      if (!(await check())) return;
      await this.block(s.body);
      if (await done()) return;
      i = (toNumber(this.get(s.index)) ?? i) + by;
      this.set(s.index, i);
    }
    this.set(s.index, from > to && by > 0 ? from : toNumber(this.get(s.index)));
  }

  private async call(name: string, args: Value[], raw: Expr[]): Promise<void> {
    const arg = (i: number) => args[i] ?? null;
    switch (name) {
      case "SYMPUT":
      case "SYMPUTX": {
        const target = strip(toText(arg(0)));
        const v = arg(1);
        const text = name === "SYMPUTX" ? (isChar(v) ? strip(v) : best(v, 32)) : toText(v);
        return this.job.setVariable(target, text);
      }
      case "SYMDEL":
        return this.job.deleteVariable(strip(toText(arg(0))));
      case "SLEEP": {
        const unit = raw.length > 1 ? (toNumber(arg(1)) ?? 1) : 1;
        const ms = Math.max(0, (toNumber(arg(0)) ?? 0) * unit * 1000);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, ms);
          const signal = this.job.signal;
          function done() {
            clearTimeout(timer);
            signal.removeEventListener("abort", done);
            resolve();
          }
          signal.addEventListener("abort", done, { once: true });
        });
      }
    }
  }
}

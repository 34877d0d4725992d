import { SasSyntaxError, evaluate, parseExpression, tokenize } from "./expr.js";
import { FUNCTIONS, type FunctionContext, sysfuncArgument } from "./functions.js";
import type { SasJob } from "./session.js";
import { closingParen, isNameChar, isNameStart, nameAt, quotedEnd, splitArguments, unescapePercent } from "./text.js";
import { type Value, best, macroText } from "./values.js";

/**
 * The macro processor: `&name` references (with `&&` rescans and a `.` delimiter),
 * macro functions, and the macro statements a job may send in open code. Macro
 * variables are the session's variables, upper-cased, shared with the Compute API.
 */

/** Macro statements this server runs; other macro keywords are reported. */
const STATEMENTS = new Set(["LET", "PUT", "SYMDEL", "GLOBAL", "LOCAL"]);
const UNSUPPORTED = new Set(["MACRO", "MEND", "IF", "THEN", "ELSE", "DO", "END", "GOTO", "GO", "RETURN", "ABORT", "WINDOW", "DISPLAY", "INPUT", "SYSCALL", "SYSEXEC", "SYSLPUT", "SYSRPUT", "COPY", "INCLUDE", "INC"]);

type MacroFunction = (m: Macro, raw: string) => Promise<string>;

const resolved = (fn: (text: string) => string): MacroFunction => async (m, raw) => fn(await m.resolve(raw));
const args = async (m: Macro, raw: string) => Promise.all(splitArguments(raw).map((a) => m.resolve(a)));

const MACRO_FUNCTIONS: Record<string, MacroFunction> = {
  STR: resolved((t) => unescapePercent(t)),
  NRSTR: async (_m, raw) => unescapePercent(raw),
  QUOTE: resolved((t) => t),
  NRQUOTE: resolved((t) => t),
  BQUOTE: resolved((t) => t),
  NRBQUOTE: resolved((t) => t),
  UNQUOTE: resolved((t) => t),
  SUPERQ: async (m, raw) => m.job.getVariable((await m.resolve(raw)).trim()) ?? "",
  UPCASE: resolved((t) => t.toUpperCase()),
  QUPCASE: resolved((t) => t.toUpperCase()),
  LOWCASE: resolved((t) => t.toLowerCase()),
  QLOWCASE: resolved((t) => t.toLowerCase()),
  LENGTH: resolved((t) => String(t.length)),
  SYMEXIST: async (m, raw) => (m.job.getVariable((await m.resolve(raw)).trim()) === null ? "0" : "1"),
  SYMGLOBL: async (m, raw) => (m.job.getVariable((await m.resolve(raw)).trim()) === null ? "0" : "1"),
  SYMLOCAL: async () => "0",
  INDEX: async (m, raw) => {
    const [s = "", sub = ""] = await args(m, raw);
    return String(s.indexOf(sub) + 1);
  },
  SUBSTR: async (m, raw) => substr(await args(m, raw)),
  QSUBSTR: async (m, raw) => substr(await args(m, raw)),
  SCAN: async (m, raw) => scan(await args(m, raw)),
  QSCAN: async (m, raw) => scan(await args(m, raw)),
  EVAL: async (m, raw) => m.evaluate(await m.resolve(raw), true),
  SYSEVALF: async (m, raw) => {
    const [expr = ""] = splitArguments(raw);
    return m.evaluate(await m.resolve(expr), false);
  },
  SYSFUNC: (m, raw) => m.sysfunc(raw),
  QSYSFUNC: (m, raw) => m.sysfunc(raw),
  // The server's environment is not the job's business.
  SYSGET: async (m) => {
    m.job.warning("The argument to macro function %SYSGET is not defined as a system variable.");
    return "";
  },
};

function substr([s = "", pos = "1", len]: string[]): string {
  const start = Number(pos) - 1;
  return len === undefined ? s.slice(start) : s.slice(start, start + Number(len));
}

function scan([s = "", i = "1", delims = " .<(+&!$*);^-/,%|"]: string[]): string {
  const words = s.split(new RegExp(`[${delims.replace(/[\]\\^-]/g, "\\$&")}]+`)).filter((w) => w !== "");
  const k = Number(i);
  return (k > 0 ? words[k - 1] : words[words.length + k]) ?? "";
}

/** Data-step formats %SYSFUNC takes as its second argument: `w.`, `w.d`, `BESTw.`, `$w.`. */
function formatted(v: Value, format: string): string | null {
  const f = format.trim().toUpperCase();
  const m = /^(\$|\$CHAR|BEST)?(\d*)\.(\d*)$/.exec(f);
  if (!m) return null;
  const w = m[2] ? Number(m[2]) : m[1]?.startsWith("$") ? 0 : 12;
  if (m[1]?.startsWith("$")) {
    const t = typeof v === "string" ? v : best(v);
    return w ? t.slice(0, w).padEnd(w) : t;
  }
  const x = typeof v === "number" ? v : v === null ? null : Number(v);
  if (x === null || Number.isNaN(x)) return ".".padStart(w);
  if (m[1] === "BEST" || !m[3]) return (m[1] === "BEST" ? best(x, w) : String(Math.round(x))).padStart(w);
  return x.toFixed(Number(m[3])).padStart(w);
}

export class Macro implements FunctionContext {
  constructor(readonly job: SasJob) {}

  /** Resolves references and macro function calls in text; single quotes hide them when `quotes` is set. */
  async resolve(text: string, quotes = false): Promise<string> {
    let out = "";
    let i = 0;
    while (i < text.length) {
      const ch = text[i]!;
      if (quotes && ch === "'") {
        const end = quotedEnd(text, i);
        out += text.slice(i, end);
        i = end;
      } else if (ch === "&" && (isNameStart(text[i + 1]) || text[i + 1] === "&")) {
        const ref = await this.reference(text, i);
        out += ref.value;
        i = ref.end;
      } else if (ch === "%" && isNameStart(text[i + 1])) {
        const call = await this.call(text, i);
        out += call.value;
        i = call.end;
      } else {
        out += ch;
        i += 1;
      }
    }
    return out;
  }

  /**
   * The reference starting at `i`: the run of `&`s, names and `.` delimiters it forms
   * (`&&var&i.`), resolved pass by pass — each pass turns `&&` into `&` and resolves
   * single `&name`s, and runs again while a pass halved ampersands.
   */
  async reference(text: string, i: number): Promise<{ value: string; end: number }> {
    let j = i;
    while (j < text.length) {
      if (text[j] === "&") {
        let k = j;
        while (text[k] === "&") k += 1;
        const name = nameAt(text, k);
        if (!name) break;
        j = k + name.length;
        if (text[j] === ".") j += 1;
      } else if (isNameChar(text[j]) && j > i) j += nameAt(text, j).length || 1;
      else break;
    }
    if (j === i) return { value: "&", end: i + 1 };
    let value = text.slice(i, j);
    for (let again = true; again; ) {
      again = false;
      let out = "";
      let k = 0;
      while (k < value.length) {
        if (value[k] !== "&") {
          out += value[k];
          k += 1;
          continue;
        }
        let amps = 0;
        while (value[k] === "&") {
          amps += 1;
          k += 1;
        }
        const name = nameAt(value, k);
        if (!name) {
          out += "&".repeat(amps);
          continue;
        }
        k += name.length;
        const dot = value[k] === ".";
        if (amps >= 2) again = true;
        out += "&".repeat(Math.floor(amps / 2));
        if (amps % 2 === 0) {
          out += name;
          continue;
        }
        if (dot) k += 1;
        const v = this.job.getVariable(name);
        if (v === null) {
          this.job.warning(`Apparent symbolic reference ${name.toUpperCase()} not resolved.`);
          out += `&${name}${dot ? "." : ""}`;
        } else out += v;
      }
      value = out;
    }
    return { value, end: j };
  }

  /** The macro function call (or unknown macro invocation) at `i`, the `%`. */
  async call(text: string, i: number): Promise<{ value: string; end: number }> {
    const name = nameAt(text, i + 1);
    const fn = MACRO_FUNCTIONS[name.toUpperCase()];
    let open = i + 1 + name.length;
    while (text[open] === " ") open += 1;
    if (!fn || text[open] !== "(") {
      this.job.warning(`Apparent invocation of macro ${name.toUpperCase()} not resolved.`);
      return { value: `%${name}`, end: i + 1 + name.length };
    }
    const upper = name.toUpperCase();
    const close = closingParen(text, open, { quotes: !upper.includes("BQUOTE") && upper !== "SUPERQ", percentEscapes: upper.endsWith("STR") });
    if (close < 0) {
      this.job.error(`Expected close parenthesis after macro function invocation not found.`);
      return { value: "", end: text.length };
    }
    return { value: await fn(this, text.slice(open + 1, close)), end: close + 1 };
  }

  /** %SYSFUNC(function(arguments) <, format>): the function's value as text. */
  async sysfunc(raw: string): Promise<string> {
    const [call = "", format] = splitArguments(raw);
    const resolvedCall = await this.resolve(call);
    const name = nameAt(resolvedCall.trim(), 0).toUpperCase();
    const body = resolvedCall.trim().slice(name.length).trim();
    const f = FUNCTIONS[name];
    if (!f || !body.startsWith("(") || !body.endsWith(")")) {
      this.job.error(`The function ${name || resolvedCall.trim()} referenced by the %SYSFUNC or %QSYSFUNC macro function is not found.`);
      return "";
    }
    const inner = body.slice(1, -1);
    const given = inner.trim() === "" ? [] : splitArguments(inner);
    if (given.length < f.min || given.length > f.max) {
      this.job.error(`The function ${name} referenced by %SYSFUNC, %QSYSFUNC, or %SYSCALL cannot be used within the MACRO function/call-routine interfaces or has an incorrect number of arguments.`);
      return "";
    }
    const value = await f.run(this, given.map((a, k) => sysfuncArgument(f, k, a.trim())));
    const fmt = format === undefined ? null : formatted(value, await this.resolve(format));
    return fmt ?? (typeof value === "string" ? value.replace(/ +$/, "") : macroText(value));
  }

  /** %EVAL (integers) and %SYSEVALF; `1`/`0` for conditions. */
  async evaluate(text: string, integer: boolean): Promise<string> {
    const expression = text.trim();
    try {
      const v = await evaluate(parseExpression(tokenize(expression), { namesAreText: true }), { get: () => null, call: async () => null, integer });
      return typeof v === "string" ? v : best(v, 16);
    } catch (e) {
      if (!(e instanceof SasSyntaxError)) throw e;
      this.job.error(`${e.message} The condition was: ${expression}`);
      return "";
    }
  }

  /** Runs macro statement `name` with its text up to the `;`; false when `name` is no macro statement. */
  async statement(name: string, body: string): Promise<boolean> {
    const upper = name.toUpperCase();
    if (UNSUPPORTED.has(upper)) {
      this.job.error(upper === "SYSEXEC" ? "Shell escape is not valid in this SAS session." : `The %${upper} statement is not valid in open code.`);
      return true;
    }
    if (!STATEMENTS.has(upper)) return false;
    switch (upper) {
      case "LET": {
        const eq = body.indexOf("=");
        if (eq < 0) {
          this.job.error("Expecting a variable name after %LET.");
          return true;
        }
        const target = (await this.resolve(body.slice(0, eq))).trim();
        this.job.setVariable(target, (await this.resolve(body.slice(eq + 1), true)).trim());
        return true;
      }
      case "PUT":
        await this.put(body);
        return true;
      case "SYMDEL":
        for (const n of (await this.resolve(body.split("/")[0]!)).split(/\s+/).filter(Boolean)) {
          if (this.job.getVariable(n) === null && !/\/\s*nowarn/i.test(body)) this.job.warning(`Attempt to delete macro variable ${n.toUpperCase()} failed. Variable not found.`);
          else this.job.deleteVariable(n);
        }
        return true;
      case "GLOBAL":
        for (const n of (await this.resolve(body)).split(/\s+/).filter(Boolean)) if (this.job.getVariable(n) === null) this.job.setVariable(n, "");
        return true;
      default:
        this.job.error("The %LOCAL statement is not valid in open code.");
        return true;
    }
  }

  /** %PUT: `&=name` as `NAME=value`, the `_user_`-style lists, else the resolved text. */
  private async put(body: string): Promise<void> {
    const keyword = body.trim().toUpperCase();
    const list = (scope: string, vars: Record<string, string>) =>
      Object.keys(vars)
        .sort()
        .forEach((k) => this.job.message(`${scope} ${k} ${vars[k]}`));
    if (keyword === "_USER_" || keyword === "_GLOBAL_") return list("GLOBAL", this.job.userVariables());
    if (keyword === "_AUTOMATIC_") return list("AUTOMATIC", this.job.automatic());
    if (keyword === "_ALL_") {
      list("GLOBAL", this.job.userVariables());
      return list("AUTOMATIC", this.job.automatic());
    }
    if (keyword === "_LOCAL_") return;
    const named = body.replace(/&=([A-Za-z_][A-Za-z0-9_]*)/g, (_all, n: string) => `${n.toUpperCase()}=&${n}`);
    this.job.message((await this.resolve(named, true)).trim());
  }
}

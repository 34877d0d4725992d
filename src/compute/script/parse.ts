/**
 * Parsing of the built-in "script" language (contract §9.5). Nothing here evaluates
 * anything: statements are split, keywords read and `&NAME` references substituted
 * as text.
 */

export interface Statement {
  /** Lower-cased. */
  keyword: string;
  /** As written. */
  word: string;
  argument: string;
}

/** Drops `/* … *\/` comments (an unterminated one runs to the end), keeping line breaks. */
export function dropComments(code: string): string {
  return code.replace(/\/\*[\s\S]*?(?:\*\/|$)/g, (comment) => comment.replace(/[^\r\n]/g, ""));
}

/** Splits one line at `;` outside '…' and "…" (quotes doubled inside; unterminated ends at end of line). */
export function splitStatements(line: string): string[] {
  const out: string[] = [];
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) {
        if (line[i + 1] === quote) i += 1;
        else quote = null;
      }
    } else if (c === "'" || c === '"') quote = c;
    else if (c === ";") {
      out.push(line.slice(start, i));
      start = i + 1;
    }
  }
  out.push(line.slice(start));
  return out;
}

/** Every statement of a program, in order, skipping empty ones and `*` comments. */
export function statements(code: string): Statement[] {
  const out: Statement[] = [];
  for (const line of dropComments(code).split(/\r\n|\n|\r/)) {
    for (const raw of splitStatements(line)) {
      const text = raw.trim();
      if (text === "" || text.startsWith("*")) continue;
      const m = /^(\S+)\s*([\s\S]*)$/.exec(text)!;
      out.push({ keyword: m[1]!.toLowerCase(), word: m[1]!, argument: m[2]!.trim() });
    }
  }
  return out;
}

/** Replaces `&NAME` and `&NAME.` outside single quotes, in one pass; unknown names stay. */
export function substitute(text: string, lookup: (name: string) => string | null): string {
  let out = "";
  let quote: string | null = null;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quote && c === quote) {
      if (text[i + 1] === quote) {
        out += c + c;
        i += 1;
        continue;
      }
      quote = null;
    } else if (!quote && (c === "'" || c === '"')) quote = c;
    if (c === "&" && quote !== "'") {
      const m = /^&([A-Za-z_][A-Za-z0-9_]*)(\.?)/.exec(text.slice(i));
      const value = m ? lookup(m[1]!) : null;
      if (m && value !== null) {
        out += value;
        i += m[0].length - 1;
        continue;
      }
    }
    out += c;
  }
  return out;
}

/** A quoted string's content with doubled quotes undone, or null when `text` is not exactly one. */
export function unquote(text: string): string | null {
  const q = text[0];
  if ((q !== "'" && q !== '"') || text.length < 2 || text[text.length - 1] !== q) return null;
  const inner = text.slice(1, -1);
  let out = "";
  for (let i = 0; i < inner.length; i += 1) {
    if (inner[i] === q) {
      if (inner[i + 1] !== q) return null;
      i += 1;
    }
    out += inner[i];
  }
  return out;
}

/** A text argument: one quoted string means its content, anything else itself. */
export function textOf(argument: string): string {
  return unquote(argument) ?? argument;
}

/** The first token (one quoted string or a run of non-blanks) and the rest, trimmed. */
export function firstToken(argument: string): { token: string; quoted: boolean; rest: string } | null {
  if (argument === "") return null;
  const q = argument[0];
  if (q === "'" || q === '"') {
    for (let i = 1; i < argument.length; i += 1) {
      if (argument[i] !== q) continue;
      if (argument[i + 1] === q) {
        i += 1;
        continue;
      }
      return { token: unquote(argument.slice(0, i + 1))!, quoted: true, rest: argument.slice(i + 1).trim() };
    }
    return { token: argument.slice(1).replace(new RegExp(`${q}${q}`, "g"), q), quoted: true, rest: "" };
  }
  const m = /^(\S+)\s*([\s\S]*)$/.exec(argument)!;
  return { token: m[1]!, quoted: false, rest: m[2]! };
}

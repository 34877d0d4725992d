/**
 * Scanning SAS program text: names, quoted literals, balanced parentheses and argument
 * lists. Positions are indexes into the text; nothing here evaluates anything.
 */

export const isNameStart = (c: string | undefined) => c !== undefined && /[A-Za-z_]/.test(c);
export const isNameChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_]/.test(c);

/** The name starting at `i` (empty when there is none). */
export function nameAt(text: string, i: number): string {
  let j = i;
  if (!isNameStart(text[j])) return "";
  while (isNameChar(text[j])) j += 1;
  return text.slice(i, j);
}

/** Index just past the quoted literal that opens at `i` (doubled quotes stay inside); an unterminated one runs to the end. */
export function quotedEnd(text: string, i: number): number {
  const q = text[i];
  for (let j = i + 1; j < text.length; j += 1) {
    if (text[j] !== q) continue;
    if (text[j + 1] === q) j += 1;
    else return j + 1;
  }
  return text.length;
}

/** A quoted literal's content with doubled quotes undone. */
export function unquote(literal: string): string {
  const q = literal[0]!;
  const closed = literal.length >= 2 && literal.endsWith(q);
  return literal.slice(1, closed ? -1 : undefined).split(q + q).join(q);
}

export interface ScanOptions {
  /** Quotes group text (false for %BQUOTE-like arguments, where quotes need not match). */
  quotes: boolean;
  /** `%(`, `%)`, `%'` and `%"` are escapes (%STR, %NRSTR). */
  percentEscapes?: boolean;
}

/**
 * Visits the characters from `from` that are outside quotes and escapes, with the
 * parenthesis depth after each; stops at the first index `visit` answers true for.
 */
function scan(text: string, from: number, opts: ScanOptions, visit: (c: string, j: number, depth: number) => boolean): number {
  let depth = 0;
  for (let j = from; j < text.length; j += 1) {
    const c = text[j]!;
    if (opts.percentEscapes && c === "%" && "()'\"%,".includes(text[j + 1] ?? "")) {
      j += 1;
      continue;
    }
    if (opts.quotes && (c === "'" || c === '"')) {
      j = quotedEnd(text, j) - 1;
      continue;
    }
    if (c === "(") depth += 1;
    else if (c === ")") depth -= 1;
    if (visit(c, j, depth)) return j;
  }
  return -1;
}

/** Index of the `)` matching the `(` at `open`, or -1 when it is not closed. */
export function closingParen(text: string, open: number, opts: ScanOptions = { quotes: true }): number {
  return scan(text, open, opts, (c, _j, depth) => c === ")" && depth === 0);
}

/** Splits at commas outside parentheses and quotes. */
export function splitArguments(text: string, opts: ScanOptions = { quotes: true }): string[] {
  const out: string[] = [];
  let start = 0;
  scan(text, 0, opts, (c, j, depth) => {
    if (c === "," && depth === 0) {
      out.push(text.slice(start, j));
      start = j + 1;
    }
    return false;
  });
  out.push(text.slice(start));
  return out;
}

/** Macro functions whose argument may hold unmatched quotes. */
const UNQUOTED_ARGUMENT = /^%(NR)?BQUOTE\s*\(|^%SUPERQ\s*\(/i;

/** Index of the `;` that ends the statement starting at `i` (quotes and parentheses respected), or the text's length. */
export function statementEnd(text: string, i: number): number {
  let depth = 0;
  for (let j = i; j < text.length; j += 1) {
    const c = text[j];
    if (c === "%" && "()'\";%".includes(text[j + 1] ?? "")) {
      j += 1;
      continue;
    }
    const unquoted = c === "%" ? UNQUOTED_ARGUMENT.exec(text.slice(j, j + 12)) : null;
    if (unquoted) {
      const close = closingParen(text, j + unquoted[0].length - 1, { quotes: false });
      if (close > 0) {
        j = close;
        continue;
      }
    }
    if (c === "'" || c === '"') {
      j = quotedEnd(text, j) - 1;
      continue;
    }
    if (c === "(") depth += 1;
    else if (c === ")") depth = Math.max(0, depth - 1);
    else if (c === ";" && depth === 0) return j;
  }
  return text.length;
}

/** Undoes the %-escapes of %STR and %NRSTR. */
export const unescapePercent = (text: string) => text.replace(/%([()'"%;,])/g, "$1");

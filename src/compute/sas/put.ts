import { areaPath } from "../session-data.js";
import { WorkAreaError } from "../types.js";
import { INVALID_STATEMENT, SasSyntaxError, type Token, operatorOf } from "./expr.js";
import type { SasJob } from "./session.js";
import { MAX_LENGTH, type Value, best, isChar, strip, toText } from "./values.js";

/**
 * The PUT statement and the FILE statement's outputs. List output writes a variable's
 * value without its leading and trailing blanks and then one blank; quoted text is
 * written as is; `name=` writes the name first; a format writes the value in its width.
 * Records end without trailing blanks. Files are written when the step ends.
 */

interface Format {
  char: boolean;
  name: string;
  width: number | null;
  decimals: number | null;
}

export type PutItem =
  | { k: "text"; text: string }
  | { k: "var"; name: string; named: boolean; format: Format | null; modified: boolean }
  | { k: "all" }
  | { k: "newline" }
  | { k: "column"; at: number }
  | { k: "skip"; n: number }
  | { k: "hold" };

const FORMAT = /^(\$?)([A-Za-z_]*?)(\d*)\.(\d*)$/;

/** A format written right after a variable (`$10.`, `best12.`, `8.2`), and how many tokens it took. */
function formatAt(tokens: Token[], i: number): { format: Format; used: number } | null {
  let text = "";
  let j = i;
  while (j < tokens.length && (j === i || !tokens[j]!.spaced)) {
    text += tokens[j]!.text;
    j += 1;
    const m = FORMAT.exec(text);
    if (m && (j >= tokens.length || tokens[j]!.spaced || !/^[\d.]/.test(tokens[j]!.text))) {
      return { format: { char: m[1] === "$", name: m[2]!.toUpperCase(), width: m[3] ? Number(m[3]) : null, decimals: m[4] ? Number(m[4]) : null }, used: j - i };
    }
  }
  return null;
}

export function parsePut(tokens: Token[]): PutItem[] {
  const items: PutItem[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const t = tokens[i]!;
    const op = t.kind === "op" ? t.text : null;
    if (t.kind === "str") items.push({ k: "text", text: String(t.value) });
    else if (t.kind === "num" && operatorOf(tokens[i + 1]) === "*" && tokens[i + 2]?.kind === "str") {
      items.push({ k: "text", text: String(tokens[i + 2]!.value).repeat(Math.max(0, Math.min(MAX_LENGTH, Number(t.value)))) });
      i += 2;
    } else if (t.kind === "name" && t.text.toUpperCase() === "_ALL_") items.push({ k: "all" });
    else if (t.kind === "name" && !/^_(INFILE|PAGE|BLANKPAGE|ODS)_$/i.test(t.text)) {
      let named = false;
      if (operatorOf(tokens[i + 1]) === "=") {
        named = true;
        i += 1;
      }
      let modified = false;
      if (tokens[i + 1]?.text === ":" || tokens[i + 1]?.text === "~") {
        modified = true;
        i += 1;
      }
      const found = tokens[i + 1] && (tokens[i + 1]!.kind !== "str" || modified) ? formatAt(tokens, i + 1) : null;
      if (modified && !found) throw new SasSyntaxError("22-322: Syntax error, expecting a format.");
      if (found) i += found.used;
      items.push({ k: "var", name: t.text, named, format: found?.format ?? null, modified });
    } else if (op === "/") items.push({ k: "newline" });
    else if ((op === "@" || op === "+") && tokens[i + 1]?.kind === "num") {
      const n = Math.min(MAX_LENGTH, Number(tokens[i + 1]!.value));
      items.push(op === "@" ? { k: "column", at: n } : { k: "skip", n });
      i += 1;
    } else if (op === "@" && i >= tokens.length - 2) {
      items.push({ k: "hold" });
      if (tokens[i + 1]?.text === "@") i += 1;
    } else throw new SasSyntaxError(INVALID_STATEMENT);
  }
  return items;
}

function applyFormat(v: Value, f: Format): string {
  if (f.char || isChar(v)) {
    const t = toText(v);
    return f.width === null ? t : t.slice(0, f.width).padEnd(f.width);
  }
  const w = f.width ?? (f.name === "BEST" ? 12 : 8);
  if (v === null) return ".".padStart(w);
  if (f.name === "BEST" || f.name === "") {
    const text = f.name === "" ? (f.decimals ? v.toFixed(f.decimals) : String(Math.round(v))) : best(v, w);
    return text.length > w ? best(v, w).padStart(w) : text.padStart(w);
  }
  throw new SasSyntaxError(`48-59: The format ${f.name} was not found or could not be loaded.`);
}

interface Variable {
  name: string;
  value: Value;
}

const listText = (v: Value) => (isChar(v) ? strip(v) : best(v));

interface FileBuffer {
  name: string;
  path: string;
  mode: "replace" | "append";
  records: string[];
}

/** Where PUT writes: the log, the listing (PRINT), or files, buffered until the step ends. */
export class Outputs {
  private current: FileBuffer | "LOG" | "PRINT" = "LOG";
  private readonly files = new Map<string, FileBuffer>();
  private held: string | null = null;
  private buffered = 0;

  constructor(private readonly job: SasJob) {}

  /** The FILE statement; false (after an ERROR line) when the target cannot be written. */
  async select(target: string, quoted: boolean, mod: boolean): Promise<boolean> {
    if (!quoted && (target === "LOG" || target === "PRINT")) {
      this.current = target;
      return true;
    }
    let path: string | null;
    if (quoted) path = areaPath(target);
    else {
      path = await this.job.area.resolve(target);
      if (path === null && target === "_WEBOUT") {
        await this.job.area.assign(target, null, "TEMP");
        path = await this.job.area.resolve(target);
      }
      if (path === null) {
        this.job.error(`No logical assign for filename ${target}.`);
        return false;
      }
    }
    if (path === null) {
      this.job.error(`Invalid physical name for file ${target}.`);
      return false;
    }
    let buffer = this.files.get(path);
    if (!buffer) {
      buffer = { name: quoted ? path : target, path, mode: mod ? "append" : "replace", records: [] };
      this.files.set(path, buffer);
    }
    this.current = buffer;
    return true;
  }

  /** One record to the current output; false when a file's records would not fit in the work area. */
  record(text: string): boolean {
    const line = text.replace(/ +$/, "");
    if (this.current === "LOG") this.job.message(line);
    else if (this.current === "PRINT") this.job.listing(line);
    else {
      this.buffered += line.length + 1;
      if (this.buffered > this.job.limits.workAreaBytes) {
        this.job.error(`The work area limit of ${this.job.limits.workAreaBytes} bytes would be exceeded.`);
        return false;
      }
      this.current.records.push(line);
    }
    return true;
  }

  /** One PUT statement; false when its records cannot be kept. */
  put(items: PutItem[], lookup: (name: string) => Variable | null, all: Variable[], toLog: boolean): boolean {
    let line = this.held ?? "";
    this.held = null;
    let ok = true;
    const emit = (text: string) => {
      if (toLog) this.job.message(text.replace(/ +$/, ""));
      else ok = this.record(text) && ok;
    };
    for (const item of items) {
      switch (item.k) {
        case "text":
          line += item.text;
          break;
        case "var": {
          const v = lookup(item.name);
          const value = v?.value ?? null;
          const shown = item.format ? applyFormat(value, item.format) : listText(value);
          line += `${item.named ? `${v?.name ?? item.name}=` : ""}${item.modified ? strip(shown) : shown}${item.format && !item.modified ? "" : " "}`;
          break;
        }
        case "all":
          for (const v of all) line += `${v.name}=${listText(v.value)} `;
          line += "_ERROR_=0 _N_=1 ";
          break;
        case "newline":
          emit(line);
          line = "";
          break;
        case "column":
          line = line.slice(0, Math.max(0, item.at - 1)).padEnd(Math.max(0, item.at - 1));
          break;
        case "skip":
          line += " ".repeat(Math.max(0, item.n));
          break;
        case "hold":
          this.held = line;
          return ok;
      }
    }
    emit(line);
    return ok;
  }

  /** Writes the buffered files and their NOTEs; false when the work area refused one. */
  async flush(): Promise<boolean> {
    if (this.held !== null) this.record(this.held);
    this.held = null;
    let ok = true;
    for (const f of this.files.values()) {
      const bytes = new TextEncoder().encode(f.records.map((r) => `${r}\n`).join(""));
      try {
        await this.job.area.write(f.path, bytes, f.mode);
      } catch (e) {
        if (!(e instanceof WorkAreaError)) throw e;
        this.job.error(e.message);
        ok = false;
        continue;
      }
      const n = f.records.length;
      const lengths = f.records.map((r) => r.length);
      this.job.note(`The file ${f.name} is:\n      Filename=${f.path}`);
      this.job.note(
        n === 0
          ? `0 records were written to the file ${f.name}.`
          : `${n} record${n === 1 ? " was" : "s were"} written to the file ${f.name}.\n      The minimum record length was ${Math.min(...lengths)}.\n      The maximum record length was ${Math.max(...lengths)}.`,
      );
    }
    return ok;
  }
}

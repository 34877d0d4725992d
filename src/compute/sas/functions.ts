import { areaPath } from "../session-data.js";
import { WorkAreaError } from "../types.js";
import { WORK_PATH, type SasJob, optionName } from "./session.js";
import { type Value, best, datetimeText, isChar, sasDate, sasDatetime, strip, toNumber, toText, trimEnd } from "./values.js";

/**
 * The functions of the DATA step, shared by %SYSFUNC: the same code answers `fexist('x')`
 * in a step and `%sysfunc(fexist(x))` in open code. Each declares its arity, the kind of
 * each argument (`n` numeric, `c` character, for %SYSFUNC's conversion of its text
 * arguments; the last kind repeats) and what it returns.
 */

export interface FunctionContext {
  job: SasJob;
  /** Macro-resolves text (the RESOLVE function). */
  resolve(text: string): Promise<string>;
}

export interface SasFunction {
  min: number;
  max: number;
  kinds: string;
  returns: "n" | "c";
  run(fx: FunctionContext, args: Value[]): Value | Promise<Value>;
}

const c = (v: Value | undefined): string => (v === undefined ? "" : toText(v));
const n = (v: Value | undefined): number | null => (v === undefined ? null : toNumber(v));
const text = (v: Value | undefined) => trimEnd(c(v));

/** The area path of a fileref, or null when it is not assigned. */
async function filerefPath(fx: FunctionContext, ref: string): Promise<string | null> {
  const name = strip(ref).toUpperCase();
  return /^[A-Z_][A-Z0-9_]{0,31}$/.test(name) ? fx.job.area.resolve(name) : null;
}

/** What is at an area path; the WORK library's directory is always there. */
const entryAt = (fx: FunctionContext, path: string) => (path === WORK_PATH ? Promise.resolve({ kind: "directory" as const }) : fx.job.area.stat(path));

async function fileInfo(fx: FunctionContext, fid: number | null) {
  const open = fid === null ? undefined : fx.job.state.files.get(fid);
  if (!open) return null;
  const entry = await fx.job.area.stat(open.path);
  if (entry?.kind !== "file") return null;
  return {
    Filename: open.path,
    "Owner Name": fx.job.getVariable("SYSUSERID") ?? "",
    "Group Name": "sessionhub",
    "Access Permission": "-rw-r--r--",
    "Last Modified": datetimeText(entry.modifiedAt),
    "File Size (bytes)": String(entry.size),
  };
}

const fn = (min: number, max: number, kinds: string, returns: "n" | "c", run: SasFunction["run"]): SasFunction => ({ min, max, kinds, returns, run });

const catArgs = (args: Value[]) => args.map((v) => (isChar(v) ? strip(v) : best(v)));

export const FUNCTIONS: Record<string, SasFunction> = {
  // Macro facility
  RESOLVE: fn(1, 1, "c", "c", (fx, [t]) => fx.resolve(c(t))),
  SYMGET: fn(1, 1, "c", "c", (fx, [name]) => fx.job.getVariable(text(name).trim()) ?? ""),
  SYMEXIST: fn(1, 1, "c", "n", (fx, [name]) => (fx.job.getVariable(text(name).trim()) === null ? 0 : 1)),
  GETOPTION: fn(1, 2, "c", "c", (fx, [name]) => fx.job.state.options.get(optionName(text(name).trim())) ?? ""),

  // Data sets: the only library is WORK, which holds none.
  EXIST: fn(1, 3, "c", "n", () => 0),

  // External files, over the session's work area
  PATHNAME: fn(1, 2, "c", "c", async (fx, [ref]) => {
    const name = text(ref).trim().toUpperCase();
    return (await filerefPath(fx, name)) ?? fx.job.state.librefs.get(name) ?? "";
  }),
  FEXIST: fn(1, 1, "c", "n", async (fx, [ref]) => {
    const path = await filerefPath(fx, c(ref));
    return path !== null && (await entryAt(fx, path)) !== null ? 1 : 0;
  }),
  FILEEXIST: fn(1, 1, "c", "n", async (fx, [raw]) => {
    const path = areaPath(text(raw));
    return path !== null && (await entryAt(fx, path)) !== null ? 1 : 0;
  }),
  FILENAME: fn(1, 4, "c", "n", async (fx, [ref, path, device]) => {
    const name = strip(c(ref)).toUpperCase();
    if (!/^[A-Z_][A-Z0-9_]{0,31}$/.test(name)) return 20004;
    const target = path === undefined ? "" : text(path);
    const temp = text(device).trim().toUpperCase() === "TEMP";
    try {
      await fx.job.area.assign(name, target === "" && !temp ? null : target || null, temp ? "TEMP" : "DISK");
      return 0;
    } catch (e) {
      if (e instanceof WorkAreaError) return 20006;
      throw e;
    }
  }),
  FOPEN: fn(1, 4, "ccnc", "n", async (fx, [ref, mode]) => {
    const name = strip(c(ref)).toUpperCase();
    const path = await filerefPath(fx, name);
    if (path === null) return 0;
    const how = text(mode).trim().toUpperCase() || "I";
    const entry = await entryAt(fx, path);
    if (entry?.kind === "directory") return 0;
    if (how === "O" || how === "A" || how === "U") {
      try {
        if (how === "O" || !entry) await fx.job.area.write(path, new Uint8Array(0), how === "O" ? "replace" : "append");
      } catch (e) {
        if (e instanceof WorkAreaError) return 0;
        throw e;
      }
    } else if (!entry) return 0;
    return fx.job.state.open({ ref: name, path });
  }),
  FCLOSE: fn(1, 1, "n", "n", (fx, [fid]) => (fx.job.state.files.delete(n(fid) ?? -1) ? 0 : 20001)),
  FOPTNUM: fn(1, 1, "n", "n", async (fx, [fid]) => {
    const info = await fileInfo(fx, n(fid));
    return info ? Object.keys(info).length : 0;
  }),
  FOPTNAME: fn(2, 2, "n", "c", async (fx, [fid, i]) => {
    const info = await fileInfo(fx, n(fid));
    return (info && Object.keys(info)[(n(i) ?? 0) - 1]) ?? "";
  }),
  FINFO: fn(2, 2, "nc", "c", async (fx, [fid, item]) => {
    const info = await fileInfo(fx, n(fid));
    const wanted = text(item).trim().toLowerCase();
    return (info && Object.entries(info).find(([k]) => k.toLowerCase() === wanted)?.[1]) ?? "";
  }),
  FDELETE: fn(1, 1, "c", "n", async (fx, [ref]) => {
    const path = await filerefPath(fx, c(ref));
    if (path === null || (await fx.job.area.stat(path))?.kind !== "file") return 20006;
    await fx.job.area.remove(path);
    return 0;
  }),

  // Character
  TRIM: fn(1, 1, "c", "c", (_fx, [s]) => trimEnd(c(s)) || " "),
  TRIMN: fn(1, 1, "c", "c", (_fx, [s]) => trimEnd(c(s))),
  STRIP: fn(1, 1, "c", "c", (_fx, [s]) => strip(c(s))),
  LEFT: fn(1, 1, "c", "c", (_fx, [s]) => {
    const v = c(s);
    const t = v.replace(/^ +/, "");
    return t.padEnd(v.length);
  }),
  UPCASE: fn(1, 1, "c", "c", (_fx, [s]) => c(s).toUpperCase()),
  LOWCASE: fn(1, 1, "c", "c", (_fx, [s]) => c(s).toLowerCase()),
  LENGTH: fn(1, 1, "c", "n", (_fx, [s]) => Math.max(1, trimEnd(c(s)).length)),
  LENGTHN: fn(1, 1, "c", "n", (_fx, [s]) => trimEnd(c(s)).length),
  LENGTHC: fn(1, 1, "c", "n", (_fx, [s]) => c(s).length),
  CATS: fn(1, 1000, "c", "c", (_fx, args) => catArgs(args).join("")),
  CATT: fn(1, 1000, "c", "c", (_fx, args) => args.map((v) => (isChar(v) ? trimEnd(v) : best(v))).join("")),
  CAT: fn(1, 1000, "c", "c", (_fx, args) => args.map(c).join("")),
  CATX: fn(2, 1000, "c", "c", (_fx, [sep, ...args]) => catArgs(args).filter((s) => s !== "").join(trimEnd(c(sep)))),
  SUBSTR: fn(2, 3, "cnn", "c", (_fx, [s, pos, len]) => {
    const v = c(s);
    const start = (n(pos) ?? 1) - 1;
    return len === undefined ? v.slice(start) : v.slice(start, start + (n(len) ?? 0));
  }),
  INDEX: fn(2, 2, "c", "n", (_fx, [s, sub]) => c(s).indexOf(c(sub)) + 1),
  FIND: fn(2, 4, "ccc", "n", (_fx, [s, sub, mods]) =>
    /i/i.test(text(mods)) ? c(s).toLowerCase().indexOf(trimEnd(c(sub)).toLowerCase()) + 1 : c(s).indexOf(trimEnd(c(sub))) + 1,
  ),
  SCAN: fn(2, 3, "cnc", "c", (_fx, [s, i, delims]) => {
    const d = delims === undefined ? " !$%&()*+,-./;<^|" : c(delims);
    const words = c(s).split(new RegExp(`[${d.replace(/[\]\\^-]/g, "\\$&")}]+`)).filter((w) => w !== "");
    const k = n(i) ?? 0;
    return (k > 0 ? words[k - 1] : words[words.length + k]) ?? "";
  }),
  COMPRESS: fn(1, 2, "c", "c", (_fx, [s, chars]) => {
    const drop = chars === undefined ? " " : c(chars);
    return [...c(s)].filter((ch) => !drop.includes(ch)).join("");
  }),
  TRANWRD: fn(3, 3, "c", "c", (_fx, [s, from, to]) => {
    const target = c(from);
    return target === "" ? c(s) : c(s).split(target).join(c(to));
  }),
  QUOTE: fn(1, 2, "c", "c", (_fx, [s, q]) => {
    const mark = text(q) === "'" ? "'" : '"';
    return mark + trimEnd(c(s)).split(mark).join(mark + mark) + mark;
  }),
  DEQUOTE: fn(1, 1, "c", "c", (_fx, [s]) => {
    const v = strip(c(s));
    const q = v[0];
    return (q === "'" || q === '"') && v.endsWith(q) && v.length >= 2 ? v.slice(1, -1).split(q + q).join(q) : v;
  }),
  REVERSE: fn(1, 1, "c", "c", (_fx, [s]) => [...c(s)].reverse().join("")),
  REPEAT: fn(2, 2, "cn", "c", (_fx, [s, k]) => c(s).repeat(Math.max(0, Math.min(32767, (n(k) ?? 0) + 1)))),

  // Numeric
  SUM: fn(1, 1000, "n", "n", (_fx, args) => {
    const xs = args.map(n).filter((x): x is number => x !== null);
    return xs.length ? xs.reduce((a, b) => a + b, 0) : null;
  }),
  MIN: fn(1, 1000, "n", "n", (_fx, args) => {
    const xs = args.map(n).filter((x): x is number => x !== null);
    return xs.length ? Math.min(...xs) : null;
  }),
  MAX: fn(1, 1000, "n", "n", (_fx, args) => {
    const xs = args.map(n).filter((x): x is number => x !== null);
    return xs.length ? Math.max(...xs) : null;
  }),
  ABS: fn(1, 1, "n", "n", (_fx, [x]) => (n(x) === null ? null : Math.abs(n(x)!))),
  INT: fn(1, 1, "n", "n", (_fx, [x]) => (n(x) === null ? null : Math.trunc(n(x)!))),
  CEIL: fn(1, 1, "n", "n", (_fx, [x]) => (n(x) === null ? null : Math.ceil(n(x)!))),
  FLOOR: fn(1, 1, "n", "n", (_fx, [x]) => (n(x) === null ? null : Math.floor(n(x)!))),
  ROUND: fn(1, 2, "n", "n", (_fx, [x, unit]) => {
    const v = n(x);
    const u = unit === undefined ? 1 : n(unit);
    return v === null || !u ? v : Math.round(v / u) * u;
  }),
  MOD: fn(2, 2, "n", "n", (_fx, [x, y]) => (n(x) === null || !n(y) ? null : n(x)! % n(y)!)),
  MISSING: fn(1, 1, "c", "n", (_fx, [x]) => (x === null || (isChar(x!) && x.trim() === "") ? 1 : 0)),

  // Dates, in UTC
  TODAY: fn(0, 0, "", "n", () => sasDate(Date.now())),
  DATE: fn(0, 0, "", "n", () => sasDate(Date.now())),
  DATETIME: fn(0, 0, "", "n", () => sasDatetime(Date.now())),
};

/** The value of a %SYSFUNC argument: text, or a number where the function takes one. */
export function sysfuncArgument(f: SasFunction, index: number, raw: string): Value {
  const kind = f.kinds[Math.min(index, f.kinds.length - 1)] ?? "c";
  return kind === "n" ? toNumber(raw) : raw;
}

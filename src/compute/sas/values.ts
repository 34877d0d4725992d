/**
 * SAS values: a number (`null` is the numeric missing value) or a character string.
 * Character variables hold their value padded with blanks to their length, as SAS does;
 * intermediate results are not padded.
 */
export type Value = number | null | string;

export const isChar = (v: Value): v is string => typeof v === "string";

/** The BESTw. format: the most precise text of at most `w` characters, not aligned. */
export function best(n: number | null, w = 12): string {
  if (n === null || Number.isNaN(n)) return ".";
  for (let precision = Math.min(w, 15); precision >= 1; precision -= 1) {
    const text = plainText(Number(n.toPrecision(precision)));
    if (text.length <= w) return text;
  }
  return "*".repeat(w);
}

const plainText = (x: number) => String(Object.is(x, -0) ? 0 : x).replace("e+", "E").replace("e-", "E-");

/** A number as SAS converts it to character: BEST12., right-aligned. */
export const numberText = (n: number | null): string => best(n, 12).padStart(12);

/** Character text as SAS reads it as a number; null when it is not one (or blank). */
export function textNumber(s: string): number | null {
  const t = s.trim();
  if (t === "" || t === ".") return null;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return null;
  return Number(t);
}

export const toNumber = (v: Value): number | null => (isChar(v) ? textNumber(v) : v);
export const toText = (v: Value): string => (isChar(v) ? v : numberText(v));

/** The longest character value SAS holds. */
export const MAX_LENGTH = 32_767;

/** Fits a character value to a variable's length: truncated or padded with blanks. */
export const fit = (s: string, length: number): string => (s.length >= length ? s.slice(0, length) : s.padEnd(length));

export const trimEnd = (s: string) => s.replace(/ +$/, "");
export const strip = (s: string) => s.replace(/^ +| +$/g, "");

/** Text of a value as a %SYSFUNC or CALL SYMPUTX result: numbers by BEST, characters without outer blanks. */
export const macroText = (v: Value, w = 12): string => (isChar(v) ? strip(v) : best(v, w));

/** True for SAS conditions: numbers other than 0 and missing; characters that read as such a number. */
export function truthy(v: Value): boolean {
  const n = toNumber(v);
  return n !== null && n !== 0;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const two = (n: number) => String(n).padStart(2, "0");

/** `15MAR2024:10:22:33` (DATETIME.), in UTC. */
export function datetimeText(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getUTCDate())}${MONTHS[d.getUTCMonth()]}${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

/** The date parts SAS's automatic variables use: SYSDATE (`15MAR24`), SYSDATE9, SYSDAY, SYSTIME. */
export function dateParts(ms: number): { date7: string; date9: string; day: string; time: string } {
  const d = new Date(ms);
  const date9 = `${two(d.getUTCDate())}${MONTHS[d.getUTCMonth()]}${d.getUTCFullYear()}`;
  return { date7: date9.slice(0, 5) + date9.slice(7), date9, day: DAYS[d.getUTCDay()]!, time: `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}` };
}

/** SAS date and datetime values count from 1 January 1960. */
const EPOCH_1960 = Date.UTC(1960, 0, 1);
export const sasDate = (ms: number) => Math.floor((ms - EPOCH_1960) / 86_400_000);
export const sasDatetime = (ms: number) => Math.floor((ms - EPOCH_1960) / 1000);

/**
 * Django REST Framework's field rules, as Roundware clients meet them: the coercions
 * and the exact messages of CharField, BooleanField and PrimaryKeyRelatedField.
 */

export const MESSAGES = {
  required: "This field is required.",
  null: "This field may not be null.",
  blank: "This field may not be blank.",
  string: "Not a valid string.",
  boolean: "Must be a valid boolean.",
  maxLength: (n: number) => `Ensure this field has no more than ${n} characters.`,
  pkType: (type: string) => `Incorrect type. Expected pk value, received ${type}.`,
  pkMissing: (raw: string) => `Invalid pk "${raw}" - object does not exist.`,
};

export type Checked<T> = { value: T; error?: undefined } | { value?: undefined; error: string };

const ok = <T>(value: T): Checked<T> => ({ value });
const fail = (error: string): Checked<never> => ({ error });

/** Length in Unicode code points, as Python counts. */
export const codePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n += 1;
  return n;
};

export interface CharOptions {
  allowNull?: boolean;
  allowBlank?: boolean;
  maxLength?: number;
  /** Passwords keep their whitespace. */
  trim?: boolean;
}

/** A string field: JSON strings (trimmed) and numbers (as their decimal text). */
export function charField(value: unknown, opts: CharOptions = {}): Checked<string | null> {
  if (value === null) return opts.allowNull ? ok(null) : fail(MESSAGES.null);
  if (typeof value !== "string" && typeof value !== "number") return fail(MESSAGES.string);
  const text = typeof value === "number" ? String(value) : opts.trim === false ? value : value.trim();
  if (text === "" && opts.allowBlank === false) return fail(MESSAGES.blank);
  if (opts.maxLength !== undefined && codePoints(text) > opts.maxLength) return fail(MESSAGES.maxLength(opts.maxLength));
  return ok(text);
}

const TRUE = new Set<unknown>([true, 1, "true", "True", "TRUE", "t", "T", "yes", "Yes", "YES", "y", "Y", "on", "On", "ON", "1"]);
const FALSE = new Set<unknown>([false, 0, "false", "False", "FALSE", "f", "F", "no", "No", "NO", "n", "N", "off", "Off", "OFF", "0"]);

export function booleanField(value: unknown): Checked<boolean> {
  if (value === null) return fail(MESSAGES.null);
  if (TRUE.has(value)) return ok(true);
  if (FALSE.has(value)) return ok(false);
  return fail(MESSAGES.boolean);
}

function pythonTypeName(value: unknown): string {
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  if (typeof value === "string") return "str";
  return Array.isArray(value) ? "list" : "dict";
}

/**
 * A primary key as sent: an integer, a string of digits, or an integral float. `pk` is
 * null when the text can name no row (beyond the integer range), so a lookup fails
 * with the "does not exist" message; `raw` is the value as the message quotes it.
 */
export function pkField(value: unknown): Checked<{ pk: number | null; raw: string }> {
  if (typeof value === "number" && Number.isInteger(value)) return ok({ pk: Number.isSafeInteger(value) ? value : null, raw: String(value) });
  if (typeof value === "string" && /^\s*[+-]?[0-9]+\s*$/.test(value)) {
    const pk = Number(value.trim());
    return ok({ pk: Number.isSafeInteger(pk) ? pk : null, raw: value });
  }
  return fail(MESSAGES.pkType(pythonTypeName(value)));
}

/** An id in a path: digits only (leading zeros allowed), within the integer range. */
export function pathId(text: string): number | null {
  if (!/^[0-9]{1,20}$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}

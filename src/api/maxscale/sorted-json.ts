/**
 * JSON with every object's keys sorted, as MaxScale writes its documents (jansson's
 * `JSON_SORT_KEYS`: byte order of the UTF-8 keys, which is code point order).
 *
 * The fast way is a copy with sorted keys for the native `JSON.stringify` — and no copy
 * at all of the objects whose keys are already in order, as the renderers emit them. A
 * JavaScript object cannot hold every order, though: it enumerates integer-like keys
 * ("2", "10") first and ascending. A document with such keys out of place (only ever in
 * client-supplied JSON) is written by hand instead.
 */
export function sortedJson(value: unknown, indent = 0): string {
  return sortedWriter(value)(indent);
}

/** Sorts once, for writing the same value several ways (compact for an ETag, pretty for the body). */
export function sortedWriter(value: unknown): (indent: number) => string {
  const sorted = sortKeys(value);
  if (sorted !== UNORDERABLE) return (indent) => JSON.stringify(sorted, null, indent) ?? "null";
  return (indent) => write(value, "", indent > 0 ? " ".repeat(indent) : "");
}

const UNORDERABLE = Symbol("unorderable");

/** Values a renderer built with every key in order, all the way down: not walked again. */
const PRESORTED = new WeakSet<object>();

/**
 * Marks a value whose objects all have their keys in code point order, and no
 * integer-like keys: sorting would return it as it is, so it is not looked through.
 * For values built from fixed keys only (a contract test holds the renderer to it).
 */
export function presorted<T extends object>(value: T): T {
  PRESORTED.add(value);
  return value;
}

/**
 * Code point order. It differs from the default UTF-16 order only where a surrogate meets
 * a code unit above it, so the common case compares code units and stops at the first
 * difference, as `<` does.
 */
function compare(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return x < 0xd800 && y < 0xd800 ? x - y : byCodePoint(a, b);
  }
  return a.length - b.length;
}

function byCodePoint(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; ) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    i += x > 0xffff ? 2 : 1;
  }
  return a.length - b.length;
}

function inOrder(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i += 1) if (compare(keys[i - 1]!, keys[i]!) > 0) return false;
  return true;
}

/** The value with sorted keys throughout: itself where nothing moves. */
function sortKeys(v: unknown): unknown {
  if (v === null || typeof v !== "object" || PRESORTED.has(v)) return v;
  if (Array.isArray(v)) {
    let copy: unknown[] | null = null;
    for (let i = 0; i < v.length; i += 1) {
      const item = sortKeys(v[i]);
      if (item === UNORDERABLE) return UNORDERABLE;
      if (item !== v[i]) (copy ??= v.slice())[i] = item;
    }
    return copy ?? v;
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (!inOrder(keys)) return sortedCopy(o, keys.sort(compare));
  // The renderers' objects are in order already: a copy is made only when a value moves.
  let copy: Record<string, unknown> | null = null;
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i]!;
    const value = sortKeys(o[key]);
    if (value === UNORDERABLE) return UNORDERABLE;
    if (copy === null && value !== o[key]) {
      copy = {};
      for (let j = 0; j < i; j += 1) copy[keys[j]!] = o[keys[j]!];
    }
    if (copy !== null) copy[key] = value;
  }
  if (copy === null) return o;
  return inOrder(Object.keys(copy)) ? copy : UNORDERABLE;
}

function sortedCopy(o: Record<string, unknown>, order: string[]): unknown {
  const copy: Record<string, unknown> = {};
  for (const key of order) {
    const value = sortKeys(o[key]);
    if (value === UNORDERABLE) return UNORDERABLE;
    copy[key] = value;
  }
  return inOrder(Object.keys(copy)) ? copy : UNORDERABLE;
}

/** What `JSON.stringify` leaves out of objects (and writes as null in arrays). */
const isValue = (v: unknown) => v !== undefined && typeof v !== "function" && typeof v !== "symbol";

function write(v: unknown, pad: string, step: string): string {
  if (v === null || typeof v !== "object") return isValue(v) ? JSON.stringify(v) : "null";
  const inner = pad + step;
  const open = step ? `\n${inner}` : "";
  const comma = step ? `,\n${inner}` : ",";
  const close = step ? `\n${pad}` : "";
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    return `[${open}${v.map((item) => write(item, inner, step)).join(comma)}${close}]`;
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => isValue(o[k]))
    .sort(compare);
  if (keys.length === 0) return "{}";
  const colon = step ? ": " : ":";
  return `{${open}${keys.map((k) => `${JSON.stringify(k)}${colon}${write(o[k], inner, step)}`).join(comma)}${close}}`;
}

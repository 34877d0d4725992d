import { invalid } from "./errors.js";

/**
 * Whether a JSON value nests objects and arrays more than `limit` levels deep (a scalar
 * is 0 levels, `{"a":1}` is 1). Walked with an explicit stack rather than by recursion,
 * so a value nested 100,000 levels deep costs `limit` steps down that path and cannot
 * overflow the call stack.
 */
export function deeperThan(value: unknown, limit: number): boolean {
  const stack: { node: object; depth: number }[] = [];
  if (typeof value === "object" && value !== null) stack.push({ node: value, depth: 1 });
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (depth > limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === "object" && child !== null) stack.push({ node: child, depth: depth + 1 });
    }
  }
  return false;
}

/**
 * Refuses a document the core would store that nests deeper than `limit` levels: deeper
 * documents are nothing a client needs, and SQLite's JSON functions and recursive
 * serialisers fail on them. `pointer` names the field in the caller's terms.
 */
export function checkDepth(value: unknown, limit: number, pointer: string): void {
  if (!deeperThan(value, limit)) return;
  throw invalid(`${pointer.slice(1) || "The document"} is nested deeper than ${limit} levels.`, [
    { pointer, detail: `nested deeper than ${limit} levels` },
  ]);
}

/**
 * Every path of the family, the methods it offers and which of them need no
 * credentials. The hooks use it to authenticate before 404 and 405 (DRF authenticates
 * before it dispatches), to answer OPTIONS, and to build `Allow`.
 */
export interface PathSpec {
  path: string;
  methods: readonly string[];
  /** Methods that need no credentials; `*` for every method (the answer may be a 405). */
  open: readonly string[];
  pattern: RegExp;
  allow: string;
}

function spec(path: string, methods: string[], open: string[] = []): PathSpec {
  const body = path.replace(/:id/g, "[^/]+");
  const pattern = new RegExp(`^${body === "/" ? "" : body}/?$`);
  const allow = [...methods, ...(methods.includes("GET") ? ["HEAD"] : []), "OPTIONS"].join(", ");
  return { path, methods, open, pattern, allow };
}

/** Static paths come before parametric ones, as the router orders them. */
export const PATHS: readonly PathSpec[] = [
  spec("/", ["GET"], ["*"]),
  spec("/users", ["GET", "POST"], ["POST"]),
  spec("/users/:id", ["GET"]),
  spec("/login", ["POST"], ["*"]),
  spec("/sessions", ["GET", "POST"]),
  spec("/sessions/count", ["GET"]),
  spec("/sessions/:id", ["GET"]),
  spec("/projects", ["GET"]),
  spec("/projects/:id", ["GET"]),
  spec("/languages", ["GET", "POST"]),
  spec("/languages/:id", ["GET", "PATCH", "DELETE"]),
];

/** The spec of a path relative to the family's prefix (query string removed). */
export function findPath(relative: string): PathSpec | undefined {
  return PATHS.find((p) => p.pattern.test(relative));
}

export const needsCredentials = (p: PathSpec, method: string): boolean => !(p.open.includes("*") || p.open.includes(method));

export const offers = (p: PathSpec, method: string): boolean => p.methods.includes(method) || (method === "HEAD" && p.methods.includes("GET"));

/**
 * Every path of the family, the methods it offers and which of them need no
 * credentials. Each becomes routes: the offered methods (in routes/), OPTIONS with
 * `Allow`, and a 405 for every other method — so that the router, not the URL's text,
 * decides what a request reaches, and the edge authenticates before a 404 or 405 on a
 * known path, as DRF authenticates before it dispatches.
 */
export interface PathSpec {
  path: string;
  methods: readonly string[];
  /** Methods that need no credentials; `*` for every method (the answer may be a 405). */
  open: readonly string[];
  allow: string;
}

function spec(path: string, methods: string[], open: string[] = []): PathSpec {
  const allow = [...methods, ...(methods.includes("GET") ? ["HEAD"] : []), "OPTIONS"].join(", ");
  return { path, methods, open, allow };
}

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

export const isOpen = (p: PathSpec, method: string): boolean => p.open.includes("*") || p.open.includes(method);

export const offers = (p: PathSpec, method: string): boolean => p.methods.includes(method) || (method === "HEAD" && p.methods.includes("GET"));

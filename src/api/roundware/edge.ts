import type { AuthFailure } from "../../auth/authenticate.js";
import type { ApiEdge, EdgeAnswer } from "../../http/edge/api.js";

/** DRF TokenAuthentication's messages, one per failure reason (contract §5.2). */
const FAILURES: Record<AuthFailure, string> = {
  missing: "Authentication credentials were not provided.",
  "no-credentials": "Invalid token header. No credentials provided.",
  "has-spaces": "Invalid token header. Token string should not contain spaces.",
  "bad-characters": "Invalid token header. Token string should not contain invalid characters.",
  malformed: "Invalid token.",
  invalid: "Invalid token.",
  inactive: "User inactive or deleted.",
};

const answer = (status: number, detail: string, headers: Record<string, string> = {}): EdgeAnswer => ({
  status,
  headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
  body: JSON.stringify({ detail }),
});

/**
 * Roundware at the edge: `token`, `Bearer` and `jwt` credentials (no HTTP Basic, no
 * cookies: no ambient credentials); unknown paths are 404 to anyone, as Django resolves
 * the URL before DRF authenticates; errors are DRF's `{"detail": ...}`.
 */
export const roundwareEdge: ApiEdge = {
  name: "roundware",
  schemes: ["token", "bearer", "jwt"],
  authenticateUnknownPaths: false,
  takesPasswords: true,
  error: (status, message) => answer(status, status === 404 ? "Not found." : message),
  unauthenticated: (failure) => answer(401, FAILURES[failure], { "www-authenticate": "Token" }),
};

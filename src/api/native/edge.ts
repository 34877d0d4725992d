import type { AuthFailure } from "../../auth/authenticate.js";
import type { ApiEdge } from "../../http/edge/api.js";
import { problem, problemAnswer } from "../../http/problem.js";

const FAILURE_TEXT: Record<AuthFailure, string> = {
  missing: "Send credentials: Authorization: Bearer <API token or JWT>, token <key>, jwt <JWT> or Basic.",
  "no-credentials": "The Authorization header names a scheme but no credentials.",
  "has-spaces": "The Authorization header has more than one credential.",
  "bad-characters": "The credentials contain characters that are not printable ASCII.",
  malformed: "The credentials cannot be decoded.",
  invalid: "The credentials are not valid: unknown, revoked, expired or wrong.",
  inactive: "The user is disabled.",
};

/** The native API at the edge: every scheme sessionhub knows; unknown paths are authenticated first; problem details. */
export const nativeEdge: ApiEdge = {
  name: "native",
  schemes: ["bearer", "token", "jwt", "basic"],
  authenticateUnknownPaths: true,
  takesPasswords: true,
  error: (status, message, req) => problemAnswer(problem(status, message, { instance: req.path })),
  unauthenticated: (failure, req) =>
    problemAnswer(problem(401, FAILURE_TEXT[failure], { type: "unauthenticated", title: "Unauthenticated", instance: req.path }), {
      "www-authenticate": failure === "missing" ? 'Bearer realm="sessionhub"' : 'Bearer realm="sessionhub", error="invalid_token"',
    }),
};

import type { AuthFailure } from "../../auth/authenticate.js";
import type { ApiEdge, EdgeAnswer } from "../../http/edge/api.js";
import { type ErrorBody, MESSAGES, body, notFoundBody, unauthenticatedBody } from "./errors.js";

const answer = (err: ErrorBody, headers: Record<string, string> = {}): EdgeAnswer => ({
  status: err.status,
  headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  body: JSON.stringify(err),
});

function fromStatus(status: number, message: string): ErrorBody {
  if (status === 404) return notFoundBody();
  if (status === 503) return body(503, "api-002", MESSAGES.internal);
  return body(status, "api-003", `${MESSAGES.invalid} ${message}`);
}

/**
 * The game routes at the edge: a JWT (`jwt`, `Bearer`) or an API token (`Bearer`,
 * `token`); unknown paths are 404 to anyone; errors are the framework's `{code, status, message}`.
 */
export const gameEdge: ApiEdge = {
  name: "game",
  schemes: ["jwt", "bearer", "token"],
  authenticateUnknownPaths: false,
  takesPasswords: false,
  error: (status, message) => answer(fromStatus(status, message)),
  unauthenticated: (failure: AuthFailure) =>
    answer(unauthenticatedBody(), {
      "www-authenticate": failure === "missing" ? 'Bearer realm="sessionhub"' : 'Bearer realm="sessionhub", error="invalid_token"',
    }),
};

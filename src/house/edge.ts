import type { ApiEdge } from "../http/edge/api.js";
import { problem, problemAnswer } from "../http/problem.js";

/** Where the house's own routes live on the shared listener. */
export const HOUSE_PREFIXES = ["/healthz", "/readyz", "/metrics", "/docs", "/admin"];

/**
 * What the shared listener serves of its own — health, metrics, docs, the console —
 * and every path no API claims: public routes, errors as problem details.
 */
export const houseEdge: ApiEdge = {
  name: "house",
  schemes: [],
  authenticateUnknownPaths: false,
  takesPasswords: false,
  error: (status, message, req) => problemAnswer(problem(status, message, { instance: req.path })),
  unauthenticated: (_failure, req) => problemAnswer(problem(401, "Credentials are required.", { instance: req.path })),
};

import type { FastifyError } from "fastify";
import { CoreError } from "../../core/errors.js";
import { isJsonTooDeep } from "../../http/edge/json-depth.js";

/**
 * An answer of this family other than success: a status and either error details
 * (`{"errors":[{"detail":...}]}`) or, where the original answers so, no body at all.
 */
export class MaxscaleError extends Error {
  constructor(
    readonly status: number,
    readonly details: string[] | null,
    readonly headers: Record<string, string> = {},
  ) {
    super(details?.join("; ") ?? `HTTP ${status}`);
    this.name = "MaxscaleError";
  }
}

export const noBody = (status: number) => new MaxscaleError(status, null);
export const failure = (status: number, ...details: string[]) => new MaxscaleError(status, details);

/** Session routes: a well-formed id of no live session is a body-less 404. */
export const noSuchSession = () => noBody(404);

/** Core errors in this family's terms. Only a server fault becomes a 500. */
function fromCore(e: CoreError): MaxscaleError {
  switch (e.kind) {
    case "not-found":
      return noBody(404);
    // An update or end raced with the session's end: it no longer exists here.
    case "conflict":
      return noBody(404);
    case "precondition-failed":
      return noBody(412);
    case "invalid":
      return failure(400, e.message);
    case "unauthenticated":
      return failure(401, "Access denied");
    case "forbidden":
      return failure(403, "Administrative access required");
    case "too-many":
      return failure(429, e.message);
    case "unavailable":
      return failure(503, "Server is shutting down");
    default:
      return failure(409, e.message);
  }
}

export function toMaxscaleError(error: unknown): MaxscaleError | null {
  if (error instanceof MaxscaleError) return error;
  if (error instanceof CoreError) return fromCore(error);
  const e = error as FastifyError;
  if (e.code === "FST_ERR_CTP_BODY_TOO_LARGE") return failure(413, "Request body too large");
  if (isJsonTooDeep(e)) return failure(400, `Invalid JSON in request: ${e.message}`);
  if (typeof e.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 500) return failure(e.statusCode, e.message);
  return null;
}

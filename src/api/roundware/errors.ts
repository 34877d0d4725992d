import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { CoreError, type ErrorKind } from "../../core/errors.js";
import { isJsonTooDeep } from "../../http/edge/json-depth.js";

/**
 * Roundware's error bodies are Django REST Framework's: `{"detail": "..."}` for
 * request-level errors and `{"field": ["message"], ...}` for validation errors, with
 * the fields in the order the serializer declares them.
 */
export type FieldErrors = Record<string, string[]>;

export class RoundwareError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body.detail === "string" ? body.detail : JSON.stringify(body));
  }
}

export const detail = (status: number, text: string, headers?: Record<string, string>) => new RoundwareError(status, { detail: text }, headers);

export const NOT_FOUND = "Not found.";
export const PERMISSION_DENIED = "You do not have permission to perform this action.";

export const notFound = () => detail(404, NOT_FOUND);
export const permissionDenied = () => detail(403, PERMISSION_DENIED);
export const validation = (fields: FieldErrors) => new RoundwareError(400, fields);
export const unsupportedMediaType = (mediaType: string) => detail(415, `Unsupported media type "${mediaType}" in request.`);
export const throttled = (seconds: number) =>
  detail(429, `Request was throttled. Expected available in ${seconds} second${seconds === 1 ? "" : "s"}.`, { "retry-after": String(seconds) });

/** Fails with the collected field errors, in the order the fields were checked. */
export function failIfAny(errors: FieldErrors): void {
  if (Object.keys(errors).length > 0) throw validation(errors);
}

const CORE_STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  "wrong-password": 403,
  "not-found": 404,
  "version-conflict": 409,
  "session-full": 409,
  "team-full": 409,
  "not-joinable": 409,
  "already-exists": 409,
  conflict: 409,
  "precondition-failed": 412,
  "too-many": 429,
  unavailable: 503,
};

const CORE_DETAIL: Partial<Record<number, string>> = { 403: PERMISSION_DENIED, 404: NOT_FOUND, 503: "Service unavailable." };

/** Any error of a Roundware request as status, body and headers; 500 only for server faults. */
export function toRoundwareError(error: unknown, mediaType = ""): RoundwareError {
  if (error instanceof RoundwareError) return error;
  if (error instanceof CoreError) {
    const status = CORE_STATUS[error.kind];
    return detail(status, CORE_DETAIL[status] ?? error.message);
  }
  if (isJsonTooDeep(error)) return detail(400, `JSON parse error - ${error.message}`);
  const e = error as FastifyError;
  switch (e.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return detail(413, "Request body too large.");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return unsupportedMediaType(mediaType);
  }
  const status = typeof e.statusCode === "number" ? e.statusCode : 500;
  if (status === 503) return detail(503, "Service unavailable.");
  if (status >= 400 && status < 500) return detail(status, status === 404 ? NOT_FOUND : "Malformed request.");
  return detail(500, "A server error occurred.");
}

/** The request's media type as sent, without parameters. */
export const mediaTypeOf = (req: FastifyRequest): string => (req.headers["content-type"] ?? "").split(";")[0]!.trim();

export function sendError(req: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const e = toRoundwareError(error, mediaTypeOf(req));
  if (e.status >= 500 && e.status !== 503) req.log.error({ err: error }, "roundware request failed");
  return reply.code(e.status).headers(e.headers).type("application/json").send(JSON.stringify(e.body));
}

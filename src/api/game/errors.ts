import type { FastifyError, FastifyReply } from "fastify";
import { CoreError, type ErrorKind } from "../../core/errors.js";
import { isJsonTooDeep } from "../../http/edge/json-depth.js";
import { ruleOf } from "./schemas.js";

/**
 * The framework's error body (contract §6): `{code, status, message}`, exactly these
 * keys in this order, never a stack trace or an internal detail.
 */
export interface ErrorBody {
  code: string;
  status: number;
  message: string;
}

const INVALID = "Invalid message or request.";

export const MESSAGES = {
  invalid: INVALID,
  mismatch: "The object provided does not match the identifier given.",
  unauthenticated: "Invalid or missing authentication token.",
  forbidden: "User does not have permission to perform this action.",
  wrongPassword: "Invalid session password.",
  notFound: "No resource could be found with the specified identifier.",
  methodNotAllowed: `${INVALID} Method not allowed.`,
  staleVersion: "Invalid object version. Do you have the latest version?",
  full: "The session is full.",
  closed: "The session is not accepting new users.",
  teamFull: "The requested team is full.",
  tooLarge: `${INVALID} Request body too large.`,
  mediaType: `${INVALID} Content-Type must be application/json.`,
  tooMany: "Too many wrong password attempts. Try again later.",
  internal: "An internal error has occurred. Please contact the adminstrator.",
} as const;

/** An error this family answers with its own code (those the core has no kind for). */
export class GameError extends Error {
  constructor(readonly body: ErrorBody) {
    super(body.message);
    this.name = "GameError";
  }
}

export const body = (status: number, code: string, message: string): ErrorBody => ({ code, status, message });

export const notFoundBody = () => body(404, "api-010", MESSAGES.notFound);
export const unauthenticatedBody = () => body(401, "api-101", MESSAGES.unauthenticated);

/** A 400 `api-003` whose message adds a sentence naming the field or parameter. */
export const badRequest = (detail: string) => new GameError(body(400, "api-003", `${INVALID} ${detail}`));

const FROM_KIND: Record<ErrorKind, (e: CoreError) => ErrorBody> = {
  invalid: (e) => body(400, "api-003", e.message ? `${INVALID} ${e.message}` : INVALID),
  unauthenticated: () => unauthenticatedBody(),
  forbidden: () => body(403, "api-102", MESSAGES.forbidden),
  "wrong-password": () => body(403, "session-003", MESSAGES.wrongPassword),
  "not-found": () => notFoundBody(),
  "version-conflict": () => body(409, "api-012", MESSAGES.staleVersion),
  "precondition-failed": () => body(409, "api-012", MESSAGES.staleVersion),
  conflict: () => body(409, "api-012", MESSAGES.staleVersion),
  "already-exists": () => body(409, "api-012", MESSAGES.staleVersion),
  "session-full": () => body(409, "session-001", MESSAGES.full),
  "not-joinable": () => body(409, "session-002", MESSAGES.closed),
  "team-full": () => body(409, "session-004", MESSAGES.teamFull),
  "too-many": () => body(429, "session-005", MESSAGES.tooMany),
  unavailable: () => body(503, "api-002", MESSAGES.internal),
};

/** Any error of a game request as the family's body; a 500 only for a server fault. */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof GameError) return error.body;
  if (error instanceof CoreError) return FROM_KIND[error.kind](error);
  const e = error as FastifyError;
  switch (e.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return body(413, "api-003", MESSAGES.tooLarge);
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return body(415, "api-003", MESSAGES.mediaType);
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return body(400, "api-003", `${INVALID} The request body is empty; send a JSON object.`);
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return body(400, "api-003", `${INVALID} The request body is not valid JSON.`);
  }
  if (e instanceof SyntaxError || isJsonTooDeep(e)) return body(400, "api-003", `${INVALID} The request body is not valid JSON.`);
  const status = typeof e.statusCode === "number" ? e.statusCode : 500;
  if (status >= 400 && status < 500) return body(status, "api-003", INVALID);
  if (status === 503) return body(503, "api-002", MESSAGES.internal);
  return body(500, "api-002", MESSAGES.internal);
}

export function sendError(reply: FastifyReply, err: ErrorBody): FastifyReply {
  return reply.code(err.status).type("application/json; charset=utf-8").send(err);
}

/** A body that failed its schema, as a 400 whose message names the field. */
export function validationError(error: Error & { validation?: { instancePath: string }[] }) {
  const field = error.validation?.[0]?.instancePath.split("/")[1];
  const detail = field === undefined || field === "" ? "The request body must be a JSON object." : (ruleOf(field) ?? `${field} is not valid.`);
  return body(400, "api-003", `${INVALID} ${detail}`);
}

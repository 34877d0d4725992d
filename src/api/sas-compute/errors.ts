import { STATUS_CODES } from "node:http";
import type { FastifyReply, FastifyRequest } from "fastify";
import { CoreError } from "../../core/errors.js";

/** An error in SAS's wire format (contract §6): status, SAS error code, first detail. */
export class SasError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly detail: string,
    readonly remediation?: string,
  ) {
    super(detail);
    this.name = "SasError";
  }
}

export const ERROR_TYPE = "application/vnd.sas.error+json;charset=utf-8;version=2";

export const notFound = (detail = "No such resource.") => new SasError(404, 9404, detail);
export const badRequest = (code: number, detail: string) => new SasError(400, code, detail);
export const invalidBody = (reason: string) => new SasError(400, 5010, `The request body is not valid: ${reason}`);
export const sessionNotFound = (sid: string) => new SasError(404, 5837, `Session "${sid}" was not found.`);
export const sessionFailed = () => new SasError(409, 9409, "The session has failed; it can only be deleted.");
export const notOwner = () => new SasError(403, 9403, "Only the owner or an administrator may change this session.");
export const ifMatchRequired = () => new SasError(428, 5033, "This request needs an If-Match header with the current ETag.");
export const stale = () => new SasError(412, 9412, "If-Match does not match the current ETag.");
export const tooLarge = (bytes: number) => new SasError(413, 9413, `The request body is larger than ${bytes} bytes.`);
export const workAreaFull = (bytes: number) => new SasError(413, 9413, `The work area limit of ${bytes} bytes would be exceeded.`);

/** A core error in SAS's terms; the session's id, when the route has one, names what was not found. */
export function fromCore(e: CoreError, sid: string | undefined): SasError {
  switch (e.kind) {
    case "not-found":
      return sid !== undefined ? sessionNotFound(sid) : notFound();
    case "forbidden":
      return notOwner();
    case "too-many":
      return new SasError(429, 9429, e.message);
    case "invalid":
      return invalidBody(e.message);
    case "version-conflict":
    case "precondition-failed":
      return stale();
    case "unauthenticated":
      return new SasError(401, 0, e.message);
    case "unavailable":
      return new SasError(503, 9503, e.message);
    default:
      return new SasError(409, 9409, e.message);
  }
}

/** The error body, keys in the contract's order. */
export function errorBody(e: SasError, path: string, correlator: string) {
  return {
    version: 2,
    httpStatusCode: e.status,
    errorCode: e.code,
    message: STATUS_CODES[e.status] ?? "Error",
    details: [e.detail, `path: ${path}`, `correlator: ${correlator}`],
    ...(e.remediation ? { remediation: e.remediation } : {}),
  };
}

export function sendError(reply: FastifyReply, req: FastifyRequest, e: SasError): FastifyReply {
  if (req.method === "HEAD") return reply.code(e.status).send();
  const body = errorBody(e, req.url.split("?", 1)[0]!, req.id);
  return reply.code(e.status).header("content-type", ERROR_TYPE).send(JSON.stringify(body));
}

export { CoreError };

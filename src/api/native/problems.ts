import type { FastifyError, FastifyRequest } from "fastify";
import { CoreError, type ErrorKind, type FieldError } from "../../core/errors.js";
import { isJsonTooDeep } from "../../http/edge/json-depth.js";
import { type ProblemBody, problem } from "../../http/problem.js";

/** Problem details of the native API: the core's error kinds and the validators' field errors, as problems. */
const KINDS: Record<ErrorKind, { status: number; type: string; title: string }> = {
  invalid: { status: 400, type: "invalid-request", title: "Invalid request" },
  unauthenticated: { status: 401, type: "unauthenticated", title: "Unauthenticated" },
  forbidden: { status: 403, type: "forbidden", title: "Forbidden" },
  "wrong-password": { status: 403, type: "wrong-password", title: "Wrong session password" },
  "not-found": { status: 404, type: "not-found", title: "Not found" },
  "version-conflict": { status: 409, type: "version-conflict", title: "Version conflict" },
  "session-full": { status: 409, type: "session-full", title: "Session full" },
  "team-full": { status: 409, type: "team-full", title: "Team full" },
  "not-joinable": { status: 409, type: "not-joinable", title: "Not joinable" },
  "already-exists": { status: 409, type: "already-exists", title: "Already exists" },
  conflict: { status: 409, type: "conflict", title: "Conflict" },
  "precondition-failed": { status: 412, type: "precondition-failed", title: "Precondition failed" },
  "too-many": { status: 429, type: "too-many-requests", title: "Too many requests" },
  unavailable: { status: 503, type: "unavailable", title: "Service unavailable" },
};

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

function validationErrors(errors: AjvError[], part: string): FieldError[] {
  const prefix = part === "body" ? "" : `/${part}`;
  return errors.map((e) => {
    if (e.keyword === "additionalProperties") {
      return { pointer: `${prefix}${e.instancePath}/${String(e.params.additionalProperty)}`, detail: "unknown field" };
    }
    if (e.keyword === "required") return { pointer: `${prefix}${e.instancePath}/${String(e.params.missingProperty)}`, detail: "required" };
    return { pointer: `${prefix}${e.instancePath}` || "/", detail: e.message ?? e.keyword };
  });
}

/** Any error of a native request as a problem; a 500 only for what is truly a server fault. */
export function toProblem(error: unknown, req: FastifyRequest): ProblemBody {
  const instance = req.url.split("?")[0];
  if (error instanceof CoreError) {
    const kind = KINDS[error.kind];
    return problem(kind.status, error.message, { type: kind.type, title: kind.title, errors: error.fields, instance });
  }
  const e = error as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (e.validation) {
    const fields = validationErrors(e.validation, e.validationContext ?? "body");
    const where = e.validationContext === "body" ? "The request body" : `The ${e.validationContext ?? "request"}`;
    return problem(400, `${where} is not valid.`, { errors: fields, instance });
  }
  switch (e.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return problem(413, "The request body is larger than 1 MiB.", { instance });
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return problem(415, "The request body must be application/json.", { instance });
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return problem(400, "The request body is empty; send a JSON object.", { instance });
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return problem(400, `The request body is not valid JSON: ${e.message}`, { instance });
  }
  if (e instanceof SyntaxError || isJsonTooDeep(e)) return problem(400, `The request body is not valid JSON: ${e.message}`, { instance });
  const status = typeof e.statusCode === "number" ? e.statusCode : 500;
  if (status >= 400 && status < 500) return problem(status, e.message || "The request cannot be answered.", { instance });
  if (status === 503) return problem(503, "The service is unavailable; try again shortly.", { instance });
  return problem(500, "An internal error occurred.", { type: "internal", title: "Internal error", instance });
}

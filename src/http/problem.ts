import type { FastifyReply } from "fastify";
import type { FieldError } from "../core/errors.js";

/**
 * RFC 9457 problem details: the native API's error format, and the house's (health,
 * metrics, docs, the console, unknown paths on the shared listener). One stable `type`
 * URI per kind of error, and field errors as JSON pointers.
 */
const BASE = "https://sessionhub.dev/problems/";

const BY_STATUS: Record<number, { type: string; title: string }> = {
  400: { type: "invalid-request", title: "Invalid request" },
  401: { type: "unauthenticated", title: "Unauthenticated" },
  403: { type: "forbidden", title: "Forbidden" },
  404: { type: "not-found", title: "Not found" },
  405: { type: "method-not-allowed", title: "Method not allowed" },
  406: { type: "not-acceptable", title: "Not acceptable" },
  408: { type: "request-timeout", title: "Request timeout" },
  412: { type: "precondition-failed", title: "Precondition failed" },
  413: { type: "payload-too-large", title: "Payload too large" },
  414: { type: "uri-too-long", title: "URI too long" },
  415: { type: "unsupported-media-type", title: "Unsupported media type" },
  428: { type: "precondition-required", title: "Precondition required" },
  429: { type: "too-many-requests", title: "Too many requests" },
  431: { type: "headers-too-large", title: "Request header fields too large" },
  503: { type: "unavailable", title: "Service unavailable" },
};

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
}

export function problem(status: number, detail: string, opts: { type?: string; title?: string; errors?: FieldError[]; instance?: string } = {}): ProblemBody {
  const known = BY_STATUS[status] ?? { type: status >= 500 ? "internal" : "error", title: status >= 500 ? "Internal error" : "Error" };
  const body: ProblemBody = { type: BASE + (opts.type ?? known.type), title: opts.title ?? known.title, status, detail };
  if (opts.instance) body.instance = opts.instance;
  if (opts.errors?.length) body.errors = opts.errors;
  return body;
}

export function sendProblem(reply: FastifyReply, body: ProblemBody): FastifyReply {
  return reply.code(body.status).type("application/problem+json").send(body);
}

/** A problem as a complete answer the edge can write. */
export function problemAnswer(body: ProblemBody, headers: Record<string, string> = {}) {
  return { status: body.status, headers: { "content-type": "application/problem+json", ...headers }, body: JSON.stringify(body) };
}

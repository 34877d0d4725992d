import type { FastifyReply, FastifyRequest } from "fastify";
import { SasError } from "./errors.js";

/** Media types (contract §3.1) and content negotiation. */
export const T = {
  api: "application/vnd.sas.api",
  context: "application/vnd.sas.compute.context",
  contextSummary: "application/vnd.sas.compute.context.summary",
  session: "application/vnd.sas.compute.session",
  sessionSummary: "application/vnd.sas.compute.session.summary",
  sessionRequest: "application/vnd.sas.compute.session.request",
  job: "application/vnd.sas.compute.job",
  jobRequest: "application/vnd.sas.compute.job.request",
  collection: "application/vnd.sas.collection",
  logLine: "application/vnd.sas.compute.log.line",
  result: "application/vnd.sas.compute.result",
  fileref: "application/vnd.sas.compute.fileref",
  filerefSummary: "application/vnd.sas.compute.fileref.summary",
  filerefRequest: "application/vnd.sas.compute.fileref.request",
  library: "application/vnd.sas.compute.library",
  librarySummary: "application/vnd.sas.compute.library.summary",
  tableSummary: "application/vnd.sas.compute.data.table.summary",
  variable: "application/vnd.sas.compute.variable",
  text: "text/plain",
  octets: "application/octet-stream",
  html: "text/html",
} as const;

/** Representation versions of the JSON types. */
const VERSIONS: Record<string, number> = {
  [T.api]: 1,
  [T.context]: 2,
  [T.contextSummary]: 2,
  [T.session]: 2,
  [T.sessionSummary]: 2,
  [T.job]: 1,
  [T.collection]: 2,
  [T.fileref]: 2,
  [T.library]: 2,
  [T.variable]: 1,
};

export const TEXT_TYPE = "text/plain;charset=utf-8";

/** The media ranges of `Accept`, lower-cased, without parameters or q-values (malformed ones too). */
export function ranges(accept: string | string[] | undefined): string[] {
  const text = Array.isArray(accept) ? accept.join(",") : (accept ?? "");
  return text
    .split(",")
    .map((r) => r.split(";")[0]!.trim().toLowerCase())
    .filter((r) => r !== "");
}

const bare = (range: string) => (range.endsWith("+json") ? range.slice(0, -5) : range);

export function lists(req: FastifyRequest, type: string): boolean {
  return ranges(req.headers.accept).some((r) => bare(r) === type);
}

/** Whether `Accept-Item` names `type` (full items of a collection instead of summaries). */
export function acceptsItem(req: FastifyRequest, type: string): boolean {
  return ranges(req.headers["accept-item"]).some((r) => bare(r) === type);
}

/** Whether the first range of `Accept` is `text/plain`: the text form of logs and variables. */
export function wantsText(req: FastifyRequest): boolean {
  return ranges(req.headers.accept)[0] === T.text;
}

export type Form = "vendor" | "json";

/** How to answer a JSON resource of `type`, or 406 1005. */
export function negotiate(req: FastifyRequest, type: string): Form {
  const accepted = ranges(req.headers.accept);
  if (accepted.length === 0 || accepted.some((r) => r === "*/*" || r === "application/*" || bare(r) === type)) return "vendor";
  if (accepted.includes("application/json")) return "json";
  throw new SasError(
    406,
    1005,
    `Unsupported Accept value: ${String(req.headers.accept)}`,
    `Use one of these media types: ${type}+json, application/json.`,
  );
}

export function contentType(type: string, form: Form): string {
  return form === "json" ? "application/json;charset=utf-8" : `${type}+json;charset=utf-8;version=${VERSIONS[type] ?? 1}`;
}

/** Sends a JSON representation of `type` in the negotiated form. */
export function sendJson(reply: FastifyReply, status: number, type: string, form: Form, body: unknown): FastifyReply {
  return sendJsonText(reply, status, type, form, JSON.stringify(body));
}

/** Sends JSON already serialised, as `sendJson` would. */
export function sendJsonText(reply: FastifyReply, status: number, type: string, form: Form, text: string | Buffer): FastifyReply {
  return reply.code(status).header("content-type", contentType(type, form)).send(text);
}

export function sendText(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).header("content-type", TEXT_TYPE).send(body);
}

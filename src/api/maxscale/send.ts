import { hash } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { matchesWeakly } from "../../http/conditional.js";
import { utf8 } from "../../http/utf8.js";
import { booleanParam, queryParam } from "./params.js";
import { sortedJson, sortedWriter } from "./sorted-json.js";
import { httpDate, parseHttpDate } from "./time-format.js";

const JSON_TYPE = "application/json; charset=utf-8";

/** `pretty` is on unless it is one of MaxScale's false values. */
export function isPretty(req: FastifyRequest): boolean {
  return booleanParam(queryParam(req, "pretty")) !== false;
}

/** Keys sorted, as MaxScale writes them; 4-space indentation unless compact. */
export const serialise = (doc: unknown, pretty: boolean) => sortedJson(doc, pretty ? 4 : 0);

const sha1 = (data: string | Buffer) => hash("sha1", data, "hex");

/** SHA-1 of the compact form: the same whatever `pretty` says. */
export const entityTag = (doc: unknown) => sha1(sortedJson(doc));

export function sendErrors(req: FastifyRequest, reply: FastifyReply, status: number, details: string[]) {
  return reply
    .code(status)
    .type(JSON_TYPE)
    .send(serialise({ errors: details.map((detail) => ({ detail })) }, isPretty(req)));
}

/** No body and no Content-Type, as the original answers a missing object or a success without content. */
export function sendNoBody(reply: FastifyReply, status: number) {
  reply.removeHeader("content-type");
  return reply.code(status).send();
}

export interface DocumentOptions {
  /** Single resources: `Last-Modified`, and `If-Modified-Since` honoured against it. */
  lastModified?: number;
}

/**
 * A 200 document with its ETag and, when the client's copy is current, a 304 instead. The
 * compact bytes are hashed as they are sent: a compact body is encoded once for both.
 */
export function sendDocument(req: FastifyRequest, reply: FastifyReply, doc: unknown, opts: DocumentOptions = {}) {
  const json = sortedWriter(doc);
  const pretty = isPretty(req);
  const compact = pretty ? json(0) : utf8(json(0));
  const tag = sha1(compact);
  reply.header("etag", `"${tag}"`);
  if (opts.lastModified !== undefined) reply.header("last-modified", httpDate(opts.lastModified));
  if (notModified(req, tag, opts.lastModified)) return sendNoBody(reply, 304);
  return reply.code(200).type(JSON_TYPE).send(pretty ? utf8(json(4)) : compact);
}

function notModified(req: FastifyRequest, tag: string, lastModified: number | undefined): boolean {
  const inm = req.headers["if-none-match"];
  if (inm !== undefined) return matchesWeakly(inm, tag);
  const ims = parseHttpDate(req.headers["if-modified-since"]);
  return lastModified !== undefined && ims !== null && Math.floor(lastModified / 1000) * 1000 <= ims;
}

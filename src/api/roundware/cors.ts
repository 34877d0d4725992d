import type { FastifyReply, FastifyRequest } from "fastify";

/**
 * CORS for a family that takes no ambient credentials (no cookies, no HTTP Basic): any
 * configured origin may call it, `*` by default, and credentials are never allowed.
 */
const ALLOW_METHODS = "GET, POST, PATCH, DELETE, OPTIONS";
const ALLOW_HEADERS = "accept, authorization, content-type, idempotency-key, origin, x-requested-with";

/** Sets Access-Control-Allow-Origin when the origin may call; false when it may not. */
export function allowOrigin(origins: readonly string[], req: FastifyRequest, reply: FastifyReply): boolean {
  const origin = req.headers.origin;
  if (origins.includes("*")) {
    reply.header("access-control-allow-origin", "*");
    return true;
  }
  if (origin === undefined || !origins.includes(origin)) return false;
  reply.header("access-control-allow-origin", origin);
  reply.header("vary", "Origin");
  return true;
}

export const isPreflight = (req: FastifyRequest): boolean =>
  req.method === "OPTIONS" && req.headers.origin !== undefined && req.headers["access-control-request-method"] !== undefined;

export function preflightHeaders(reply: FastifyReply): void {
  reply.header("access-control-allow-methods", ALLOW_METHODS);
  reply.header("access-control-allow-headers", ALLOW_HEADERS);
  reply.header("access-control-max-age", "86400");
}

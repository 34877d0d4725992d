import type { FastifyReply, FastifyRequest } from "fastify";

export interface CorsPolicy {
  /** Origins allowed; `*` allows any (safe only without ambient credentials). */
  origins: readonly string[];
  methods: readonly string[];
  headers: readonly string[];
  maxAgeSeconds: number;
}

function allowedOrigin(policy: CorsPolicy, origin: string | undefined): string | null {
  if (!origin || policy.origins.length === 0) return null;
  if (policy.origins.includes("*")) return "*";
  return policy.origins.includes(origin) ? origin : null;
}

/**
 * CORS by allow-list: a preflight from an allowed origin is answered at once (true is
 * returned: the request is done); actual responses to allowed origins carry
 * Access-Control-Allow-Origin. Other origins get no CORS headers, so browsers block them.
 */
export function applyCors(policy: CorsPolicy, req: FastifyRequest, reply: FastifyReply): boolean {
  const origin = allowedOrigin(policy, req.headers.origin);
  if (origin === null) return false;
  reply.header("access-control-allow-origin", origin);
  if (origin !== "*") reply.header("vary", "Origin");
  const preflight = req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined;
  if (!preflight) return false;
  reply
    .code(204)
    .header("access-control-allow-methods", policy.methods.join(", "))
    .header("access-control-allow-headers", policy.headers.join(", "))
    .header("access-control-max-age", String(policy.maxAgeSeconds))
    .send();
  return true;
}

import type { FastifyInstance, FastifyReply } from "fastify";
import { type CorsPolicy, applyCors } from "../../http/cors.js";
import type { MaxscaleConfig } from "./config.js";
import { failure } from "./errors.js";
import { baseUrl } from "./links.js";
import { sendNoBody } from "./send.js";

export const SECURITY_HEADERS: Record<string, string> = {
  "cache-control": "no-cache",
  "x-frame-options": "Deny",
  "referrer-policy": "same-origin",
  "x-content-type-options": "nosniff",
};

/** What a browser on an allowed origin may send. */
const CORS = {
  methods: ["GET", "HEAD", "POST", "PATCH", "DELETE", "OPTIONS"],
  headers: ["Authorization", "Content-Type", "If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since", "X-Requested-With"],
  maxAgeSeconds: 600,
};

/**
 * Who may call this API, checked in the order the contract gives: a foreign `Origin` is
 * refused first (a web page must not drive the API with a browser's cached Basic
 * credentials), then the Host; credentials are checked next, at the edge (edge.ts); what
 * the caller may then do is the separate authorization step (authorize.ts).
 */
export function accessControl(app: FastifyInstance, config: MaxscaleConfig): void {
  const cors: CorsPolicy = { ...CORS, origins: config.corsOrigins };
  const anyOrigin = config.corsOrigins.includes("*");

  app.addHook("onSend", async (_req, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    return payload;
  });

  app.addHook("onRequest", async (req, reply) => {
    const origin = req.headers.origin;
    if (origin !== undefined && !anyOrigin && !config.corsOrigins.includes(origin)) throw failure(403, "Cross-origin request refused");
    if (applyCors(cors, req, reply)) return reply;
    baseUrl(req, config.publicUrl);
  });
}

/** OPTIONS: 204 with the path's methods in `Allow`. */
export function answerOptions(reply: FastifyReply, methods: readonly string[]) {
  reply.header("allow", [...methods, "OPTIONS"].join(", "));
  return sendNoBody(reply, 204);
}

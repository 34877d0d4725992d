import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Authenticator } from "../../auth/authenticate.js";
import type { WindowLimiter } from "../../auth/limiter.js";
import { type CorsPolicy, applyCors } from "../../http/cors.js";
import type { MaxscaleConfig } from "./config.js";
import { MaxscaleError, failure } from "./errors.js";
import { baseUrl } from "./links.js";
import { sendNoBody } from "./send.js";

const REALM = 'Basic realm="maxscale"';

const SECURITY_HEADERS: Record<string, string> = {
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
 * credentials), then the Host, then credentials — with a limit on failures per address.
 * What the caller may then do is the separate authorization step (`authorize.ts`).
 * OPTIONS needs no credentials (browsers send preflights without them). One failure
 * limiter serves every mount of the family.
 */
export function accessControl(app: FastifyInstance, auth: Authenticator, config: MaxscaleConfig, limiter: WindowLimiter): void {
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
    if (req.method === "OPTIONS") return;
    await authenticate(req, auth, limiter);
  });
}

async function authenticate(req: FastifyRequest, auth: Authenticator, limiter: WindowLimiter): Promise<void> {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const wait = limiter.blocked(req.ip);
    if (wait !== null) throw new MaxscaleError(429, ["Too many failed authentication attempts"], { "retry-after": String(wait) });
  }
  const outcome = await auth.authenticate(header, ["basic", "bearer", "token", "jwt"]);
  if (outcome.principal) {
    req.principal = outcome.principal;
    return;
  }
  // Only attempts that present credentials count towards the limit.
  if (header !== undefined) limiter.hit(req.ip);
  const xhr = String(req.headers["x-requested-with"] ?? "").toLowerCase() === "xmlhttprequest";
  throw new MaxscaleError(401, ["Access denied"], xhr ? {} : { "www-authenticate": REALM });
}

/** OPTIONS: 204 with the path's methods in `Allow`. */
export function answerOptions(reply: FastifyReply, methods: readonly string[]) {
  reply.header("allow", [...methods, "OPTIONS"].join(", "));
  return sendNoBody(reply, 204);
}

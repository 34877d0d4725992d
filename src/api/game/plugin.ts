import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { TypeBoxApp } from "../../http/app.js";
import type { Scheme } from "../../auth/authenticate.js";
import type { FamilyContext } from "../context.js";
import { MESSAGES, body, notFoundBody, sendError, toErrorBody, unauthenticatedBody, validationError } from "./errors.js";
import { membershipRoutes } from "./routes/membership.js";
import { sessionRoutes } from "./routes/sessions.js";
import { updateRoute } from "./routes/update.js";
import type { GameService } from "./service.js";

/** `jwt` and `Bearer` carry a JWT (or, for Bearer and `token`, a sessionhub API token); nothing else. */
const SCHEMES: readonly Scheme[] = ["jwt", "bearer", "token"];

const METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"] as const;

/** The known paths and the methods each answers; any other method there is a 405. */
const KNOWN: [string, string[]][] = [
  ["/sessions", ["GET", "HEAD", "POST", "DELETE"]],
  ["/sessions/count", ["GET", "HEAD"]],
  ["/sessions/:id", ["GET", "HEAD", "PUT", "DELETE"]],
  // Join and leave change state: no HEAD route that would run them.
  ["/sessions/:id/join", ["GET", "POST"]],
  ["/sessions/:id/leave", ["GET", "POST"]],
];

async function authenticate(ctx: FamilyContext, req: FastifyRequest, reply: FastifyReply) {
  // Every answer of this family is per caller, and join and leave are state-changing GETs.
  reply.header("cache-control", "no-store");
  if (req.is404 || (req.routeOptions.config as { open?: boolean }).open) return;
  const outcome = await ctx.auth.authenticate(req.headers.authorization, SCHEMES);
  if (outcome.principal) {
    req.principal = outcome.principal;
    return;
  }
  const presented = outcome.failure !== "missing";
  reply.header("www-authenticate", presented ? 'Bearer realm="sessionhub", error="invalid_token"' : 'Bearer realm="sessionhub"');
  return sendError(reply, unauthenticatedBody());
}

/** The game session routes: a plugin without a prefix, mounted at the root of its listener. */
export async function gameApi(app: FastifyInstance, ctx: FamilyContext, service: GameService): Promise<void> {
  const api: TypeBoxApp = app.withTypeProvider<TypeBoxTypeProvider>();
  // JSON only (415 otherwise); an empty body is "no body" for the optional join/leave bodies.
  api.removeAllContentTypeParsers();
  const json = api.getDefaultJsonParser("error", "error");
  api.addContentTypeParser("application/json", { parseAs: "string" }, (req, text, done) =>
    text === "" ? done(null, undefined) : json(req, text as string, done),
  );
  api.addHook("onRequest", (req, reply) => authenticate(ctx, req, reply));
  api.setErrorHandler((error, req, reply) => {
    // Whatever went wrong with a request for an unknown path (its body, say), the answer is that the path is unknown.
    const err = req.is404
      ? notFoundBody()
      : (error as { validation?: unknown }).validation
        ? validationError(error as FastifyError)
        : toErrorBody(error);
    if (err.status >= 500) req.log.error({ err: error }, "game request failed");
    return sendError(reply, err);
  });

  // Mounted without a prefix, this is the shared listener's root: an unknown path is this family's 404.
  api.setNotFoundHandler((_req, reply) => sendError(reply, notFoundBody()));

  sessionRoutes(api, ctx, service);
  updateRoute(api, ctx, service);
  membershipRoutes(api, ctx, service);

  for (const [url, allowed] of KNOWN) {
    const allow = allowed.join(", ");
    api.route({
      method: METHODS.filter((m) => !allowed.includes(m)),
      url,
      config: { open: true },
      handler: (_req, reply) => sendError(reply.header("allow", allow), body(405, "api-003", MESSAGES.methodNotAllowed)),
    });
  }
}

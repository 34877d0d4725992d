import type { FastifyError, FastifyInstance } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { TypeBoxApp } from "../../http/app.js";
import type { FamilyContext } from "../context.js";
import { MESSAGES, body, notFoundBody, sendError, toErrorBody, validationError } from "./errors.js";
import { membershipRoutes } from "./routes/membership.js";
import { sessionRoutes } from "./routes/sessions.js";
import { updateRoute } from "./routes/update.js";
import type { GameService } from "./service.js";

const METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"] as const;

/** The known paths (under /sessions) and the methods each answers; any other method there is a 405, to anyone. */
const KNOWN: [string, string[]][] = [
  ["/", ["GET", "HEAD", "POST", "DELETE"]],
  ["/count", ["GET", "HEAD"]],
  ["/:id", ["GET", "HEAD", "PUT", "DELETE"]],
  // Join and leave change state: no HEAD route that would run them.
  ["/:id/join", ["GET", "POST"]],
  ["/:id/leave", ["GET", "POST"]],
];

/** The game session routes, mounted at /sessions (credentials are checked at the edge). */
export async function gameApi(app: FastifyInstance, ctx: FamilyContext, service: GameService): Promise<void> {
  const api: TypeBoxApp = app.withTypeProvider<TypeBoxTypeProvider>();
  // JSON only (415 otherwise); an empty body is "no body" for the optional join/leave bodies.
  api.removeAllContentTypeParsers();
  const json = api.getDefaultJsonParser("error", "error");
  api.addContentTypeParser("application/json", { parseAs: "string" }, (req, text, done) =>
    text === "" ? done(null, undefined) : json(req, text as string, done),
  );
  // Every answer of this family is per caller, and join and leave are state-changing GETs.
  api.addHook("onRequest", (_req, reply, done) => {
    reply.header("cache-control", "no-store");
    done();
  });
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

  api.setNotFoundHandler((_req, reply) => sendError(reply, notFoundBody()));

  sessionRoutes(api, ctx, service);
  updateRoute(api, ctx, service);
  membershipRoutes(api, ctx, service);

  for (const [url, allowed] of KNOWN) {
    const allow = allowed.join(", ");
    api.route({
      method: METHODS.filter((m) => !allowed.includes(m)),
      url,
      config: { public: true },
      handler: (_req, reply) => sendError(reply.header("allow", allow), body(405, "api-003", MESSAGES.methodNotAllowed)),
    });
  }
}

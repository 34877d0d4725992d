import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { applyCors } from "../../http/cors.js";
import { authenticate } from "./authenticate.js";
import type { Roundware } from "./context.js";
import { detail, notFound, sendError } from "./errors.js";
import { findPath, needsCredentials, offers } from "./paths.js";
import { languageRoutes } from "./routes/languages.js";
import { loginRoutes } from "./routes/login.js";
import { projectRoutes } from "./routes/projects.js";
import { rootRoutes } from "./routes/root.js";
import { sessionRoutes } from "./routes/sessions.js";
import { userRoutes } from "./routes/users.js";

export const ROUNDWARE_PREFIX = "/api/2";

const relativePath = (req: FastifyRequest): string => req.url.split("?")[0]!.slice(ROUNDWARE_PREFIX.length);

/**
 * Runs before routing decides anything: every answer is uncacheable and carries CORS
 * headers; OPTIONS (preflights included) is answered without credentials; every other
 * request to a path that needs them is authenticated, so a 401 comes before a 404 or
 * a 405, as in the original.
 */
async function gate(rw: Roundware, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  reply.header("cache-control", "no-store");
  const spec = findPath(relativePath(req));
  if (req.method === "OPTIONS") {
    if (!spec) throw notFound();
    reply.header("allow", spec.allow);
    if (applyCors(rw.cors, req, reply)) return reply;
    return reply.code(204).send();
  }
  applyCors(rw.cors, req, reply);
  if (spec && needsCredentials(spec, req.method)) await authenticate(rw.ctx, req);
  return undefined;
}

/** Roundware API v2 under /api/2: a thin adapter over the core (contract roundware.md). */
export async function roundwareApi(app: FastifyInstance, rw: Roundware): Promise<void> {
  // Bodies reach the routes as bytes: each endpoint decides which media types it takes
  // and answers with DRF's messages (body.ts).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_req, body, done) => done(null, body));
  app.addHook("onRequest", (req, reply) => gate(rw, req, reply));
  app.setErrorHandler((error, req, reply) => sendError(req, reply, error));
  app.setNotFoundHandler((req, reply) => {
    const spec = findPath(relativePath(req));
    if (spec && !offers(spec, req.method)) {
      return sendError(req, reply, detail(405, `Method "${req.method}" not allowed.`, { allow: spec.allow }));
    }
    return sendError(req, reply, notFound());
  });
  rootRoutes(app, rw);
  userRoutes(app, rw);
  loginRoutes(app, rw);
  sessionRoutes(app, rw);
  projectRoutes(app, rw);
  languageRoutes(app, rw);
}

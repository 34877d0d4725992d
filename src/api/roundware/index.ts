import type { FastifyInstance } from "fastify";
import { applyCors } from "../../http/cors.js";
import type { Roundware } from "./context.js";
import { detail, notFound, sendError } from "./errors.js";
import { PATHS, isOpen, offers } from "./paths.js";
import { languageRoutes } from "./routes/languages.js";
import { loginRoutes } from "./routes/login.js";
import { projectRoutes } from "./routes/projects.js";
import { rootRoutes } from "./routes/root.js";
import { sessionRoutes } from "./routes/sessions.js";
import { userRoutes } from "./routes/users.js";

export const ROUNDWARE_PREFIX = "/api/2";

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;

/** OPTIONS and 405 for each known path; the open ones answer without credentials. */
function methodRoutes(app: FastifyInstance, rw: Roundware): void {
  for (const spec of PATHS) {
    app.options(spec.path, { config: { public: true } }, (req, reply) => {
      reply.header("allow", spec.allow);
      if (applyCors(rw.cors, req, reply)) return reply;
      return reply.code(204).send();
    });
    const refused = METHODS.filter((m) => !offers(spec, m));
    app.route({
      // A GET route brings its HEAD route along.
      method: refused.includes("GET") ? refused.filter((m) => m !== "HEAD") : refused,
      url: spec.path,
      handler: (req, reply) => sendError(req, reply, detail(405, `Method "${req.method}" not allowed.`, { allow: spec.allow })),
    });
  }
}

/** Roundware API v2 under /api/2: a thin adapter over the core (contract roundware.md). */
export async function roundwareApi(app: FastifyInstance, rw: Roundware): Promise<void> {
  // Bodies reach the routes as bytes: each endpoint decides which media types it takes
  // and answers with DRF's messages (body.ts).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_req, body, done) => done(null, body));
  // Which routes are open is declared once, in PATHS.
  app.addHook("onRoute", (route) => {
    const spec = PATHS.find((p) => p.path === (route.routePath || "/"));
    const methods = [route.method].flat();
    if (spec && methods.every((m) => isOpen(spec, m))) route.config = { ...route.config, public: true };
  });
  // Every answer is uncacheable and carries CORS headers (OPTIONS routes answer preflights).
  app.addHook("onRequest", (req, reply, done) => {
    reply.header("cache-control", "no-store");
    if (req.method !== "OPTIONS") applyCors(rw.cors, req, reply);
    done();
  });
  app.setErrorHandler((error, req, reply) => sendError(req, reply, error));
  app.setNotFoundHandler((req, reply) => sendError(req, reply, notFound()));
  rootRoutes(app, rw);
  userRoutes(app, rw);
  loginRoutes(app, rw);
  sessionRoutes(app, rw);
  projectRoutes(app, rw);
  languageRoutes(app, rw);
  methodRoutes(app, rw);
}

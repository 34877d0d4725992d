import type { FastifyInstance } from "fastify";
import { accessControl, answerOptions } from "./access.js";
import { type Api, sessionParam } from "./api.js";
import { authorization } from "./authorize.js";
import { handleError } from "./error-handler.js";
import { maxscaleRoutes } from "./routes/maxscale.js";
import { objectRoutes } from "./routes/objects.js";
import { rootRoutes } from "./routes/root.js";
import { serviceRoutes } from "./routes/services.js";
import { sessionReadRoutes } from "./routes/sessions-read.js";
import { sessionWriteRoutes } from "./routes/sessions-write.js";
import { userRoutes } from "./routes/users.js";
import { sendNoBody } from "./send.js";

/** The contract's limit on request bodies, whatever the server's own is. */
const BODY_LIMIT = 1024 * 1024;

/** The methods of each path (HEAD comes with GET); OPTIONS answers with them. */
const READ = ["GET", "HEAD"] as const;
const ROUTES: Record<string, readonly string[]> = {
  "/": READ,
  "/sessions": READ,
  "/sessions/restart": ["POST"],
  "/sessions/:id": ["GET", "HEAD", "PATCH", "DELETE"],
  "/sessions/:id/restart": ["POST"],
  "/sessions/:id/relationships/services": READ,
  "/sessions/:id/relationships/filters": ["PATCH"],
  "/services": READ,
  "/services/:name": READ,
  "/services/:name/listeners": READ,
  "/services/:name/listeners/:listener": READ,
  ...Object.fromEntries(["servers", "monitors", "filters", "listeners"].flatMap((c) => [[`/${c}`, READ], [`/${c}/:name`, READ]])),
  "/maxscale": READ,
  "/maxscale/threads": READ,
  "/maxscale/threads/:thread": READ,
  "/maxscale/logs": READ,
  "/maxscale/modules": READ,
  "/maxscale/modules/:module": READ,
  "/maxscale/query_classifier/cache": READ,
  "/users": READ,
  "/users/inet": READ,
  "/users/inet/:user": READ,
  "/users/unix": READ,
};

/**
 * The MaxScale REST API family (contract maxscale.md), mounted under `/v1` — and, on its
 * own listener, also at the root. Every other method and path is a body-less 404, as in
 * the original.
 */
export async function maxscaleApi(app: FastifyInstance, api: Api): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: BODY_LIMIT }, (_req, body, done) => done(null, body));
  accessControl(app, api.config);
  // After the edge has named the caller, before any body is read.
  const authorize = authorization((id) => api.users.find(id));
  app.addHook("preParsing", async (req, _reply, payload) => {
    await authorize(req);
    return payload;
  });
  app.setErrorHandler(handleError);
  // At the root of its own listener, the listener's handler gives the same body-less 404.
  if (app.prefix !== "") app.setNotFoundHandler((_req, reply) => sendNoBody(reply, 404));
  rootRoutes(app);
  sessionReadRoutes(app, api);
  sessionWriteRoutes(app, api);
  serviceRoutes(app, api);
  objectRoutes(app, api);
  maxscaleRoutes(app, api);
  userRoutes(app, api);
  for (const [path, methods] of Object.entries(ROUTES)) {
    app.options(path, { config: { public: true } }, async (req, reply) => {
      if (path.includes(":id")) sessionParam(req);
      return answerOptions(reply, methods);
    });
  }
}

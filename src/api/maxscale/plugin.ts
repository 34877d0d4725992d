import type { FastifyInstance } from "fastify";
import { accessControl, answerOptions } from "./access.js";
import { type Api, sessionParam } from "./api.js";
import { handleError } from "./error-handler.js";
import { rootRoutes } from "./routes/root.js";
import { serviceRoutes } from "./routes/services.js";
import { sessionReadRoutes } from "./routes/sessions-read.js";
import { sessionWriteRoutes } from "./routes/sessions-write.js";
import { sendNoBody } from "./send.js";

/** The contract's limit on request bodies, whatever the server's own is. */
const BODY_LIMIT = 1024 * 1024;

/** The methods of each path (HEAD comes with GET); OPTIONS answers with them. */
const ROUTES: Record<string, readonly string[]> = {
  "/": ["GET", "HEAD"],
  "/maxscale": ["GET", "HEAD"],
  "/sessions": ["GET", "HEAD"],
  "/sessions/restart": ["POST"],
  "/sessions/:id": ["GET", "HEAD", "PATCH", "DELETE"],
  "/sessions/:id/restart": ["POST"],
  "/sessions/:id/relationships/filters": ["PATCH"],
  "/services": ["GET", "HEAD"],
  "/services/:name": ["GET", "HEAD"],
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
  app.setErrorHandler(handleError);
  // At the root of its own listener, the listener's handler gives the same body-less 404.
  if (app.prefix !== "") app.setNotFoundHandler((_req, reply) => sendNoBody(reply, 404));
  rootRoutes(app, api);
  sessionReadRoutes(app, api);
  sessionWriteRoutes(app, api);
  serviceRoutes(app, api);
  for (const [path, methods] of Object.entries(ROUTES)) {
    app.options(path, { config: { public: true } }, async (req, reply) => {
      if (path.includes(":id")) sessionParam(req);
      return answerOptions(reply, methods);
    });
  }
}

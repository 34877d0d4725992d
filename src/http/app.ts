import type { IncomingMessage, ServerResponse } from "node:http";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, LogController, type RawServerDefault } from "fastify";
import type { Logger } from "pino";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { Authenticator } from "../auth/authenticate.js";
import type { Limits } from "../config.js";
import { CoreError } from "../core/errors.js";
import { AccessLog } from "./access-log.js";
import type { EdgeAnswer } from "./edge/api.js";
import { edgeHooks, sendAnswer } from "./edge/hooks.js";
import { type TlsFiles, frontDoor, requestIdOf } from "./edge/listener.js";
import type { ApiTable } from "./edge/table.js";
import type { Metrics } from "./metrics.js";
import { lazyRequestLogger } from "./request-logger.js";
import { validatorCompiler } from "./validation.js";

export type App = FastifyInstance;

/** A listener or plugin scope whose TypeBox route schemas type requests and replies. */
export type TypeBoxApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

export interface AppOptions {
  logger: Logger;
  bodyLimit: number;
  limits: Limits;
  metrics: Metrics;
  auth: Authenticator;
  /** The listener's name in metrics: `main`, or the family that owns it. */
  listener: string;
  /**
   * false leaves out the house hooks (request id, draining, metrics, access log): the
   * benchmark measures what they cost against the same app without them.
   */
  houseHooks?: boolean;
  /** Which API answers which path on this listener. */
  table: ApiTable;
  tls: TlsFiles | null;
}

/**
 * One listener: a Fastify instance behind the edge's front door (edge/listener.ts), with
 * the house settings: request ids (a well-formed `X-Request-Id`, else new), access logs,
 * request metrics, the body limit, the validators, authentication for every API on it
 * (edge/hooks.ts), and a 503 in each API's format while draining. Whatever reaches the
 * listener's root handlers — a path no route knows, an error outside any API's scope —
 * is answered in the format of the API its path belongs to.
 */
export function createApp(options: AppOptions): App {
  const { table, limits } = options;
  const access = new AccessLog(options.logger);
  const door = frontDoor({ name: options.listener, table, limits, tls: options.tls, accessLog: access, metrics: options.metrics });
  const app = Fastify<RawServerDefault>({
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimit,
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyRequestLogger,
    genReqId: (req) => requestIdOf(req.headers),
    serverFactory: door.serverFactory,
    // Not used to make the server (the front door does), only so that Fastify reports https:// addresses.
    ...(options.tls ? { https: {} as never } : {}),
    clientErrorHandler: door.clientErrorHandler,
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: false, maxParamLength: limits.pathSegmentBytes },
    // The edge checked the target: these are backstops, answered in the path's API format.
    frameworkErrors: (error, req, reply) => {
      const path = req.url.split("?", 1)[0]!;
      const status = error.code === "FST_ERR_MAX_PARAM_LENGTH" ? 414 : 400;
      sendAnswer(reply, table.pick(path).error(status, "The request target cannot be read.", { method: req.method, path, query: "", headers: req.headers, requestId: req.id }));
    },
    // Draining is answered by the house hooks, so that each API answers it in its own error format.
    return503OnClosing: false,
    forceCloseConnections: "idle",
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  edgeHooks(app, { table, auth: options.auth, jsonDepth: limits.jsonDepth, drainBytes: limits.drainBytes });
  if (options.houseHooks !== false) houseHooks(app, options, access);

  const edgeRequest = (req: { method: string; url: string; headers: IncomingMessage["headers"]; id: string }) => {
    const [path = "/", query = ""] = req.url.split("?", 2);
    return { method: req.method, path, query, headers: req.headers, requestId: req.id };
  };
  app.setNotFoundHandler((req, reply) => {
    const r = edgeRequest(req);
    return sendAnswer(reply, table.pick(r.path).error(404, `No route ${req.method} ${r.path}.`, r));
  });
  app.setErrorHandler((error, req, reply) => {
    const r = edgeRequest(req);
    const e = error as { statusCode?: unknown; message?: string };
    const given = typeof e.statusCode === "number" && e.statusCode >= 400 ? e.statusCode : 500;
    const status = error instanceof CoreError && error.kind === "unavailable" ? 503 : given;
    if (status >= 500 && status !== 503) req.log.error({ err: error }, "request failed");
    const message = status >= 500 ? (status === 503 ? "The service is unavailable; try again shortly." : "An internal error occurred.") : (e.message ?? "");
    return sendAnswer(reply, table.pick(r.path).error(status, message, r));
  });
  return app as unknown as App;
}

/**
 * Request ids on every answer, a 503 in each API's format while draining, metrics and the
 * access log. A request that arrives on a kept-alive connection while the server drains
 * gets the core's `unavailable`, so the route's family renders it in its own format.
 */
function houseHooks(app: App, options: AppOptions, access: AccessLog): void {
  let draining = false;
  app.addHook("preClose", (done) => {
    draining = true;
    done();
  });
  app.addHook("onRequest", (req, reply, done) => {
    reply.header("x-request-id", req.id);
    if (draining) {
      reply.header("connection", "close");
      return done(new CoreError("unavailable", "The server is shutting down."));
    }
    done();
  });
  // One hook for everything after the answer: each hook costs on every request.
  app.addHook("onResponse", (req, reply, done) => {
    options.metrics.observe(options.listener, req, reply);
    access.record(req, reply);
    done();
  });
}

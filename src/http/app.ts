import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController, type RawServerDefault } from "fastify";
import type { Logger } from "pino";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { CoreError } from "../core/errors.js";
import { AccessLog } from "./access-log.js";
import type { Metrics } from "./metrics.js";
import { validatorCompiler } from "./validation.js";

export type App = FastifyInstance;

/** A listener or plugin scope whose TypeBox route schemas type requests and replies. */
export type TypeBoxApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface AppOptions {
  logger: Logger;
  bodyLimit: number;
  metrics: Metrics;
  /** The listener's name in metrics: `main`, or the family that owns it. */
  listener: string;
  /**
   * false leaves out the house hooks (request id, draining, metrics, access log): the
   * benchmark measures what they cost against the same app without them.
   */
  houseHooks?: boolean;
}

/**
 * A Fastify instance with the house settings: request ids (taken from a well-formed
 * `X-Request-Id`, else new), access logs, request metrics, the body limit, the
 * validators, and a 503 in each API's format while draining.
 * Each listener (the shared port, a family's own port) is one of these.
 */
export function createApp(options: AppOptions): App {
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimit,
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: false, maxParamLength: 512 },
    // Draining is answered below, so that each API answers it in its own error format.
    return503OnClosing: false,
    forceCloseConnections: "idle",
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  if (options.houseHooks === false) return app as unknown as App;

  // A request that arrives on a kept-alive connection while the server drains gets a 503,
  // thrown as the core's `unavailable` so the route's family renders it in its own format.
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
  const access = new AccessLog(options.logger);
  app.addHook("onResponse", (req, reply, done) => {
    options.metrics.observe(options.listener, req, reply);
    access.record(req, reply);
    done();
  });
  return app as unknown as App;
}

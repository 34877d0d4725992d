import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController, type RawServerDefault } from "fastify";
import type { Logger } from "pino";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { redactUrl } from "./redact.js";
import { validatorCompiler } from "./validation.js";

export type App = FastifyInstance;

/** A listener or plugin scope whose TypeBox route schemas type requests and replies. */
export type TypeBoxApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface AppOptions {
  logger: Logger;
  bodyLimit: number;
}

/**
 * A Fastify instance with the house settings: request ids (taken from a well-formed
 * `X-Request-Id`, else new), redacted request logs, the body limit, and the validators.
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
    return503OnClosing: true,
    forceCloseConnections: "idle",
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);

  app.addHook("onRequest", (req, reply, done) => {
    reply.header("x-request-id", req.id);
    done();
  });
  app.addHook("onResponse", (req, reply, done) => {
    if (!options.logger.isLevelEnabled("info")) return done();
    // Only what operators need; credentials never enter the record (see redact.ts).
    req.log.info(
      {
        req: { method: req.method, url: redactUrl(req.url), remoteAddress: req.ip, userAgent: req.headers["user-agent"] },
        res: { statusCode: reply.statusCode },
        responseTime: Math.round(reply.elapsedTime * 100) / 100,
      },
      "request completed",
    );
    done();
  });
  return app as unknown as App;
}

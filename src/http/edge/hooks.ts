import type { Readable } from "node:stream";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { AuthOutcome, Authenticator } from "../../auth/authenticate.js";
import type { App } from "../app.js";
import type { ApiEdge, EdgeAnswer, EdgeRequest } from "./api.js";
import { drainBody } from "./drain.js";
import { JsonDepthGuard, isJsonMedia } from "./json-depth.js";
import { edgeOf } from "./listener.js";
import type { ApiTable } from "./table.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Answered without credentials (a login form, an API's root document). */
    public?: boolean;
    /** The body is bytes kept as sent (a file upload), not JSON to guard, whatever its Content-Type. */
    opaqueBody?: boolean;
  }
}

export interface EdgeHookOptions {
  table: ApiTable;
  auth: Authenticator;
  jsonDepth: number;
  drainBytes: number;
}

const isPreflight = (req: FastifyRequest) => req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined;

function edgeRequest(req: FastifyRequest): EdgeRequest {
  const question = req.url.indexOf("?");
  const path = question < 0 ? req.url : req.url.slice(0, question);
  return { method: req.method, path, query: question < 0 ? "" : req.url.slice(question + 1), headers: req.headers, requestId: req.id };
}

/** An answer sent through Fastify (a HEAD request gets its headers, and Node leaves out the body). */
export function sendAnswer(reply: FastifyReply, answer: EdgeAnswer): FastifyReply {
  reply.code(answer.status).headers(answer.headers);
  if (answer.body === "") {
    reply.removeHeader("content-type");
    return reply.send();
  }
  return reply.send(answer.body);
}

/** Whether a request may pass without credentials: decided by the route the router chose, never by the URL's text. */
function isPublic(req: FastifyRequest, api: ApiEdge): boolean {
  if (api.schemes.length === 0) return true;
  if (req.routeOptions.config.public === true) return true;
  if (api.publicMethods?.includes(req.method)) return true;
  if (isPreflight(req)) return true;
  return req.is404 && !api.authenticateUnknownPaths;
}

/**
 * The edge's hooks on every listener. After the API's own first look at a request
 * (CORS, cache headers: onRequest), and before any body is read or any handler runs
 * (preParsing): credentials are checked once, for every API, on the route the router
 * matched; JSON bodies pass a depth guard. Before an answer leaves (onSend), a body the
 * route never read is drained, so that the client sees the answer instead of a reset.
 */
export function edgeHooks(app: App, options: EdgeHookOptions): void {
  const { table, auth } = options;
  const apiOf = (req: FastifyRequest): ApiEdge => edgeOf(req.raw)?.api ?? table.pick(req.url.split("?", 1)[0]!);

  const guarded = (req: FastifyRequest, api: ApiEdge, payload: Readable): Readable => {
    if (req.method === "GET" || req.method === "HEAD" || req.routeOptions.config.opaqueBody) return payload;
    // A body of n bytes cannot nest deeper than n.
    if (Number(req.headers["content-length"]) <= options.jsonDepth) return payload;
    if (!api.jsonWhateverContentType && !isJsonMedia(req.headers["content-type"])) return payload;
    return payload.pipe(new JsonDepthGuard(options.jsonDepth));
  };

  /** The caller, set on the request, or the refusal, answered: says whether the request goes on. */
  const admit = (req: FastifyRequest, reply: FastifyReply, api: ApiEdge, outcome: AuthOutcome): boolean => {
    if (outcome.principal) {
      req.principal = outcome.principal;
      return true;
    }
    if (api.failureLimiter && req.headers.authorization !== undefined) api.failureLimiter.hit(req.ip);
    sendAnswer(reply, api.unauthenticated(outcome.failure, edgeRequest(req)));
    return false;
  };

  // Once refused, a request goes no further: `done` is not called (the reply is on its way).
  app.addHook("preParsing", (req, reply, payload, done) => {
    const api = apiOf(req);
    if (isPublic(req, api)) return done(null, guarded(req, api, payload));
    const header = req.headers.authorization;
    const wait = api.failureLimiter && header !== undefined ? api.failureLimiter.blocked(req.ip) : null;
    if (wait !== null) {
      sendAnswer(reply.header("retry-after", String(wait)), api.error(429, "Too many failed authentication attempts.", edgeRequest(req)));
      return;
    }
    const outcome = auth.authenticate(header, api.schemes);
    // A cached credential is answered at once, without a promise: the hot path.
    if (!(outcome instanceof Promise)) {
      if (admit(req, reply, api, outcome)) done(null, guarded(req, api, payload));
      return;
    }
    outcome.then((settled) => {
      if (admit(req, reply, api, settled)) done(null, guarded(req, api, payload));
    }, done);
  });

  app.addHook("onSend", (req, reply, payload, done) => {
    if (req.raw.complete) return done(null, payload);
    void drainBody(req.raw, options.drainBytes).then((drained) => {
      if (!drained) reply.header("connection", "close");
      done(null, payload);
    });
  });
}

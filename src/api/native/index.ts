import type { FastifyInstance } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { type CorsPolicy, applyCors } from "../../http/cors.js";
import type { FamilyContext } from "../context.js";
import { problem, sendProblem } from "../../http/problem.js";
import { toProblem } from "./problems.js";
import { accountRoutes } from "./routes/accounts.js";
import { eventRoutes } from "./routes/events.js";
import { logRoutes } from "./routes/log.js";
import { memberRoutes } from "./routes/members.js";
import { serviceRoutes } from "./routes/services.js";
import { sessionRoutes } from "./routes/sessions.js";
import { statsRoutes } from "./routes/stats.js";

export type NativeApp = FastifyInstance<
  FastifyInstance["server"],
  FastifyInstance extends FastifyInstance<infer _S, infer Req> ? Req : never,
  FastifyInstance extends FastifyInstance<infer _S, infer _Req, infer Res> ? Res : never,
  FastifyInstance["log"],
  TypeBoxTypeProvider
>;

export const NATIVE_PREFIX = "/api/v1";

/** The native API under /api/v1: the whole core model in one consistent shape. */
export async function nativeApi(app: FastifyInstance, ctx: FamilyContext): Promise<void> {
  const api = app.withTypeProvider<TypeBoxTypeProvider>() as unknown as NativeApp;
  api.addContentTypeParser("application/merge-patch+json", { parseAs: "string" }, api.getDefaultJsonParser("error", "error"));
  const cors: CorsPolicy = {
    origins: ctx.config.corsOrigins,
    methods: ["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
    headers: ["authorization", "content-type", "if-match", "if-none-match", "idempotency-key", "last-event-id", "x-request-id"],
    maxAgeSeconds: 600,
  };
  api.addHook("onRequest", (req, reply, done) => {
    if (applyCors(cors, req, reply)) return;
    done();
  });
  // Preflights need a route to reach the hooks; with CORS off they are 404 like any unknown route.
  api.options("/*", { schema: { hide: true } }, (req, reply) =>
    sendProblem(reply, problem(404, `No route ${req.method} ${req.url.split("?")[0]}.`, { instance: req.url.split("?")[0] })),
  );
  api.setErrorHandler((error, req, reply) => {
    const body = toProblem(error, req);
    if (body.status >= 500) req.log.error({ err: error }, "native request failed");
    return sendProblem(reply, body);
  });
  api.setNotFoundHandler((req, reply) => sendProblem(reply, problem(404, `No route ${req.method} ${req.url.split("?")[0]}.`, { instance: req.url.split("?")[0] })));
  sessionRoutes(api, ctx);
  memberRoutes(api, ctx);
  logRoutes(api, ctx);
  eventRoutes(api, ctx);
  serviceRoutes(api, ctx);
  accountRoutes(api, ctx);
  statsRoutes(api, ctx);
}

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { CoreError } from "../../core/errors.js";
import type { FamilyContext } from "../context.js";
import type { SasCompute } from "./compute.js";
import { isJsonTooDeep } from "../../http/edge/json-depth.js";
import { SasError, fromCore, invalidBody, sendError, tooLarge, workAreaFull } from "./errors.js";
import { Kit, type Params } from "./kit.js";
import { contextRoutes } from "./routes/contexts.js";
import { dataRoutes } from "./routes/data.js";
import { filerefRoutes } from "./routes/filerefs.js";
import { jobRoutes } from "./routes/jobs.js";
import { logRoutes } from "./routes/log.js";
import { resultRoutes } from "./routes/results.js";
import { rootRoutes } from "./routes/root.js";
import { sessionRoutes } from "./routes/sessions.js";
import { stateRoutes } from "./routes/state.js";
import { variableRoutes } from "./routes/variables.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** A raw upload route: its body limit is the work-area cap. */
    upload?: boolean;
  }
}

export type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
type Method = "GET" | "POST" | "PUT" | "DELETE";

const ALL_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"] as const;

/** JSON request bodies: at most 1 MiB (contract §3.1). */
export const JSON_BODY_LIMIT = 1024 * 1024;

/**
 * One path and the methods it answers; every other method gets 405 with `Allow`. Upload
 * routes take raw bodies up to the work-area cap instead of the JSON limit.
 */
export function resource(app: FastifyInstance, url: string, handlers: Partial<Record<Method, Handler>>, opts: { uploadLimit?: number } = {}): void {
  const methods = Object.keys(handlers) as Method[];
  const allow = methods.flatMap((m) => (m === "GET" ? ["GET", "HEAD"] : [m])).join(", ");
  for (const method of methods) {
    const upload = opts.uploadLimit !== undefined && (method === "PUT" || method === "POST");
    app.route({ method, url, handler: handlers[method]!, bodyLimit: upload ? opts.uploadLimit : JSON_BODY_LIMIT, config: { upload, opaqueBody: upload } });
  }
  for (const method of ALL_METHODS.filter((m) => !methods.includes(m as Method))) {
    app.route({
      method,
      url,
      handler: async (_req, reply) => {
        reply.header("allow", allow);
        throw new SasError(405, 9405, `Method ${method} is not allowed here.`);
      },
    });
  }
}

/** The SAS Viya Compute API under /compute: bodies, errors, routes (credentials are checked at the edge). */
export async function sasComputeApi(app: FastifyInstance, ctx: FamilyContext, compute: SasCompute): Promise<void> {
  const kit = new Kit(ctx.hub, compute);

  app.addHook("onSend", async (_req, reply, payload) => {
    reply.header("cache-control", "no-cache");
    return payload;
  });

  // Bodies arrive raw: JSON routes parse (and type-check) them, uploads keep the bytes,
  // and GET, DELETE and PUT …/state ignore them whatever their Content-Type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_req, body, done) => done(null, body));

  app.setErrorHandler((error: unknown, req, reply) => {
    const sid = (req.params as Params | undefined)?.sid;
    let e: SasError;
    if (error instanceof SasError) e = error;
    else if (error instanceof CoreError) e = fromCore(error, sid);
    else {
      const f = error as FastifyError;
      if (isJsonTooDeep(f)) {
        e = invalidBody(`it is not JSON (${f.message})`);
      } else if (f.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
        e = req.routeOptions.config?.upload ? workAreaFull(compute.config.limits.workAreaBytes) : tooLarge(JSON_BODY_LIMIT);
      } else if (typeof f.statusCode === "number" && f.statusCode >= 400 && f.statusCode < 500) {
        e = new SasError(f.statusCode, 9000 + f.statusCode, f.message);
      } else {
        req.log.error({ err: error }, "sas-compute request failed");
        e = new SasError(500, 9500, "An internal error occurred.");
      }
    }
    return sendError(reply, req, e);
  });
  app.setNotFoundHandler((req, reply) => sendError(reply, req, new SasError(404, 9404, "No such resource.")));

  rootRoutes(app);
  contextRoutes(app, kit);
  sessionRoutes(app, kit);
  stateRoutes(app, kit);
  jobRoutes(app, kit);
  logRoutes(app, kit);
  resultRoutes(app, kit);
  filerefRoutes(app, kit);
  dataRoutes(app, kit);
  variableRoutes(app, kit);
}

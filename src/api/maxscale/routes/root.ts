import type { FastifyInstance } from "fastify";
import { type Api, linksFor } from "../api.js";
import { singleDocument } from "../collection.js";
import { fieldset } from "../fields.js";
import { sendDocument, sendNoBody } from "../send.js";
import { httpDate } from "../time-format.js";
import { SESSIONHUB_VERSION } from "../../../version.js";

/** `GET /v1/` (maxctrl's ping of several hosts) and the `maxscale` resource. */
export function rootRoutes(app: FastifyInstance, api: Api): void {
  app.get("/", async (_req, reply) => sendNoBody(reply, 200));

  app.get("/maxscale", async (req, reply) => {
    const links = linksFor(req, api.config);
    const self = links.maxscale();
    const resource = {
      id: "maxscale",
      type: "maxscale",
      attributes: {
        version: SESSIONHUB_VERSION,
        started_at: httpDate(api.startedAt),
        uptime: Math.max(0, Math.floor((api.hub.clock() - api.startedAt) / 1000)),
        parameters: { retain_last_statements: api.config.retainLastStatements },
      },
      links: { self },
    };
    return sendDocument(req, reply, singleDocument(resource, fieldset(req.query as Record<string, string>, "maxscale")));
  });
}

import type { FastifyInstance } from "fastify";
import type { Service } from "../../../core/types.js";
import { type Api, linksFor } from "../api.js";
import { collectionQuery, inMemoryCollection, singleDocument } from "../collection.js";
import { failure } from "../errors.js";
import { fieldset } from "../fields.js";
import { type StateCounts, renderService } from "../render-service.js";
import { sendDocument } from "../send.js";

type Query = Record<string, string | string[] | undefined>;

/** Every service of the hub, whatever family manages it, ordered by number. */
export function serviceRoutes(app: FastifyInstance, api: Api): void {
  const { hub } = api;

  async function rendering(links: ReturnType<typeof linksFor>) {
    const counts = new Map<string, StateCounts>();
    for (const c of await hub.insights.sessionCounts()) {
      const entry = counts.get(c.serviceId) ?? {};
      entry[c.state] = (entry[c.state] ?? 0) + c.count;
      counts.set(c.serviceId, entry);
    }
    const r = { links, startedAt: api.startedAt, activeKinds: new Set(hub.services.knownKinds()) };
    return (s: Service) => renderService(s, counts.get(s.id) ?? {}, r);
  }

  app.get("/services", async (req, reply) => {
    const links = linksFor(req, api.config);
    const q = collectionQuery(req.query as Query, "services", hub.filterLimits);
    const render = await rendering(links);
    const rows = (await hub.services.list()).map(render);
    return sendDocument(req, reply, inMemoryCollection(links.services(), rows, q));
  });

  app.get("/services/:name", async (req, reply) => {
    const { name } = req.params as { name: string };
    const links = linksFor(req, api.config);
    const service = await hub.services.get(name);
    if (!service) throw failure(404, `${name} is not a service`);
    const render = await rendering(links);
    return sendDocument(req, reply, singleDocument(render(service), fieldset(req.query as Query, "services")), { lastModified: service.updatedAt });
  });
}

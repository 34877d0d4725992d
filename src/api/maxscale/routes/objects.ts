import type { FastifyInstance } from "fastify";
import { type Api, linksFor } from "../api.js";
import { notA, sendCollection } from "../respond.js";

/**
 * The kinds of MaxScale object sessionhub has none of: servers and monitors (it proxies
 * no database), filters, and listeners tied to a service (its listeners serve APIs, not
 * services). Their collections are empty, as a MaxScale with none shows them, and any
 * name is MaxScale's 404 for an unknown object.
 */
const NONE: [collection: string, kind: string][] = [
  ["servers", "server"],
  ["monitors", "monitor"],
  ["filters", "filter"],
  ["listeners", "listener"],
];

export function objectRoutes(app: FastifyInstance, api: Api): void {
  for (const [collection, kind] of NONE) {
    app.get(`/${collection}`, async (req, reply) => sendCollection(req, reply, linksFor(req, api.config).to(collection), collection, [], api.hub.filterLimits));
    app.get(`/${collection}/:name`, async (req) => {
      throw notA(kind, (req.params as { name: string }).name);
    });
  }

  app.get("/services/:name/listeners", async (req, reply) => {
    const { name } = req.params as { name: string };
    if (!(await api.hub.services.get(name))) throw notA("service", name);
    return sendCollection(req, reply, linksFor(req, api.config).to("services", name, "listeners"), "listeners", [], api.hub.filterLimits);
  });

  app.get("/services/:name/listeners/:listener", async (req) => {
    const { name, listener } = req.params as { name: string; listener: string };
    throw (await api.hub.services.get(name)) ? notA("listener", listener) : notA("service", name);
  });

  // No query classifier, so nothing in its cache (`show qc_cache`).
  app.get("/maxscale/query_classifier/cache", async (req, reply) =>
    sendCollection(req, reply, linksFor(req, api.config).to("maxscale", "query_classifier", "cache"), "cache", [], api.hub.filterLimits),
  );
}

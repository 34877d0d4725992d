import type { FastifyInstance, FastifyRequest } from "fastify";
import { type Api, linksFor } from "../api.js";
import { renderLogging } from "../render-logging.js";
import { renderMaxscale } from "../render-maxscale.js";
import { renderModules } from "../render-module.js";
import { THREAD } from "../render-session.js";
import { renderThread } from "../render-thread.js";
import { notA, sendCollection, sendResource } from "../respond.js";

/** `:thread` as MaxScale's `strtol` reads it, naming this node's one worker. */
const isThread = (segment: string) => /^[+-]?[0-9]+$/.test(segment) && Number(segment) === THREAD;

/** The node itself: `show maxscale`, `list threads`/`show thread`, `show logging`, `list modules`/`show module`. */
export function maxscaleRoutes(app: FastifyInstance, api: Api): void {
  const { hub } = api;

  app.get("/maxscale", async (req, reply) => {
    const links = linksFor(req, api.config);
    return sendResource(req, reply, renderMaxscale({ links, now: hub.clock(), startedAt: api.startedAt, retainLastStatements: api.config.retainLastStatements }));
  });

  async function thread(req: FastifyRequest) {
    const sessions = await api.reader.count(req.principal, { field: "nodeId", op: "eq", value: hub.nodeId });
    return renderThread(api.load, sessions, linksFor(req, api.config));
  }

  app.get("/maxscale/threads", async (req, reply) => sendCollection(req, reply, linksFor(req, api.config).to("maxscale", "threads"), "threads", [await thread(req)], api.hub.filterLimits));

  app.get("/maxscale/threads/:thread", async (req, reply) => {
    const segment = (req.params as { thread: string }).thread;
    if (!isThread(segment)) throw notA("thread", segment);
    return sendResource(req, reply, await thread(req));
  });

  app.get("/maxscale/logs", async (req, reply) => sendResource(req, reply, renderLogging(api.logLevel(), linksFor(req, api.config))));

  const modules = (links: ReturnType<typeof linksFor>) => renderModules(hub.services.knownKinds(), links);

  // `?load=all` (`show modules --load-all`) changes nothing: every module is always loaded.
  app.get("/maxscale/modules", async (req, reply) => {
    const links = linksFor(req, api.config);
    return sendCollection(req, reply, links.to("maxscale", "modules"), "modules", modules(links), api.hub.filterLimits);
  });

  app.get("/maxscale/modules/:module", async (req, reply) => {
    const { module: name } = req.params as { module: string };
    const found = modules(linksFor(req, api.config)).find((m) => m.id === name);
    if (!found) throw notA("module", name);
    return sendResource(req, reply, found);
  });
}

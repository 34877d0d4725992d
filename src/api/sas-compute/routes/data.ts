import type { FastifyInstance } from "fastify";
import { collection, select, sessionCollection } from "../collection.js";
import { notFound } from "../errors.js";
import type { Fields } from "../filter.js";
import type { Kit, Params } from "../kit.js";
import { link } from "../links.js";
import { T, lists, negotiate, sendJson } from "../media.js";
import { resource } from "../plugin.js";
import { WORK, library, librarySummary, sessionHref } from "../render.js";

const FIELDS: Fields = { id: { kind: "string" }, name: { kind: "string" }, libref: { kind: "string" } };

/** Libraries: only WORK, the session's work area, whose tables collection is always empty. */
export function dataRoutes(app: FastifyInstance, kit: Kit): void {
  resource(app, "/sessions/:sid/data", {
    GET: async (req, reply) => {
      const form = negotiate(req, T.collection);
      const s = await kit.session(req);
      const page = select(kit, req, [WORK], FIELDS, (lib) => lib, { defaultSort: "name", defaultLimit: 10 });
      const body = sessionCollection(req, s, "libraries", T.librarySummary, page, page.items.map(() => librarySummary(s)));
      return sendJson(reply, 200, T.collection, form, body);
    },
  });

  resource(app, "/sessions/:sid/data/:lib", {
    GET: async (req, reply) => {
      const tables = lists(req, T.collection);
      const form = negotiate(req, tables ? T.collection : T.library);
      const s = await kit.session(req);
      const lib = ((req.params as Params).lib ?? "").toUpperCase();
      if (lib !== WORK) throw notFound(`Library ${lib} is not assigned.`);
      if (!tables) return sendJson(reply, 200, T.library, form, library(s));
      const href = `${sessionHref(s)}/data/${WORK}`;
      const page = select(kit, req, [] as string[], { id: { kind: "string" }, name: { kind: "string" } }, () => null, {
        defaultSort: "name",
        defaultLimit: 10,
      });
      const body = collection({
        name: "tables",
        accept: T.tableSummary,
        href,
        paging: page.paging,
        count: 0,
        items: [],
        query: req.query as Record<string, unknown>,
        up: link("GET", "up", href, { type: T.library }),
      });
      return sendJson(reply, 200, T.collection, form, body);
    },
  });
}

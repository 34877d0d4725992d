import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Principal } from "../../../core/types.js";
import { type Api, linksFor, liveSession } from "../api.js";
import { type CollectionQuery, collectionDocument, collectionQuery, filterRows, singleDocument } from "../collection.js";
import { fieldset } from "../fields.js";
import { pushdown } from "../filter-pushdown.js";
import { pageSlice } from "../paging.js";
import { booleanParam, queryParam } from "../params.js";
import { RDNS_BUDGET_MS } from "../rdns.js";
import type { Document, Resource } from "../resource.js";
import { sessionServices } from "../render-session.js";
import { needsOf } from "../session-reader.js";
import { sendDocument } from "../send.js";

type Query = Record<string, string | string[] | undefined>;

const rdnsDeadline = (req: FastifyRequest) => (booleanParam(queryParam(req, "rdns")) === true ? Date.now() + RDNS_BUDGET_MS : null);

/**
 * The sessions collection: build rows → filter → page → fields. Conditions on the
 * pushed-down pointers select in the store; when they say everything the filter says,
 * the page is cut in the store too, so only its rows are read and rendered.
 */
export async function sessionsDocument(api: Api, req: FastifyRequest, p: Principal, q: CollectionQuery): Promise<Document> {
  const { reader } = api;
  const r = { now: api.hub.clock(), links: linksFor(req, api.config) };
  const needs = needsOf(q.fields, q.filters, rdnsDeadline(req));
  const pushed = pushdown(q.filters, (where) => reader.fits(where));
  const self = r.links.sessions();
  if (q.page && pushed.exact) {
    const total = await reader.count(p, pushed.where);
    const { offset, limit } = pageSlice(total, q.page);
    return collectionDocument(self, await reader.render(await reader.page(p, pushed.where, offset, limit), needs, r), q, total);
  }
  const rows: Resource[] = [];
  const rest = pushed.exact ? [] : q.filters;
  for await (const batch of reader.batches(p, pushed.where)) rows.push(...filterRows(await reader.render(batch, needs, r), rest));
  return collectionDocument(self, rows, q);
}

export function sessionReadRoutes(app: FastifyInstance, api: Api): void {
  app.get("/sessions", async (req, reply) => {
    const doc = await sessionsDocument(api, req, req.principal, collectionQuery(req.query as Query, "sessions", api.hub.filterLimits));
    return sendDocument(req, reply, doc);
  });

  app.get("/sessions/:id", async (req, reply) => {
    const s = await liveSession(api, req);
    const fields = fieldset(req.query as Query, "sessions");
    const r = { now: api.hub.clock(), links: linksFor(req, api.config) };
    const [row] = await api.reader.render([s], needsOf(fields, [], rdnsDeadline(req)), r);
    return sendDocument(req, reply, singleDocument(row!, fields), { lastModified: s.updatedAt });
  });

  // The relationship's own link: the relationship object itself, as MaxScale serves those of its other objects.
  app.get("/sessions/:id/relationships/services", async (req, reply) => {
    const s = await liveSession(api, req);
    return sendDocument(req, reply, sessionServices(s, linksFor(req, api.config)));
  });
}

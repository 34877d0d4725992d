import type { FastifyInstance, FastifyRequest } from "fastify";
import { isCoreError } from "../../../core/errors.js";
import * as policy from "../../../core/policy.js";
import { type Condition, type SessionField, type SortKey, and } from "../../../core/query.js";
import type { Session } from "../../../core/types.js";
import { RenderedPages } from "../../../http/rendered.js";
import { collection, paging, param } from "../collection.js";
import { COMPUTE_SESSIONS } from "../compute.js";
import { sessionNotFound } from "../errors.js";
import { type Fields, compileFilter, invalidFilter, parseSortBy } from "../filter.js";
import { coreId, sessionTag } from "../ids.js";
import type { Kit, Params } from "../kit.js";
import { BASE } from "../links.js";
import { T, acceptsItem, lists, negotiate, sendJson, sendJsonText } from "../media.js";
import { resource } from "../plugin.js";
import { rootLink, session, sessionStatistics, sessionSummary } from "../render.js";

const str = (field: string): Fields[string] => ({ kind: "string", compile: (op, value) => ({ field, op, value }) });

/** SAS session fields in the core query model (contract §4); `failed` is an ended session that failed. */
const FIELDS: Fields = {
  id: { kind: "string", compile: (op, value) => ({ field: "id", op, value: op === "likeCase" ? value : (coreId(String(value)) ?? String(value)) }) },
  name: str("name"),
  description: str("description"),
  owner: str("owner"),
  state: {
    kind: "string",
    compile: (op, value) => {
      const failed: Condition = { and: [{ field: "state", op: "eq", value: "ended" }, { field: "endReason", op: "eq", value: "failed" }] };
      if (value === "failed" && (op === "eq" || op === "ne")) return op === "eq" ? failed : { not: failed };
      return { field: "state", op, value };
    },
  },
  serverId: str("nodeId"),
  creationTimeStamp: { kind: "time", compile: (op, value) => ({ field: "createdAt", op, value }) },
};

const SORT_FIELDS: Record<string, SessionField> = {
  id: "id",
  name: "name",
  description: "description",
  owner: "owner",
  state: "state",
  serverId: "nodeId",
  creationTimeStamp: "createdAt",
};

/** A session's end by DELETE: `closed` by its owner, `killed` by an administrator on another's. */
export async function deleteSession(kit: Kit, req: FastifyRequest, s: Session): Promise<boolean> {
  if (s.state === "ended") {
    await kit.hub.sessions.delete(req.principal, s.id);
    return true;
  }
  const reason = policy.isOwner(req.principal, s) ? "closed" : "killed";
  const { changed } = await kit.hub.sessions.end(req.principal, s.id, reason);
  if (changed) kit.compute.runner.cancelStartup(s.id);
  return changed;
}

export function sessionRoutes(app: FastifyInstance, kit: Kit): void {
  const pages = new RenderedPages();
  resource(app, "/sessions", {
    GET: async (req, reply) => {
      const form = negotiate(req, T.collection);
      const query = req.query as Record<string, unknown>;
      const filter = param(query, "filter");
      const where = and(
        COMPUTE_SESSIONS,
        { or: [{ field: "state", op: "ne", value: "ended" }, { field: "endReason", op: "eq", value: "failed" }] },
        filter ? compileFilter(filter, FIELDS, kit.hub.filterLimits) : undefined,
      );
      const sortBy = param(query, "sortBy");
      const sort: SortKey[] = sortBy
        ? parseSortBy(sortBy, Object.keys(SORT_FIELDS)).map((k) => ({ field: SORT_FIELDS[k.field]!, dir: k.dir }))
        : [{ field: "createdAt", dir: "asc" }];
      const p = paging(query, 10, kit.limits.maxLimit);
      const page = await kit.hub.sessions.list(req.principal, { where, sort, limit: p.limit, offset: p.start, count: true }).catch((e: unknown) => {
        // Sort and paging are checked above: what the core refuses is the filter with this route's own conditions.
        throw isCoreError(e, "invalid") ? invalidFilter(e.message) : e;
      });
      const full = acceptsItem(req, T.session);
      const text = (items: unknown[]) =>
        JSON.stringify(
          collection({
            name: "sessions",
            accept: full ? T.session : T.sessionSummary,
            href: `${BASE}/sessions`,
            paging: p,
            count: page.total ?? 0,
            items,
            query,
            up: rootLink(),
          }),
        );
      if (!full) {
        // Summaries are made from the sessions alone: the text is kept with its page.
        const bytes = pages.bytes(page, `${form}\n${JSON.stringify(query)}`, () => Buffer.from(text(page.items.map(sessionSummary))));
        return sendJsonText(reply, 200, T.collection, form, bytes);
      }
      const stats = await kit.hub.insights.logStats(page.items.map((s) => s.id));
      const now = kit.hub.clock();
      const items = page.items.map((s) => session(s, sessionStatistics(s, stats.get(s.id)), kit.compute.runner.counters(s), now));
      return sendJsonText(reply, 200, T.collection, form, text(items));
    },
  });

  resource(app, "/sessions/:sid", {
    GET: async (req, reply) => {
      const summary = lists(req, T.sessionSummary) && !lists(req, T.session);
      const form = negotiate(req, summary ? T.sessionSummary : T.session);
      const s = await kit.session(req);
      reply.header("etag", sessionTag(s));
      if (summary) return sendJson(reply, 200, T.sessionSummary, form, sessionSummary(s));
      return sendJson(reply, 200, T.session, form, session(s, await kit.sessionStats(s), kit.compute.runner.counters(s), kit.hub.clock()));
    },
    DELETE: async (req, reply) => {
      const s = await kit.session(req, { activity: false });
      kit.changeable(req, s);
      if (!(await deleteSession(kit, req, s))) throw sessionNotFound((req.params as Params).sid ?? "");
      return reply.code(204).send();
    },
  });
}

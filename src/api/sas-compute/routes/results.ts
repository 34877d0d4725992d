import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Condition, Scalar } from "../../../core/query.js";
import type { StoredResult } from "../../../compute/session-data.js";
import { collection, param, select } from "../collection.js";
import { notFound } from "../errors.js";
import type { Fields } from "../filter.js";
import type { Kit, Params } from "../kit.js";
import { link } from "../links.js";
import { T, negotiate, sendJson } from "../media.js";
import { resource } from "../plugin.js";
import { jobHref, result, sessionHref } from "../render.js";

const FIELDS: Fields = { id: { kind: "string" }, name: { kind: "string" }, type: { kind: "string" } };

const field = (r: StoredResult, f: string): Scalar => (f === "id" ? r.id : f === "name" ? r.name : f === "type" ? r.type : r.createdAt);

/** `includeTypes` / `excludeTypes`: comma-separated, case-insensitive; unknown names match nothing. */
function typeCondition(query: Record<string, unknown>): Condition | undefined {
  const list = (name: string) =>
    param(query, name)
      ?.split(",")
      .map((t) => t.trim().toUpperCase())
      .filter((t) => t !== "");
  const include = list("includeTypes");
  const exclude = list("excludeTypes");
  const parts: Condition[] = [];
  if (include) parts.push(include.length > 0 ? { field: "type", op: "in", values: include } : { or: [] });
  if (exclude?.length) parts.push({ not: { field: "type", op: "in", values: exclude } });
  return parts.length === 0 ? undefined : { and: parts };
}

async function list(kit: Kit, req: FastifyRequest, reply: FastifyReply, scope: "session" | "job") {
  const form = negotiate(req, T.collection);
  const s = await kit.session(req);
  const job = scope === "job" ? await kit.job(req, s) : null;
  const data = kit.compute.data(s.id, await kit.compute.limitsOfSession(s));
  const all = (await data.results()).filter((r) => !job || r.jobId === job.id);
  const query = req.query as Record<string, unknown>;
  const page = select(kit, req, all, FIELDS, field, { defaultSort: "createdAt", defaultLimit: 100, where: typeCondition(query) });
  const body = collection({
    name: "results",
    accept: T.result,
    href: job ? `${jobHref(s, job)}/results` : `${sessionHref(s)}/results`,
    paging: page.paging,
    count: page.count,
    items: page.items.map((r) => result(s, r)),
    query,
    up: job ? link("GET", "up", jobHref(s, job), { type: T.job }) : link("GET", "up", sessionHref(s), { type: T.session }),
  });
  return sendJson(reply, 200, T.collection, form, body);
}

export function resultRoutes(app: FastifyInstance, kit: Kit): void {
  resource(app, "/sessions/:sid/results", { GET: (req, reply) => list(kit, req, reply, "session") });
  resource(app, "/sessions/:sid/jobs/:jid/results", { GET: (req, reply) => list(kit, req, reply, "job") });
  resource(app, "/sessions/:sid/results/:rid", {
    // Content in its own media type, whatever Accept says (saspy asks for a collection).
    GET: async (req, reply) => {
      const s = await kit.session(req);
      const rid = (req.params as Params).rid ?? "";
      const found = await kit.compute.data(s.id, await kit.compute.limitsOfSession(s)).result(rid);
      if (!found) throw notFound(`Result "${rid}" was not found.`);
      const type = found.result.mediaType.startsWith("text/") ? `${found.result.mediaType};charset=utf-8` : found.result.mediaType;
      return reply.code(200).header("content-type", type).send(Buffer.from(found.content));
    },
  });
}

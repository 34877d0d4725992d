import { Readable } from "node:stream";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { Condition, SortKey } from "../../../core/query.js";
import { RenderedPages, joinJson } from "../../../http/rendered.js";
import type { Principal, Service, Session } from "../../../core/types.js";
import { readBody } from "../body.js";
import type { Roundware } from "../context.js";
import { detail, notFound } from "../errors.js";
import { pathId } from "../fields.js";
import { KIND } from "../projects.js";
import { ATTRIBUTES, lacksLanguage, sessionBytes } from "../render.js";
import { sendJson, sendJsonText } from "../reply.js";
import { parseSessionDraft } from "../session-input.js";
import { type Query, sessionCondition } from "../session-query.js";

const BY_NUMBER: SortKey[] = [{ field: "number", dir: "asc" }];
/** Rows per store query while a list streams out. */
const BATCH = 500;
/** Whole lists as last sent, by page (one page of the store is one list). */
const pages = new RenderedPages();

/**
 * The whole matching list as one plain JSON array (the wire has no paging), read from
 * the core in keyset batches so memory stays bounded however many sessions match.
 */
async function sendList(rw: Roundware, reply: FastifyReply, p: Principal, where: Condition, projects: readonly Service[]) {
  const numbers = new Map(projects.map((s) => [s.id, s.number]));
  let defaultLanguage: number | undefined;
  /** The language shown for sessions that have none, read once, when a batch holds such a session. */
  const languageFor = async (items: readonly Session[]): Promise<number> => {
    if (defaultLanguage === undefined && items.some(lacksLanguage)) defaultLanguage = await rw.defaultLanguageId();
    return defaultLanguage ?? 1;
  };
  /** A batch's items, comma-separated, after `open` and before `close`. */
  const render = (open: string, items: readonly Session[], close: string, language: number): Buffer =>
    joinJson(open, items.map((s) => sessionBytes(s, numbers.get(s.serviceId)!, language)), close);
  const page = (cursor?: string) => rw.ctx.hub.sessions.list(p, { where, sort: BY_NUMBER, limit: BATCH, ...(cursor ? { cursor } : {}) });
  const first = await page();
  if (!first.nextCursor) {
    // Besides the page, the bytes are made from the language and the projects' numbers,
    // which are fixed when a project is created.
    const language = await languageFor(first.items);
    return sendJsonText(reply, pages.bytes(first, String(language), () => render("[", first.items, "]", language)));
  }
  async function* rest(cursor: string | null): AsyncGenerator<Buffer> {
    yield render("[", first.items, "", await languageFor(first.items));
    while (cursor) {
      const next = await page(cursor);
      if (next.items.length > 0) yield render(",", next.items, "", await languageFor(next.items));
      cursor = next.nextCursor;
    }
    yield Buffer.from("]");
  }
  return reply.type("application/json").send(Readable.from(rest(first.nextCursor)));
}

export function sessionRoutes(app: FastifyInstance, rw: Roundware): void {
  const { hub, users } = rw.ctx;

  app.get("/sessions", async (req, reply) => {
    const found = await sessionCondition(rw, req.query as Query);
    if (!found) return sendJson(reply, []);
    return sendList(rw, reply, req.principal, found.where, found.projects);
  });

  app.get("/sessions/count", async (req, reply) => {
    const found = await sessionCondition(rw, req.query as Query);
    return sendJson(reply, { count: found ? await hub.sessions.count(req.principal, found.where) : 0 });
  });

  app.get<{ Params: { id: string } }>("/sessions/:id", async (req, reply) => {
    const number = pathId(req.params.id);
    if (number === null) throw notFound();
    const s = await hub.sessions.get(req.principal, number);
    const service = await hub.services.get(s.serviceId);
    if (!service || service.kind !== KIND) throw notFound();
    return sendJsonText(reply, sessionBytes(s, service.number, lacksLanguage(s) ? await rw.defaultLanguageId() : 1));
  });

  app.post("/sessions", async (req, reply) => {
    const draft = await parseSessionDraft(rw, readBody(req, ["json"]));
    const key = req.headers["idempotency-key"];
    if (key !== undefined && (typeof key !== "string" || key.length === 0 || key.length > 255)) {
      throw detail(400, "Idempotency-Key must be 1–255 characters.");
    }
    const user = await users.find(req.principal.userId);
    const clientType = draft.clientType === undefined ? user?.clientType : draft.clientType;
    const { session } = await hub.sessions.create(
      req.principal,
      {
        serviceId: draft.project.id,
        visibility: "private",
        client: {
          address: req.ip,
          ...(req.headers["user-agent"] ? { userAgent: req.headers["user-agent"] } : {}),
          system: draft.clientSystem,
          ...(clientType != null ? { type: clientType } : {}),
          ...(user?.deviceId ? { deviceId: user.deviceId } : {}),
          timezone: draft.timezone,
          language: draft.language.language_code,
        },
        attributes: {
          [ATTRIBUTES]: {
            language_id: draft.language.id,
            geo_listen_enabled: draft.geoListenEnabled,
            demo_stream_enabled: draft.demoStreamEnabled,
          },
        },
      },
      typeof key === "string" ? { key, scope: `user:${req.principal.userId}|roundware:create-session` } : undefined,
    );
    // A replayed create answers with the session it made then, whatever this body said.
    const project = session.serviceId === draft.project.id ? draft.project : await hub.services.get(session.serviceId);
    return sendJsonText(reply, sessionBytes(session, project?.number ?? draft.project.number, draft.language.id));
  });
}

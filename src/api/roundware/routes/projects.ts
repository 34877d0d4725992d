import type { FastifyInstance } from "fastify";
import type { Roundware } from "../context.js";
import { type FieldErrors, detail, failIfAny, notFound } from "../errors.js";
import { pathId } from "../fields.js";
import { KIND, PROJECT_FILTERS, renderProject } from "../projects.js";
import { sessionLanguageId } from "../render.js";
import { sendJson } from "../reply.js";
import { type Query, booleanParam, param } from "../session-query.js";

/** R5 and R11: projects are read here and administered through sessionhub's own means. */
export function projectRoutes(app: FastifyInstance, rw: Roundware): void {
  const { hub } = rw.ctx;

  app.get<{ Params: { id: string } }>("/projects/:id", async (req, reply) => {
    const project = await rw.project(pathId(req.params.id));
    if (!project) throw notFound();
    const raw = param(req.query as Query, "session_id");
    if (raw === undefined) throw detail(400, "session_id parameter is required");
    const number = pathId(raw);
    if (number === null) throw notFound();
    // The session localises the project; the caller must be able to read it.
    const session = await hub.sessions.get(req.principal, number);
    const service = await hub.services.get(session.serviceId);
    if (!service || service.kind !== KIND) throw notFound();
    const languageId = sessionLanguageId(session);
    const language = languageId !== null ? await rw.languages.get(languageId) : await rw.languages.defaultLanguage();
    return sendJson(reply, renderProject(project, language?.language_code ?? null));
  });

  app.get("/projects", async (req, reply) => {
    const query = req.query as Query;
    const errors: FieldErrors = {};
    const flags = PROJECT_FILTERS.map((name) => [name, booleanParam(query, name, errors)] as const);
    failIfAny(errors);
    const name = param(query, "name")?.toLowerCase();
    const rendered = (await rw.projects())
      .map((p) => renderProject(p, "en"))
      .filter((p) => name === undefined || p.name.toLowerCase().includes(name))
      .filter((p) => flags.every(([key, value]) => value === undefined || p[key] === value));
    return sendJson(reply, rendered);
  });
}

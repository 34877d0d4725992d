import type { JsonObject } from "../../../core/types.js";
import { quoteTag } from "../../../http/conditional.js";
import type { FamilyContext } from "../../context.js";
import type { NativeApp } from "../index.js";
import { renderService } from "../render.js";
import * as S from "../schemas.js";
import { notFound } from "../../../core/errors.js";

const errors = { 400: S.Problem, 401: S.Problem, 403: S.Problem, 404: S.Problem };

export function serviceRoutes(app: NativeApp, ctx: FamilyContext): void {
  const { services } = ctx.hub;

  app.get("/services", { schema: { tags: ["services"], summary: "List services", response: { 200: S.ServiceList, ...errors } } }, async () => ({
    items: (await services.list()).map(renderService),
  }));

  app.post("/services", { schema: { tags: ["services"], summary: "Create a service (admin)", body: S.CreateService, response: { 201: S.Service, ...errors, 409: S.Problem } } }, async (req, reply) => {
    const s = await services.create(req.principal, { ...req.body, settings: req.body.settings as JsonObject | undefined });
    return reply.code(201).header("location", `/api/v1/services/${s.id}`).header("etag", quoteTag(s.version)).send(renderService(s));
  });

  app.get("/services/:id", { schema: { tags: ["services"], summary: "One service", params: S.ServiceParams, response: { 200: S.Service, ...errors } } }, async (req, reply) => {
    const s = await services.get(req.params.id);
    if (!s) throw notFound("service");
    return reply.header("etag", quoteTag(s.version)).send(renderService(s));
  });

  app.patch("/services/:id", { schema: { tags: ["services"], summary: "Change a service (admin)", params: S.ServiceParams, body: S.PatchService, response: { 200: S.Service, ...errors, 409: S.Problem } } }, async (req, reply) => {
    const { version, settings, ...rest } = req.body;
    const s = await services.update(
      req.principal,
      req.params.id,
      { ...rest, ...(settings !== undefined ? { settings: settings as JsonObject } : {}) },
      version ?? null,
    );
    return reply.header("etag", quoteTag(s.version)).send(renderService(s));
  });

  app.delete("/services/:id", { schema: { tags: ["services"], summary: "Delete a service; refused while it has live sessions unless force", params: S.ServiceParams, querystring: S.ForceQuery, response: { 204: S.Empty, ...errors, 409: S.Problem } } }, async (req, reply) => {
    await services.delete(req.principal, req.params.id, req.query.force === true);
    return reply.code(204).send(null);
  });
}

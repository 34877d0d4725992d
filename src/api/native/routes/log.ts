import type { FamilyContext } from "../../context.js";
import type { NativeApp } from "../index.js";
import { renderLogLine } from "../render.js";
import * as S from "../schemas.js";

const errors = { 400: S.Problem, 401: S.Problem, 403: S.Problem, 404: S.Problem };

export function logRoutes(app: NativeApp, ctx: FamilyContext): void {
  const { sessions } = ctx.hub;

  app.get("/sessions/:id/log", { schema: { tags: ["log"], summary: "Read log or listing lines", params: S.SessionParams, querystring: S.LogQuery, response: { 200: S.LogPage, ...errors } } }, async (req) => {
    const from = req.query.from ?? 0;
    const limit = req.query.limit ?? 100;
    const { lines, total } = await sessions.readLog(req.principal, req.params.id, { stream: req.query.stream ?? "log", from, limit });
    const end = from + lines.length;
    return { items: lines.map(renderLogLine), total, nextFrom: end < total ? end : null };
  });

  app.post("/sessions/:id/log", { schema: { tags: ["log"], summary: "Append lines", params: S.SessionParams, body: S.AppendLog, response: { 201: S.LogAppended, ...errors } } }, async (req, reply) => {
    const lines = await sessions.appendLog(
      req.principal,
      req.params.id,
      req.body.lines.map((l) => ({ stream: l.stream ?? "log", type: l.type ?? "normal", text: l.text })),
    );
    return reply.code(201).send({ items: lines.map(renderLogLine) });
  });
}

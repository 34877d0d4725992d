import type { FamilyContext } from "../../context.js";
import type { NativeApp } from "../index.js";
import { renderSession } from "../render.js";
import * as S from "../schemas.js";
import { quoteTag } from "../../../http/conditional.js";

const errors = { 400: S.Problem, 401: S.Problem, 403: S.Problem, 404: S.Problem };

export function memberRoutes(app: NativeApp, ctx: FamilyContext): void {
  const { sessions } = ctx.hub;

  app.get("/sessions/:id/members", { schema: { tags: ["members"], summary: "Members of a session", params: S.SessionParams, response: { 200: S.MemberList, ...errors } } }, async (req) => {
    const s = await sessions.get(req.principal, req.params.id);
    return { items: renderSession(s).members };
  });

  app.post(
    "/sessions/:id/members",
    { schema: { tags: ["members"], summary: "Join as the caller (201), or confirm membership (200)", params: S.SessionParams, body: S.Join, response: { 200: S.Session, 201: S.Session, ...errors, 409: S.Problem, 429: S.Problem } } },
    async (req, reply) => {
      const { session, joined } = await sessions.join(req.principal, req.params.id, {
        password: req.body?.password,
        team: req.body?.team,
      });
      return reply.code(joined ? 201 : 200).header("etag", quoteTag(session.version)).send(renderSession(session));
    },
  );

  app.delete(
    "/sessions/:id/members/:userId",
    { schema: { tags: ["members"], summary: "Leave (yourself, or `me`) or remove a member (owner or admin)", params: S.MemberParams, response: { 204: S.Empty, ...errors } } },
    async (req, reply) => {
      const userId = req.params.userId === "me" ? req.principal.userId : req.params.userId;
      await sessions.leave(req.principal, req.params.id, userId);
      return reply.code(204).send(null);
    },
  );
}

import type { FastifyReply, FastifyRequest } from "fastify";
import { isCoreError, notFound } from "../../../core/errors.js";
import type { FamilyContext } from "../../context.js";
import { badRequest } from "../errors.js";
import type { TypeBoxApp } from "../../../http/app.js";
import { sendSession } from "../render.js";
import { type QueryString, single } from "../query.js";
import { RULES, SessionParams } from "../schemas.js";
import { type GameService, sessionIdOf } from "../service.js";

/** What a join may carry: a password and a team, from the body (POST), a header or the query. */
interface JoinInput {
  password?: string;
  team?: number;
}

function joinInput(req: FastifyRequest): JoinInput {
  const body = req.body ?? {};
  if (typeof body !== "object" || Array.isArray(body)) throw badRequest("The request body must be a JSON object.");
  const sent = body as Record<string, unknown>;
  const query = req.query as QueryString;
  const password = sent.password ?? single("X-Session-Password", req.headers["x-session-password"]) ?? single("password", query.password);
  if (password !== undefined && password !== null && (typeof password !== "string" || password.length > 128)) throw badRequest(RULES.password);
  const asked = single("team", query.team);
  const team = sent.team ?? (asked === undefined ? undefined : /^\d{1,9}$/.test(asked) ? Number(asked) : Number.NaN);
  if (team !== undefined && team !== null && !Number.isInteger(team)) throw badRequest(RULES.team);
  return {
    ...(typeof password === "string" && password !== "" ? { password } : {}),
    ...(typeof team === "number" ? { team } : {}),
  };
}

/** Join (E8) and leave (E9), as GETs and as POSTs (E10); each one atomic in the core. */
export function membershipRoutes(app: TypeBoxApp, ctx: FamilyContext, service: GameService): void {
  const { sessions } = ctx.hub;
  const options = { schema: { params: SessionParams }, exposeHeadRoute: false };

  const join = async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
    const id = sessionIdOf(req.params.id);
    if (!id) throw notFound();
    const { password, team } = joinInput(req);
    const { session, joined } = await sessions.join(req.principal, id, {
      password,
      team,
      maxMembers: await service.maxUsers(),
      serviceId: service.id,
    });
    // A repeated join changes nothing but is still the user's activity on their session.
    return sendSession(reply, joined ? session : sessions.markActivity(session));
  };

  // Leaving a session one is not in, or that is gone or invisible, is done already.
  const leave = async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
    const id = sessionIdOf(req.params.id);
    if (id) {
      try {
        await sessions.leave(req.principal, id, req.principal.userId, { migrateOwner: true, endWhenEmpty: true, serviceId: service.id });
      } catch (e) {
        if (!isCoreError(e, "not-found")) throw e;
      }
    }
    return reply.code(200).send();
  };

  app.get("/:id/join", options, join);
  app.post("/:id/join", options, join);
  app.get("/:id/leave", options, leave);
  app.post("/:id/leave", options, leave);
}

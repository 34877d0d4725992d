import { isCoreError } from "../../../core/errors.js";
import { eq } from "../../../core/query.js";
import { layoutCapacity } from "../../../core/teams.js";
import type { JsonObject, Member } from "../../../core/types.js";
import type { TypeBoxApp } from "../../../http/app.js";
import { RenderedPages, joinJson, sendSerialised } from "../../../http/rendered.js";
import type { FamilyContext } from "../../context.js";
import { badRequest } from "../errors.js";
import { spelling, unique, withGameFields } from "../model.js";
import { type QueryString, parseFilters, parseList } from "../query.js";
import { sendSession, sessionBytes } from "../render.js";
import * as S from "../schemas.js";
import type { GameService } from "../service.js";
import { assignTeams } from "../teams.js";

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** The collection (FindAll, Count, Create, Truncate) and one session (FindById, Delete). */
export function sessionRoutes(app: TypeBoxApp, ctx: FamilyContext, service: GameService): void {
  const { sessions } = ctx.hub;
  const pages = new RenderedPages();

  app.get("/", { schema: { response: { 200: S.SessionList } } }, async (req, reply) => {
    const query = parseList(req.query as QueryString, ctx.hub.filterLimits);
    const page = await sessions.list(req.principal, { ...query, where: service.where(query.where) });
    return sendSerialised(reply, pages.bytes(page, "", () => joinJson("[", page.items.map((s) => sessionBytes(reply, s)), "]")));
  });

  // Count applies the filters only: limit, skip and sort are ignored, not even validated.
  app.get("/count", { schema: { response: { 200: S.Count } } }, async (req) => ({
    count: await sessions.count(req.principal, service.where(parseFilters(req.query as QueryString, ctx.hub.filterLimits))),
  }));

  // A body that fails its schema goes to the plugin's error handler, which names the field.
  app.post("/", { schema: { body: S.CreateBody, response: { 201: S.Session } } }, async (req, reply) => {
    const input = req.body;
    const p = req.principal;
    const key = req.headers["idempotency-key"];
    if (key !== undefined && (typeof key !== "string" || !IDEMPOTENCY_KEY.test(key))) {
      throw badRequest("Idempotency-Key must be 1–255 printable characters.");
    }
    const maxUsers = await service.maxUsers();
    const layout = { count: input.numTeams ?? 0, size: input.teamSize ?? 0 };
    const capacity = layoutCapacity(layout);
    if ((capacity ?? 0) > maxUsers) throw badRequest(`numTeams × teamSize must be at most ${maxUsers}.`);
    // An administrator may leave the session to the system with an explicit ""; anyone else hosts it.
    const host = input.hostUid === "" && p.isAdmin ? null : input.hostUid || p.userId;
    const users = unique([...(host === null ? [] : [host]), ...(input.users ?? [])]);
    if (users.length > (capacity ?? maxUsers)) throw badRequest(`There are more users than the capacity (${capacity ?? maxUsers}).`);
    const members: Member[] = users.map((userId) => ({ userId, joinedAt: 0, team: null }));
    const placed = layout.count > 0 ? assignTeams(members, layout, input.teams ?? [], false) : members;
    const visibility = spelling(input.visibility ?? "");
    const { session } = await sessions.create(
      p,
      {
        serviceId: service.id,
        owner: host,
        members: placed.map((m) => ({ userId: m.userId, team: m.team })),
        teams: layout,
        visibility: visibility === "private" ? "private" : "public",
        password: input.password || null,
        capacity,
        status: input.status || null,
        invited: unique(input.invited ?? []),
        client: { address: req.ip, ...(req.headers["user-agent"] ? { userAgent: req.headers["user-agent"] } : {}) },
        attributes: withGameFields(
          {},
          {
            data: (input.data ?? {}) as JsonObject,
            serverUid: input.serverUid || ctx.hub.nodeId,
            visibility,
          },
        ),
      },
      key === undefined ? undefined : { key, scope: `user:${p.userId}|game:create-session:${service.id}` },
    );
    reply.header("location", `/sessions/${session.id}`);
    return sendSession(reply, session, 201);
  });

  app.delete("/", async (req, reply) => {
    await sessions.deleteMany(req.principal, eq("serviceId", service.id));
    return reply.code(200).send();
  });

  app.get("/:id", { schema: { params: S.SessionParams, response: { 200: S.Session } } }, async (req, reply) =>
    sendSession(reply, await service.read(req.principal, req.params.id)),
  );

  // Idempotent: a session that does not exist (any more) or is invisible is already deleted.
  app.delete("/:id", { schema: { params: S.SessionParams } }, async (req, reply) => {
    try {
      const s = await service.read(req.principal, req.params.id, { activity: false });
      await sessions.delete(req.principal, s.id);
    } catch (e) {
      if (!isCoreError(e, "not-found")) throw e;
    }
    return reply.code(200).send();
  });
}

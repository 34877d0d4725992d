import type { FastifyReply } from "fastify";
import type { Session } from "../../core/types.js";
import { quoteTag } from "../../http/conditional.js";
import { gameFields, teamsOf } from "./model.js";

const iso = (t: number) => new Date(t).toISOString();

/** A session in this family's wire format (contract §3.1), keys in the documented order. */
export function renderSession(s: Session) {
  const game = gameFields(s);
  return {
    uid: s.id,
    dateCreated: iso(s.createdAt),
    dateModified: iso(s.updatedAt),
    version: s.version,
    data: game.data,
    hasPassword: s.passwordHash !== null,
    hostUid: s.owner ?? "",
    invited: s.invited,
    numTeams: game.numTeams,
    serverUid: game.serverUid,
    status: s.status ?? "",
    teams: teamsOf(s, game.numTeams),
    teamSize: game.teamSize,
    users: s.members.map((m) => m.userId),
    visibility: game.visibility,
  };
}

/** One session, with its version as the entity tag (PUT takes it back in If-Match). */
export function sendSession(reply: FastifyReply, s: Session, status = 200): FastifyReply {
  return reply.code(status).header("etag", quoteTag(s.version)).send(renderSession(s));
}

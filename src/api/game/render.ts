import type { FastifyReply } from "fastify";
import type { Session } from "../../core/types.js";
import { quoteTag } from "../../http/conditional.js";
import { RenderedSessions, sendSerialised, serialiserOf, sessionStamp } from "../../http/rendered.js";
import { gameFields, teamsOf } from "./model.js";
import * as S from "./schemas.js";

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

/**
 * Each session's text as the Session schema serialises it. The text is made from the
 * session alone, so one cache serves every app in the process.
 */
const rendered = new RenderedSessions();

/** A session in the bytes the routes that answer with the Session schema send. */
export function sessionBytes(reply: FastifyReply, s: Session): Buffer {
  return rendered.bytes(s.id, sessionStamp(s), () => serialiserOf(reply, S.Session)(renderSession(s)));
}

/** One session, with its version as the entity tag (PUT takes it back in If-Match). */
export function sendSession(reply: FastifyReply, s: Session, status = 200): FastifyReply {
  reply.code(status).header("etag", quoteTag(s.version));
  // Every route with a schema for sessions answers with the Session schema; the others
  // (join and leave) serialise the plain object.
  if (reply.getSerializationFunction(String(status)) === undefined) return reply.send(renderSession(s));
  return sendSerialised(reply, sessionBytes(reply, s));
}

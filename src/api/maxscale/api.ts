import type { FastifyRequest } from "fastify";
import type { WindowLimiter } from "../../auth/limiter.js";
import type { Users } from "../../auth/users.js";
import type { Hub } from "../../core/hub.js";
import type { Session } from "../../core/types.js";
import type { MaxscaleConfig } from "./config.js";
import type { NodeLoad } from "./node-load.js";
import { failure, noSuchSession } from "./errors.js";
import { baseUrl, Links } from "./links.js";
import { sessionNumber } from "./params.js";
import type { SessionLog } from "./session-log.js";
import type { SessionReader } from "./session-reader.js";

/** What the routes of this family share. */
export interface Api {
  hub: Hub;
  users: Users;
  config: MaxscaleConfig;
  reader: SessionReader;
  sessionLog: SessionLog;
  /** Failed authentications per client address, across the family's listeners. */
  authFailures: WindowLimiter;
  /** When this node started (epoch ms). */
  startedAt: number;
  /** The roles that make a user an administrator. */
  adminRoles: string[];
  /** The level this node logs at. */
  logLevel(): string;
  load: NodeLoad;
}

export const linksFor = (req: FastifyRequest, config: MaxscaleConfig) => new Links(baseUrl(req, config.publicUrl));

/**
 * The `:id` segment as a session number: a malformed one does not name a session at all
 * (404 with a body); null is well-formed but beyond any number the hub hands out.
 */
export function sessionParam(req: FastifyRequest): number | null {
  const segment = (req.params as { id: string }).id;
  const number = sessionNumber(segment);
  if (number === undefined) throw failure(404, `${segment} is not a session`);
  return number;
}

/** The live session the `:id` names (a request on it, for its log flags), or a body-less 404. */
export async function liveSession(api: Api, req: FastifyRequest): Promise<Session> {
  const number = sessionParam(req);
  const s = number === null ? null : await api.reader.live(req.principal, number);
  if (!s) throw noSuchSession();
  api.sessionLog.request(s, req.method, req.url.split("?")[0]!);
  return s;
}

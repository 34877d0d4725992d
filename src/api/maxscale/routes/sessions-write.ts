import type { FastifyInstance, FastifyRequest } from "fastify";
import { CoreError, isCoreError } from "../../../core/errors.js";
import { type Api, liveSession, sessionParam } from "../api.js";
import { collectionQuery } from "../collection.js";
import { failure, noSuchSession } from "../errors.js";
import { jsonBody, sessionChange, checkFilterLinkage } from "../patch-body.js";
import { queryParam, ttlSeconds } from "../params.js";
import { conditions, modifiedFrom, sessionGuard } from "../preconditions.js";
import { entityTag, sendNoBody } from "../send.js";
import { restartSession, setLogFlags } from "../session-actions.js";
import { sessionsDocument } from "./sessions-read.js";

/**
 * Preconditions of `POST /sessions/restart`, checked before any session is touched: an
 * `If-Match` against the collection's ETag, `If-Unmodified-Since` against every live
 * session.
 */
async function collectionPreconditions(api: Api, req: FastifyRequest): Promise<void> {
  const { tagMatches, unmodifiedSince } = conditions(req);
  const p = req.principal;
  if (tagMatches !== null) {
    const doc = await sessionsDocument(api, req, p, collectionQuery({}, "sessions", api.hub.filterLimits));
    if (!tagMatches(entityTag(doc))) throw new CoreError("precondition-failed", "If-Match does not match.");
  }
  if (unmodifiedSince !== null) {
    const changed = await api.reader.count(p, { field: "updatedAt", op: "ge", value: modifiedFrom(unmodifiedSince) });
    if (changed > 0) throw new CoreError("precondition-failed", "A session changed since If-Unmodified-Since.");
  }
}

export function sessionWriteRoutes(app: FastifyInstance, api: Api): void {
  const { hub } = api;

  app.delete("/sessions/:id", async (req, reply) => {
    const ttl = ttlSeconds(queryParam(req, "ttl"));
    const s = await liveSession(api, req);
    const guard = await sessionGuard(req, api, s);
    const opts = guard ? { guard } : {};
    if (ttl <= 0) {
      const { changed } = await hub.sessions.end(req.principal, s.id, "killed", opts);
      if (!changed) throw noSuchSession();
    } else {
      await hub.sessions.scheduleEnd(req.principal, s.id, hub.clock() + ttl * 1000, "killed", opts);
    }
    return sendNoBody(reply, 204);
  });

  app.post("/sessions/:id/restart", async (req, reply) => {
    const s = await liveSession(api, req);
    await restartSession(hub, req.principal, s, await sessionGuard(req, api, s));
    return sendNoBody(reply, 204);
  });

  app.post("/sessions/restart", async (req, reply) => {
    await collectionPreconditions(api, req);
    const errors: string[] = [];
    for await (const batch of api.reader.batches(req.principal)) {
      for (const s of batch) {
        try {
          await restartSession(hub, req.principal, s);
        } catch (e) {
          // A session that ended meanwhile is not a failure: it is simply gone.
          if (isCoreError(e, "not-found") || isCoreError(e, "conflict")) continue;
          req.log.error({ err: e, session: s.number }, "restart failed");
          errors.push(`Failed to restart session ${s.number}`);
        }
      }
    }
    if (errors.length > 0) throw failure(400, ...errors, "Could not restart all sessions");
    return sendNoBody(reply, 204);
  });

  app.patch("/sessions/:id", async (req, reply) => {
    sessionParam(req);
    const change = sessionChange(jsonBody(req.body));
    const s = await liveSession(api, req);
    const guard = await sessionGuard(req, api, s);
    if (Object.keys(change.parameters).length > 0) await setLogFlags(hub, req.principal, s, change.parameters, guard);
    else guard?.(s);
    return sendNoBody(reply, 204);
  });

  app.patch("/sessions/:id/relationships/filters", async (req, reply) => {
    sessionParam(req);
    const body = jsonBody(req.body);
    checkFilterLinkage(body.data, "data");
    const s = await liveSession(api, req);
    (await sessionGuard(req, api, s))?.(s);
    return sendNoBody(reply, 204);
  });
}

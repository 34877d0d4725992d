import type { FastifyReply, FastifyRequest } from "fastify";
import { CoreError, invalid } from "../../../core/errors.js";
import type { SessionPatch } from "../../../core/sessions.js";
import type { JsonObject, Session as SessionModel } from "../../../core/types.js";
import { matchesWeakly, quoteTag, versionFromIfMatch } from "../../../http/conditional.js";
import { RenderedPages, RenderedSessions, joinJson, sendSerialised, serialiserOf, sessionStamp } from "../../../http/rendered.js";
import type { FamilyContext } from "../../context.js";
import type { NativeApp } from "../index.js";
import { type ListQuery, toSessionQuery } from "../query.js";
import { renderSession } from "../render.js";
import * as S from "../schemas.js";

const errors = { 400: S.Problem, 401: S.Problem, 403: S.Problem, 404: S.Problem };

/** RFC 7396: `null` removes a key, objects merge, anything else replaces. */
export function mergePatch(target: JsonObject, patch: JsonObject): JsonObject {
  const out: JsonObject = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (typeof value === "object" && !Array.isArray(value)) {
      const base = out[key];
      out[key] = mergePatch(typeof base === "object" && base !== null && !Array.isArray(base) ? base : {}, value);
    } else out[key] = value;
  }
  return out;
}

/**
 * The version a write must match: `If-Match` and/or a body `version`. Either that does
 * not match is a failure (412 for the header, 409 for the body), decided in the same
 * transaction as the write.
 */
function expectedVersion(req: FastifyRequest, bodyVersion?: number): { version?: number; viaHeader: boolean } {
  const header = versionFromIfMatch(req.headers["if-match"]);
  if (header === "invalid") throw new CoreError("precondition-failed", "If-Match must name one version, as \"<version>\", or *.");
  if (typeof header === "number" && bodyVersion !== undefined && header !== bodyVersion) {
    throw new CoreError("precondition-failed", "If-Match and the body's version disagree.");
  }
  if (typeof header === "number") return { version: header, viaHeader: true };
  return { version: bodyVersion, viaHeader: false };
}

/** Runs a conditional write; a stale If-Match is a 412, a stale body version a 409. */
async function conditional<T>(viaHeader: boolean, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (viaHeader && e instanceof CoreError && e.kind === "version-conflict") {
      throw new CoreError("precondition-failed", "The session has changed: If-Match does not match its current version.");
    }
    throw e;
  }
}

export function sessionRoutes(app: NativeApp, ctx: FamilyContext): void {
  const { sessions } = ctx.hub;
  // A session's text is serialised by the schema its routes answer with, once per stamp,
  // and a list is the texts of its items joined, in the bytes that schema would give.
  const rendered = new RenderedSessions();
  const pages = new RenderedPages();
  const bytesOf = (reply: FastifyReply, s: SessionModel) =>
    rendered.bytes(s.id, sessionStamp(s), () => serialiserOf(reply, S.Session)(renderSession(s)));
  const sendSession = (reply: FastifyReply, s: SessionModel, status = 200) =>
    sendSerialised(reply.code(status).header("etag", quoteTag(s.version)), bytesOf(reply, s));

  app.get("/sessions", { schema: { tags: ["sessions"], summary: "List the sessions the caller may read", querystring: S.ListSessionsQuery, response: { 200: S.SessionList, ...errors } } }, async (req, reply) => {
    const page = await sessions.list(req.principal, toSessionQuery(req.query as ListQuery, ctx.hub.filterLimits));
    return sendSerialised(
      reply,
      pages.bytes(page, "", () => {
        const total = page.total !== undefined ? `,"total":${page.total}` : "";
        const items = page.items.map((s) => bytesOf(reply, s));
        return joinJson(`{"items":[`, items, `],"nextCursor":${JSON.stringify(page.nextCursor)}${total}}`);
      }),
    );
  });

  app.post("/sessions", { schema: { tags: ["sessions"], summary: "Create a session", body: S.CreateSession, response: { 201: S.Session, ...errors, 409: S.Problem } } }, async (req, reply) => {
    const body = req.body;
    const key = req.headers["idempotency-key"];
    if (key !== undefined && (typeof key !== "string" || key.length === 0 || key.length > 255)) {
      throw invalid("Idempotency-Key must be 1–255 characters.", [{ pointer: "/headers/idempotency-key", detail: "1–255 characters" }]);
    }
    const { session } = await sessions.create(
      req.principal,
      {
        serviceId: body.serviceId,
        ...(body.owner !== undefined ? { owner: body.owner } : {}),
        name: body.name,
        description: body.description,
        visibility: body.visibility,
        password: body.password,
        capacity: body.capacity,
        inactiveTimeoutSeconds: body.inactiveTimeoutSeconds,
        status: body.status,
        attributes: body.attributes as JsonObject | undefined,
        invited: body.invited,
        client: { address: req.ip, userAgent: req.headers["user-agent"], ...body.client },
        state: body.state,
      },
      typeof key === "string" ? { key, scope: `user:${req.principal.userId}|native:create-session` } : undefined,
    );
    reply.header("location", `/api/v1/sessions/${session.id}`);
    return sendSession(reply, session, 201);
  });

  app.get("/sessions/:id", { schema: { tags: ["sessions"], summary: "One session, by id or number", params: S.SessionParams, response: { 200: S.Session, 304: S.Empty, ...errors } } }, async (req, reply) => {
    const s = await sessions.get(req.principal, req.params.id);
    if (matchesWeakly(req.headers["if-none-match"], String(s.version))) return reply.code(304).header("etag", quoteTag(s.version)).send(null);
    return sendSession(reply, s);
  });

  app.patch(
    "/sessions/:id",
    { schema: { tags: ["sessions"], summary: "JSON merge patch of the mutable fields", params: S.SessionParams, body: S.PatchSession, response: { 200: S.Session, ...errors, 409: S.Problem, 412: S.Problem } } },
    async (req, reply) => {
      const { version: bodyVersion, password, attributes, ...fields } = req.body;
      const { version, viaHeader } = expectedVersion(req, bodyVersion);
      const patch = (current: SessionModel): SessionPatch => ({
        ...fields,
        ...(fields.client ? { client: { ...current.client, ...fields.client } } : {}),
        ...(attributes !== undefined ? { attributes: attributes === null ? {} : mergePatch(current.attributes, attributes as JsonObject) } : {}),
        ...(password === null ? { clearPassword: true } : {}),
      });
      const { session } = await conditional(viaHeader, () =>
        sessions.update(req.principal, req.params.id, patch, {
          ...(version !== undefined ? { expectedVersion: version } : {}),
          ...(typeof password === "string" ? { password } : {}),
        }),
      );
      return sendSession(reply, session);
    },
  );

  app.delete("/sessions/:id", { schema: { tags: ["sessions"], summary: "Delete a session (owner or admin)", params: S.SessionParams, response: { 204: S.Empty, ...errors, 412: S.Problem } } }, async (req, reply) => {
    const { version, viaHeader } = expectedVersion(req);
    await conditional(viaHeader, () => sessions.delete(req.principal, req.params.id, version !== undefined ? { expectedVersion: version } : {}));
    return reply.code(204).send(null);
  });

  app.post("/sessions/:id/end", { schema: { tags: ["sessions"], summary: "End a session", params: S.SessionParams, body: S.EndSession, response: { 200: S.Session, ...errors, 412: S.Problem } } }, async (req, reply) => {
    const reason = req.body?.reason ?? "closed";
    const { version, viaHeader } = expectedVersion(req);
    const { session } = await conditional(viaHeader, () =>
      sessions.end(req.principal, req.params.id, reason, version !== undefined ? { expectedVersion: version } : {}),
    );
    return sendSession(reply, session);
  });

  app.post("/sessions/:id/heartbeat", { schema: { tags: ["sessions"], summary: "Mark activity; returns the new expiry", params: S.SessionParams, response: { 200: S.Heartbeat, ...errors, 409: S.Problem } } }, async (req) => {
    const s = await sessions.heartbeat(req.principal, req.params.id);
    return { id: s.id, lastActivityAt: new Date(s.lastActivityAt).toISOString(), expiresAt: s.expiresAt === null ? null : new Date(s.expiresAt).toISOString() };
  });
}

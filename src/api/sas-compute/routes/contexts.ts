import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Scalar } from "../../../core/query.js";
import { MAX_TIMEOUT_SECONDS } from "../../../core/bounds.js";
import { isCoreError } from "../../../core/errors.js";
import { waitFor } from "../../../core/wait.js";
import type { JsonObject, Service, Session } from "../../../core/types.js";
import { collection, select } from "../collection.js";
import { type SasAttributes, ATTRIBUTE_KEY, COMPUTE_SESSIONS } from "../compute.js";
import { contextSettings } from "../config.js";
import { invalidBody, notFound } from "../errors.js";
import type { Fields } from "../filter.js";
import { sasId, sessionTag } from "../ids.js";
import { type Kit, type Params, text } from "../kit.js";
import { BASE } from "../links.js";
import { T, acceptsItem, negotiate, sendJson } from "../media.js";
import { resource } from "../plugin.js";
import { context, contextField, contextSummary, rootLink, session } from "../render.js";

const FIELDS: Fields = { id: { kind: "string" }, name: { kind: "string" }, description: { kind: "string" }, createdBy: { kind: "string" } };

const MAX_ATTRIBUTES = 20;
const MAX_ENV_ITEMS = 100;
const MAX_ENV_TEXT = 1024;

interface SessionRequest {
  name: string | null;
  description: string | null;
  timeout: number | null;
  attributes: JsonObject;
  environment: { options: string[]; autoExecLines: string[] };
}

function strings(v: unknown, key: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.length > MAX_ENV_ITEMS || !v.every((x) => typeof x === "string" && x.length <= MAX_ENV_TEXT)) {
    throw invalidBody(`environment.${key} must be at most ${MAX_ENV_ITEMS} strings of at most ${MAX_ENV_TEXT} characters.`);
  }
  return v as string[];
}

/** The session request (contract §3.4): lenient where clients differ, strict on types. */
function sessionRequest(body: Record<string, unknown>): SessionRequest {
  const name = text(body, "name", 100);
  const description = text(body, "description", 1000);
  const attrs = body.attributes;
  if (attrs !== undefined && attrs !== null && (typeof attrs !== "object" || Array.isArray(attrs))) throw invalidBody("attributes must be an object.");
  const { sessionInactiveTimeout: raw, ...rest } = (attrs ?? {}) as Record<string, unknown>;
  let timeout: number | null = null;
  if (raw !== undefined && raw !== null) {
    const n = typeof raw === "string" && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
    if (typeof n !== "number" || !Number.isInteger(n)) throw invalidBody("attributes.sessionInactiveTimeout must be an integer number of seconds.");
    timeout = n < 0 ? null : n;
  }
  const kept = Object.entries(rest).filter(([, v]) => v === null || ["string", "number", "boolean"].includes(typeof v));
  if (kept.length > MAX_ATTRIBUTES) throw invalidBody(`attributes may hold at most ${MAX_ATTRIBUTES} members.`);
  const env = body.environment;
  if (env !== undefined && env !== null && (typeof env !== "object" || Array.isArray(env))) throw invalidBody("environment must be an object.");
  const e = (env ?? {}) as Record<string, unknown>;
  return {
    name,
    description,
    timeout,
    attributes: Object.fromEntries(kept) as JsonObject,
    environment: { options: strings(e.options, "options"), autoExecLines: strings(e.autoExecLines, "autoExecLines") },
  };
}

/**
 * The effective timeout: the request's, else the context's default; 0 and larger values
 * become the cap (cap 0 = none but the core's: a timeout of a year at most).
 */
function effectiveTimeout(requested: number | null, contextDefault: number, max: number): number {
  const t = requested ?? contextDefault;
  return Math.min(max > 0 && (t === 0 || t > max) ? max : t, MAX_TIMEOUT_SECONDS);
}

async function findContext(kit: Kit, req: FastifyRequest): Promise<Service> {
  const id = (req.params as Params).ctx ?? "";
  const c = await kit.compute.context(id);
  if (!c) throw notFound(`Context "${id}" was not found.`);
  return c;
}

export function contextRoutes(app: FastifyInstance, kit: Kit): void {
  const defaultTimeout = (c: Service) => contextSettings(c).sessionInactiveTimeout ?? kit.compute.limits(c).defaultInactiveSeconds;

  resource(app, "/contexts", {
    GET: async (req, reply) => {
      const form = negotiate(req, T.collection);
      const full = acceptsItem(req, T.context);
      // A copy: the context list is the core's shared cache.
      const all = [...(await kit.compute.contexts())].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const page = select(kit, req, all, FIELDS, (c, f) => contextField(c, f) as Scalar, { defaultSort: "name", defaultLimit: 10 });
      const items = page.items.map((c) => (full ? context(c, defaultTimeout(c)) : contextSummary(c)));
      const body = collection({
        name: "contexts",
        accept: full ? T.context : T.contextSummary,
        href: `${BASE}/contexts`,
        paging: page.paging,
        count: page.count,
        items,
        query: req.query as Record<string, unknown>,
        up: rootLink(),
      });
      return sendJson(reply, 200, T.collection, form, body);
    },
  });

  resource(app, "/contexts/:ctx", {
    GET: async (req, reply) => {
      const form = negotiate(req, T.context);
      const c = await findContext(kit, req);
      return sendJson(reply, 200, T.context, form, context(c, defaultTimeout(c)));
    },
  });

  resource(app, "/contexts/:ctx/sessions", {
    POST: async (req, reply) => {
      const form = negotiate(req, T.session);
      const c = await findContext(kit, req);
      const request = sessionRequest(kit.object(req));
      const limits = kit.compute.limits(c);
      const settings = contextSettings(c);
      const own: SasAttributes = { attributes: request.attributes, environment: request.environment, executor: settings.executor };
      const key = req.headers["idempotency-key"];
      let created: Session;
      try {
        ({ session: created } = await kit.hub.sessions.create(
          req.principal,
          {
            serviceId: c.id,
            state: "pending",
            name: request.name,
            description: request.description,
            visibility: "private",
            inactiveTimeoutSeconds: effectiveTimeout(request.timeout, defaultTimeout(c), limits.maxInactiveSeconds),
            attributes: { [ATTRIBUTE_KEY]: own as unknown as JsonObject },
            client: { address: req.ip, ...(req.headers["user-agent"] ? { userAgent: req.headers["user-agent"] } : {}) },
            quotas: [
              {
                key: `sas-compute:sessions:user:${req.principal.userId}`,
                where: { and: [COMPUTE_SESSIONS, { field: "owner", op: "eq", value: req.principal.userId }] },
                max: limits.sessionsPerUser,
                message: `User ${req.principal.userId} already has ${limits.sessionsPerUser} compute sessions.`,
              },
              { key: "sas-compute:sessions", where: COMPUTE_SESSIONS, max: limits.sessionsTotal, message: `The server already has ${limits.sessionsTotal} compute sessions.` },
            ],
          },
          typeof key === "string" && key.length > 0 && key.length <= 255 ? { key, scope: `user:${req.principal.userId}|sas:create-session` } : undefined,
        ));
      } catch (e) {
        if (isCoreError(e, "invalid")) throw invalidBody(e.message);
        throw e;
      }
      kit.compute.runner.kick(created.id);
      // The 201 waits for start-up to end, or createWaitSeconds, whichever is first; it shows the session as the wait last read it.
      let s = created;
      await waitFor(kit.hub.bus, created.id, limits.createWaitSeconds * 1000, async () => {
        const now = await kit.hub.sessions.find(created.id);
        if (now) s = now;
        return now?.state !== "pending";
      });
      reply.header("location", `${BASE}/sessions/${sasId(s)}`).header("etag", sessionTag(s));
      return sendJson(reply, 201, T.session, form, session(s, await kit.sessionStats(s), kit.compute.runner.counters(s), kit.hub.clock()));
    },
  });
}

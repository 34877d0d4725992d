import type { FastifyReply, FastifyRequest } from "fastify";
import { isCoreError } from "../../core/errors.js";
import type { Hub } from "../../core/hub.js";
import * as policy from "../../core/policy.js";
import type { Job, Session } from "../../core/types.js";
import { matchesStrongly, matchesWeakly } from "../../http/conditional.js";
import { type SasCompute, KIND } from "./compute.js";
import { SasError, badRequest, ifMatchRequired, invalidBody, notFound, notOwner, sessionNotFound, stale } from "./errors.js";
import { coreId } from "./ids.js";
import { type Statistics, sessionStatistics, statistics } from "./render.js";
import { parseJson } from "../../http/json.js";

export type Params = { sid?: string; jid?: string; ctx?: string; ref?: string; lib?: string; name?: string; rid?: string };

const JSON_TYPE = /^application\/(?:json|[^\s/;]+\+json)$/;

/** What every route of this family shares: loading what a path names, body parsing, statistics. */
export class Kit {
  constructor(
    readonly hub: Hub,
    readonly compute: SasCompute,
  ) {}

  get limits() {
    return this.compute.config.limits;
  }

  /**
   * The compute session a path names, if the caller may read it: live, or failed (kept
   * until deleted). Everything else — unknown, made up, ended, invisible — is 404 5837.
   */
  async session(req: FastifyRequest, opts: { activity?: boolean } = {}): Promise<Session> {
    const sid = (req.params as Params).sid ?? "";
    const id = coreId(sid);
    if (id === null) throw sessionNotFound(sid);
    let s: Session;
    try {
      s = await this.hub.sessions.get(req.principal, id, opts);
    } catch (e) {
      if (isCoreError(e, "not-found")) throw sessionNotFound(sid);
      throw e;
    }
    if (s.state === "ended" && s.endReason !== "failed") throw sessionNotFound(sid);
    if ((await this.hub.services.get(s.serviceId))?.kind !== KIND) throw sessionNotFound(sid);
    return s;
  }

  /** 403 9403 unless the caller owns or administers the session. */
  changeable(req: FastifyRequest, s: Session): void {
    if (!policy.canAdminister(req.principal, s)) throw notOwner();
  }

  /** The job a path names, in the session it names. */
  async job(req: FastifyRequest, s: Session): Promise<Job> {
    const jid = (req.params as Params).jid ?? "";
    const job = /^[0-9a-f-]{36}$/i.test(jid) ? await this.hub.jobs.find(jid.toLowerCase()) : null;
    if (!job || job.sessionId !== s.id) throw notFound(`Job "${jid}" was not found.`);
    return job;
  }

  /** A JSON request body: absent → undefined; 415 for other media types; 400 5010 when not JSON. */
  json(req: FastifyRequest): unknown {
    const header = req.headers["content-type"];
    const type = (header ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "" && !JSON_TYPE.test(type)) throw new SasError(415, 9415, `Unsupported Content-Type: ${header}`);
    const raw = req.body;
    if (!Buffer.isBuffer(raw) || raw.length === 0) return undefined;
    try {
      return parseJson(raw.toString("utf8"));
    } catch (e) {
      throw invalidBody(`it is not JSON (${(e as Error).message}).`);
    }
  }

  /** An optional JSON object body: absent or null → {}; anything but an object → 400 5010. */
  object(req: FastifyRequest): Record<string, unknown> {
    const body = this.json(req);
    if (body === undefined || body === null) return {};
    if (typeof body !== "object" || Array.isArray(body)) throw invalidBody("it must be a JSON object.");
    return body as Record<string, unknown>;
  }

  async sessionStats(s: Session): Promise<{ log: Statistics; listing: Statistics }> {
    return sessionStatistics(s, (await this.hub.insights.logStats([s.id])).get(s.id));
  }

  async jobStats(req: FastifyRequest, s: Session, job: Job): Promise<{ log: Statistics; listing: Statistics }> {
    // A pending job has written nothing (its lines start when it runs): no reads, e.g. for the 201 of a submission.
    if (job.state === "pending") {
      const none = statistics(0, null, job.createdAt);
      return { log: none, listing: none };
    }
    const one = async (stream: "log" | "listing") => {
      const { total } = await this.hub.sessions.readLog(req.principal, s.id, { stream, jobId: job.id, limit: 0 });
      const last = total > 0 ? (await this.hub.sessions.readLog(req.principal, s.id, { stream, jobId: job.id, from: total - 1, limit: 1 })).lines[0] : undefined;
      return statistics(total, last?.createdAt ?? null, job.createdAt);
    };
    return { log: await one("log"), listing: await one("listing") };
  }
}

/** An optional string member of a request body: absent, null or "" → null; 400 5010 unless a string of at most `max` characters. */
export function text(body: Record<string, unknown>, key: string, max: number): string | null {
  const v = body[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== "string" || v.length > max) throw invalidBody(`${key} must be a string of at most ${max} characters.`);
  return v === "" ? null : v;
}

/** `If-Match` for a PUT: 428 when absent, 412 unless it names the current tag (`*` matches; a weak tag never does). */
export function requireIfMatch(req: FastifyRequest, currentTag: string): void {
  const header = req.headers["if-match"];
  if (header === undefined || header.trim() === "") throw ifMatchRequired();
  if (!matchesStrongly(header, currentTag.slice(1, -1))) throw stale();
}

/** Whether `If-None-Match` names the current tag (weak comparison). */
export function noneMatch(req: FastifyRequest, currentTag: string): boolean {
  const header = req.headers["if-none-match"];
  return matchesWeakly(header, currentTag.slice(1, -1));
}

/** A lenient whole number of seconds (`wait`, `timeout`): bad or negative → 0, clamped to `max`. */
export function seconds(raw: unknown, max: number): number {
  const text = Array.isArray(raw) ? raw[0] : raw;
  if (typeof text !== "string" || !/^\s*\d+\s*$/.test(text)) return 0;
  return Math.min(Number(text), max);
}

export const stateValue = (req: FastifyRequest): string => {
  const q = req.query as Record<string, unknown>;
  const one = (v: unknown) => (Array.isArray(v) ? v[0] : v) as string | undefined;
  const value = one(q.value);
  const state = one(q.state);
  if (value !== undefined && state !== undefined && value !== state) throw badRequest(5006, `Invalid state value: ${value}`);
  const v = value ?? state ?? "";
  if (v !== "canceled" && v !== "deleted") throw badRequest(5006, `Invalid state value: ${v}`);
  return v;
};

/** A signal that aborts when the client goes away (long polls stop waiting). */
export function clientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once("close", () => controller.abort());
  return controller.signal;
}

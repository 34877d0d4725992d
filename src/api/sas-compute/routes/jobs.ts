import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { isTerminal } from "../../../core/jobs.js";
import type { Scalar } from "../../../core/query.js";
import type { Job, JsonObject, Session } from "../../../core/types.js";
import { waitFor } from "../../../core/wait.js";
import { NAME, READ_ONLY } from "../../../compute/job-context.js";
import { select, sessionCollection } from "../collection.js";
import { ATTRIBUTE_KEY } from "../compute.js";
import { contextSettings } from "../config.js";
import { SasError, badRequest, invalidBody, notFound, sessionFailed, tooLarge } from "../errors.js";
import type { Fields } from "../filter.js";
import { jobTag } from "../ids.js";
import { type Kit, clientGone, noneMatch, requireIfMatch, seconds, stateValue, text } from "../kit.js";
import { T, negotiate, sendJson, sendText } from "../media.js";
import { resource } from "../plugin.js";
import { job as renderJob, jobHref } from "../render.js";

const FIELDS: Fields = {
  id: { kind: "string" },
  name: { kind: "string" },
  state: { kind: "string" },
  jobConditionCode: { kind: "integer" },
  creationTimeStamp: { kind: "time" },
  completedTimeStamp: { kind: "time" },
};

function field(j: Job, f: string): Scalar {
  switch (f) {
    case "id":
      return j.id;
    case "name":
      return j.name;
    case "state":
      return j.state;
    case "jobConditionCode":
      return j.conditionCode;
    case "creationTimeStamp":
      return j.createdAt;
    case "completedTimeStamp":
      return j.endedAt;
    default:
      return j.seq;
  }
}

interface JobRequest {
  code: string;
  name: string | null;
  description: string | null;
  variables: Record<string, string>;
  resetLogLineNumbers: boolean;
}

/** The job request (contract §3.5); sasjs' `arguments` and other members are ignored. */
function jobRequest(body: Record<string, unknown>, maxCodeBytes: number): JobRequest {
  const raw = body.code;
  if ((raw === undefined || raw === null) && body.codeUri !== undefined) throw badRequest(5106, "codeUri is not supported.");
  if (raw === undefined || raw === null || (Array.isArray(raw) && raw.length === 0)) throw badRequest(5202, "The job request has no code.");
  if (!(typeof raw === "string" || (Array.isArray(raw) && raw.every((l) => typeof l === "string")))) {
    throw invalidBody("code must be an array of strings or a string.");
  }
  const code = Array.isArray(raw) ? raw.join("\n") : raw;
  if (Buffer.byteLength(code) > maxCodeBytes) throw tooLarge(maxCodeBytes);
  const vars = body.variables;
  if (vars !== undefined && vars !== null && (typeof vars !== "object" || Array.isArray(vars))) throw invalidBody("variables must be an object.");
  const variables: Record<string, string> = {};
  for (const [name, value] of Object.entries((vars ?? {}) as Record<string, unknown>)) {
    if (!NAME.test(name)) throw invalidBody(`${name} is not a valid variable name.`);
    if (READ_ONLY.has(name.toUpperCase()) || name.toUpperCase() === "SYSCC") throw invalidBody(`${name.toUpperCase()} is read-only.`);
    if (!(value === null || ["string", "number", "boolean"].includes(typeof value))) throw invalidBody(`variable ${name} must be a scalar.`);
    variables[name.toUpperCase()] = value === null ? "" : String(value);
  }
  const attrs = body.attributes;
  const reset = typeof attrs === "object" && attrs !== null && (attrs as Record<string, unknown>).resetLogLineNumbers === true;
  return { code, name: text(body, "name", 100), description: text(body, "description", 1000), variables, resetLogLineNumbers: reset };
}

export async function sendJob(kit: Kit, req: FastifyRequest, reply: FastifyReply, s: Session, j: Job, status = 200) {
  const form = negotiate(req, T.job);
  reply.header("etag", jobTag(j));
  return sendJson(reply, status, T.job, form, renderJob(s, j, await kit.jobStats(req, s, j), kit.hub.clock()));
}

/** Cancels an active job and waits (≤ cancelGraceMs + 1 s) for it to end. */
async function cancelJob(kit: Kit, s: Session, j: Job): Promise<Job> {
  const limits = await kit.compute.limitsOfSession(s);
  await kit.hub.jobs.requestCancel(j.id);
  return (await kit.hub.jobs.awaitEnd(j.id, limits.cancelGraceMs + 1000)) ?? j;
}

async function removeJob(kit: Kit, req: FastifyRequest, s: Session, j: Job): Promise<void> {
  if (!isTerminal(j.state)) await cancelJob(kit, s, j);
  await kit.hub.jobs.delete(req.principal, j.id, s.id);
}

export function jobRoutes(app: FastifyInstance, kit: Kit): void {
  resource(app, "/sessions/:sid/jobs", {
    POST: async (req, reply) => {
      negotiate(req, T.job);
      const s = await kit.session(req);
      kit.changeable(req, s);
      if (s.state === "ended") throw sessionFailed();
      const context = await kit.compute.context(s.serviceId);
      if (!context || contextSettings(context).executor === "none") {
        throw new SasError(403, 9410, `Code execution is not enabled in compute context "${context?.name ?? s.serviceId}".`);
      }
      const limits = kit.compute.limits(context);
      const request = jobRequest(kit.object(req), limits.maxCodeBytes);
      if (Object.keys(request.variables).length > limits.maxVariables) throw invalidBody(`at most ${limits.maxVariables} variables.`);
      if (Object.entries(request.variables).reduce((n, [k, v]) => n + k.length + v.length, 0) > limits.maxVariableBytes) {
        throw invalidBody(`the variables exceed ${limits.maxVariableBytes} bytes.`);
      }
      const own: JsonObject = { variables: request.variables, ...(request.resetLogLineNumbers ? { resetLogLineNumbers: true } : {}) };
      const { job } = await kit.hub.jobs.submit(req.principal, s.id, {
        code: request.code,
        name: request.name,
        description: request.description,
        attributes: { [ATTRIBUTE_KEY]: own },
        maxPending: limits.maxQueuedJobs,
      });
      // The representation is the job at its commit: `pending`.
      reply.header("location", jobHref(s, job));
      return sendJob(kit, req, reply, s, job, 201);
    },
    GET: async (req, reply) => {
      const form = negotiate(req, T.collection);
      const s = await kit.session(req);
      const all = await kit.hub.jobs.ofSession(s.id);
      const page = select(kit, req, all, FIELDS, field, { defaultSort: "seq", defaultLimit: 10 });
      const now = kit.hub.clock();
      const items = [];
      for (const j of page.items) items.push(renderJob(s, j, await kit.jobStats(req, s, j), now));
      const body = sessionCollection(req, s, "jobs", T.job, page, items);
      return sendJson(reply, 200, T.collection, form, body);
    },
  });

  resource(app, "/sessions/:sid/jobs/:jid", {
    GET: async (req, reply) => {
      negotiate(req, T.job);
      const s = await kit.session(req);
      return sendJob(kit, req, reply, s, await kit.job(req, s));
    },
    DELETE: async (req, reply) => {
      const s = await kit.session(req);
      const j = await kit.job(req, s);
      kit.changeable(req, s);
      await removeJob(kit, req, s, j);
      return reply.code(204).send();
    },
  });

  resource(app, "/sessions/:sid/jobs/:jid/state", {
    GET: async (req, reply) => {
      const s = await kit.session(req);
      const j = await kit.job(req, s);
      const tag = jobTag(j);
      if (!noneMatch(req, tag)) return sendText(reply.header("etag", tag), 200, j.state);
      const wait = seconds((req.query as Record<string, unknown>).wait, kit.limits.maxWaitSeconds);
      // Without `wait` the job just read is the answer: its tag matches.
      if (wait === 0) return reply.code(304).send();
      await waitFor(kit.hub.bus, s.id, wait * 1000, async () => {
        const now = await kit.hub.jobs.find(j.id);
        return !now || jobTag(now) !== tag;
      }, { signal: clientGone(reply), relevant: (e) => e.type.startsWith("job.") || e.type.startsWith("session.") });
      const now = await kit.hub.jobs.find(j.id);
      if (!now) throw notFound(`Job "${j.id}" was not found.`);
      if (jobTag(now) === tag) return reply.code(304).send();
      return sendText(reply.header("etag", jobTag(now)), 200, now.state);
    },
    PUT: async (req, reply) => {
      const s = await kit.session(req);
      const j = await kit.job(req, s);
      kit.changeable(req, s);
      const value = stateValue(req);
      requireIfMatch(req, jobTag(j));
      if (value === "deleted") {
        await removeJob(kit, req, s, j);
        return sendText(reply, 200, "deleted");
      }
      if (isTerminal(j.state) && j.state !== "canceled") throw new SasError(409, 9409, `The job has already ended (${j.state}).`);
      const ended = j.state === "canceled" ? j : await cancelJob(kit, s, j);
      return sendText(reply.header("etag", jobTag(ended)), 200, ended.state === "canceled" ? "canceled" : ended.state);
    },
  });
}

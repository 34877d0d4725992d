import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { isTerminal } from "../../../core/jobs.js";
import type { Job, LineType, LogStream, Session } from "../../../core/types.js";
import { waitFor } from "../../../core/wait.js";
import { collection, paging, param } from "../collection.js";
import { type Kit, clientGone, seconds } from "../kit.js";
import { link } from "../links.js";
import { T, negotiate, sendJson, sendText, wantsText } from "../media.js";
import { resource } from "../plugin.js";
import { jobHref, sessionHref } from "../render.js";

const TYPES = new Set<LineType>(["source", "normal", "note", "warning", "error"]);
const NAMES = { session: { log: "Session Log", listing: "Session List" }, job: { log: "Job Log", listing: "Job List" } } as const;

/** `type=error|warning`: the known names; unknown ones match nothing (null: no filter). */
function types(raw: string | undefined): LineType[] | null {
  if (raw === undefined || raw === "") return null;
  return raw.split(/[|,]/).map((t) => t.trim().toLowerCase()).filter((t): t is LineType => TYPES.has(t as LineType));
}

/** Whether more lines can still come: a job until it ends, a session while it starts, runs or has queued work. */
async function producing(kit: Kit, s: Session, job: Job | null): Promise<boolean> {
  if (job) {
    const now = await kit.hub.jobs.find(job.id);
    return now !== null && !isTerminal(now.state);
  }
  const now = await kit.hub.sessions.find(s.id);
  if (!now || now.state === "ended") return false;
  if (now.state === "pending" || now.state === "running") return true;
  return (await kit.hub.jobs.ofSession(s.id, ["pending", "running"])).length > 0;
}

async function answer(kit: Kit, req: FastifyRequest, reply: FastifyReply, stream: LogStream, scope: "session" | "job") {
  const s = await kit.session(req);
  const job = scope === "job" ? await kit.job(req, s) : null;
  const jobId = job ? { jobId: job.id } : {};
  if (wantsText(req)) {
    // The text form: every line followed by CRLF; the query is ignored.
    const { total } = await kit.hub.sessions.readLog(req.principal, s.id, { stream, ...jobId, limit: 0 });
    const { lines } = await kit.hub.sessions.readLog(req.principal, s.id, { stream, ...jobId, limit: total });
    return sendText(reply, 200, lines.map((l) => `${l.text}\r\n`).join(""));
  }
  const form = negotiate(req, T.collection);
  const query = req.query as Record<string, unknown>;
  const p = paging(query, 100, kit.limits.maxLimit);
  const wanted = types(param(query, "type"));
  const read = async () =>
    wanted !== null && wanted.length === 0
      ? { lines: [], total: 0 }
      : kit.hub.sessions.readLog(req.principal, s.id, { stream, ...jobId, from: p.start, limit: p.limit, ...(wanted ? { types: wanted } : {}) });
  let page = await read();
  const timeout = seconds(query.timeout, kit.limits.maxWaitSeconds);
  if (timeout > 0 && p.limit > 0 && page.total <= p.start && (wanted === null || wanted.length > 0) && (await producing(kit, s, job))) {
    await waitFor(
      kit.hub.bus,
      s.id,
      timeout * 1000,
      async () => (await read()).total > p.start || !(await producing(kit, s, job)),
      { signal: clientGone(reply), relevant: (e) => e.type === "log.appended" || e.type.startsWith("job.") || e.type.startsWith("session.") },
    );
    page = await read();
  }
  const href = job ? `${jobHref(s, job)}/${stream}` : `${sessionHref(s)}/${stream}`;
  const up = job ? link("GET", "up", jobHref(s, job), { type: T.job }) : link("GET", "up", sessionHref(s), { type: T.session });
  const body = collection({
    name: NAMES[scope][stream],
    accept: T.logLine,
    href,
    paging: p,
    count: page.total,
    items: page.lines.map((l) => ({ line: l.text, type: l.type, version: 1 })),
    query,
    up,
  });
  return sendJson(reply, 200, T.collection, form, body);
}

export function logRoutes(app: FastifyInstance, kit: Kit): void {
  for (const stream of ["log", "listing"] as const) {
    for (const suffix of ["", "/content"]) {
      resource(app, `/sessions/:sid/${stream}${suffix}`, { GET: (req, reply) => answer(kit, req, reply, stream, "session") });
      resource(app, `/sessions/:sid/jobs/:jid/${stream}${suffix}`, { GET: (req, reply) => answer(kit, req, reply, stream, "job") });
    }
  }
}

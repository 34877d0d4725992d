import { uuidv7 } from "../../../src/core/ids.js";
import { SYSTEM_PRINCIPAL, type Job, type Session } from "../../../src/core/types.js";
import { ADMIN_TOKEN, type Answer, type StartOptions, type TestServer, http, startServer } from "../../helpers/server.js";

/** Contract §9 fixture: users, services and sessions #1–#4, and clients for the family's listener. */

export const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
export const OPS = basic("ops", "pw-ops");
export const ALICE = basic("alice", "pw-alice");

export interface MaxscaleServer extends TestServer {
  /** The family's own listener. */
  ms: string;
  /** A request to the family's listener; Basic `ops` unless `auth` says otherwise (null = none). */
  call(method: string, path: string, opts?: CallOptions): Promise<Answer>;
}

export interface CallOptions {
  auth?: string | null;
  body?: unknown;
  raw?: string | Buffer;
  headers?: Record<string, string>;
  base?: string;
}

/** A server with the family's own listener and the users `ops` and `alice` (unless `users: false`). */
export async function startMaxscale(options: StartOptions & { users?: boolean } = {}): Promise<MaxscaleServer> {
  const t = await startServer(options);
  const ms = t.urls.maxscale;
  if (!ms) throw new Error("the maxscale listener did not start");
  if (options.users !== false) await createUsers(t);
  return Object.assign(t, {
    ms,
    call(method: string, path: string, opts: CallOptions = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      const auth = opts.auth === undefined ? OPS : opts.auth;
      if (auth !== null) headers.authorization = auth;
      return http(opts.base ?? ms, method, path, {
        token: null,
        headers,
        ...(opts.body !== undefined ? { body: opts.body } : {}),
        ...(opts.raw !== undefined ? { raw: opts.raw } : {}),
      });
    },
  });
}

/** Users `ops` (admin, pw-ops) and `alice` (pw-alice), created through the native API. */
export async function createUsers(t: TestServer): Promise<void> {
  for (const user of [
    { id: "ops", roles: ["admin"], password: "pw-ops" },
    { id: "alice", password: "pw-alice" },
  ]) {
    const r = await http(t.url, "POST", "/api/v1/users", { token: ADMIN_TOKEN, body: user });
    if (r.status !== 201) throw new Error(`creating ${user.id}: ${r.status} ${r.text}`);
  }
}

/** A service through the core; its kind is registered when no family has registered it. */
export async function createService(t: TestServer, id: string, kind = "generic") {
  const { services } = t.server.hub;
  if (!services.knownKinds().includes(kind)) services.registerKind({ kind });
  return services.create(SYSTEM_PRINCIPAL, { id, kind });
}

export function createSession(t: TestServer, input: Parameters<TestServer["server"]["hub"]["sessions"]["create"]>[1]) {
  return t.server.hub.sessions.create(SYSTEM_PRINCIPAL, input).then((r) => r.session);
}

/** A job through the public Store interface (no job manager in the core yet). */
export async function addJob(t: TestServer, s: Session, code: string, state: Job["state"] = "running"): Promise<Job> {
  const now = t.clock.now();
  const job = {
    id: uuidv7(now),
    sessionId: s.id,
    name: null,
    description: null,
    code,
    state,
    conditionCode: 0,
    nodeId: t.server.nodeId,
    attributes: {},
    createdAt: now,
    startedAt: state === "pending" ? null : now,
    endedAt: null,
    stateChangedAt: now,
    version: 0,
  };
  return (await t.server.store.insertJob(job, [{ type: "job.created", sessionId: s.id, serviceId: s.serviceId, data: { jobId: job.id }, access: null }])).job;
}

export async function finishJob(t: TestServer, job: Job, state: Job["state"] = "completed"): Promise<Job> {
  const now = t.clock.now();
  const r = await t.server.store.mutateJob(job.id, (cur) => ({
    next: { ...cur, state, endedAt: now, stateChangedAt: now, version: cur.version + 1 },
    events: [{ type: "job.ended", sessionId: cur.sessionId, serviceId: null, data: { jobId: cur.id }, access: null }],
  }));
  return r!.job;
}

export interface Checklist {
  s1: Session;
  s2: Session;
  s3: Session;
  s4: Session;
  job: Job;
}

/**
 * Services `rw` (generic) and `lobby` (game); #1 on rw owned by alice with a known client,
 * idle; #2 on lobby, no owner, pending; #3 on rw, running with one job; #4 ended.
 */
export async function createChecklist(t: TestServer): Promise<Checklist> {
  await createService(t, "rw");
  await createService(t, "lobby", "game");
  const s1 = await createSession(t, { serviceId: "rw", owner: "alice", client: { address: "192.0.2.10", port: 51344, userAgent: "curl/8.5.0" } });
  const s2 = await createSession(t, { serviceId: "lobby", owner: null, state: "pending" });
  const s3 = await createSession(t, { serviceId: "rw", owner: null, state: "running" });
  const s4 = await createSession(t, { serviceId: "rw", owner: null });
  await t.server.hub.sessions.end(SYSTEM_PRINCIPAL, s4.id, "closed");
  const job = await addJob(t, s3, "x = 1");
  return { s1, s2, s3, s4, job };
}

/** The events of one type the store recorded for a session. */
export async function eventsOf(t: TestServer, sessionId: string, type: string) {
  return (await t.server.store.readEvents(0, 100_000)).filter((e) => e.sessionId === sessionId && e.type === type);
}

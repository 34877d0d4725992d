import type { Store } from "./store.js";
import { CoreError, forbidden, notFound } from "./errors.js";
import { type EventBus, type EventType, sessionEvent } from "./events.js";
import { uuidv7 } from "./ids.js";
import { checkDepth } from "./json-depth.js";
import * as policy from "./policy.js";
import type { Sessions } from "./sessions.js";
import { isLive } from "./state.js";
import { waitFor } from "./wait.js";
import { type Job, type JobState, type JsonObject, type Principal, SYSTEM_PRINCIPAL, type Session } from "./types.js";

/**
 * The job state machine, as one table: `pending` → `running` → `completed` | `warning` |
 * `error`; `pending` | `running` → `canceled`. Nothing leaves a terminal state.
 */
const TRANSITIONS: Readonly<Record<JobState, readonly JobState[]>> = {
  pending: ["running", "canceled"],
  running: ["completed", "warning", "error", "canceled"],
  completed: [],
  warning: [],
  error: [],
  canceled: [],
};

export type TerminalJobState = Exclude<JobState, "pending" | "running">;

export function canTransitionJob(from: JobState, to: JobState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isTerminal(state: JobState): state is TerminalJobState {
  return TRANSITIONS[state].length === 0;
}

/**
 * Reserved job attribute: when a cancel of a running job was asked for. The node that
 * runs the job sees it (directly or through `job.updated`) and ends the job `canceled`.
 */
export const CANCEL_REQUESTED = "cancelRequestedAt";

export function cancelRequested(job: Job): boolean {
  return typeof job.attributes[CANCEL_REQUESTED] === "number";
}

export interface SubmitJobInput {
  code: string;
  name?: string | null;
  description?: string | null;
  /** Owned by the family that submits (the core reserves only `cancelRequestedAt`). */
  attributes?: JsonObject;
  /** At most this many pending jobs in the session's queue, this one included; else `too-many`. */
  maxPending?: number;
}

function jobData(job: Job): JsonObject {
  return { job: { id: job.id, seq: job.seq, state: job.state, conditionCode: job.conditionCode, nodeId: job.nodeId } };
}

/**
 * Jobs of sessions (DESIGN §3): FIFO per session, one state machine, `job.*` events, and
 * the session's `running` / `idle` state kept in step. Who runs a job (an executor on the
 * session's node) is not the core's business; this only records what happens to it.
 */
export class Jobs {
  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly sessions: Sessions,
    private readonly clock: () => number,
    private readonly jsonDepth: number,
  ) {}

  /** Queues a job on a live session; only its owner or an administrator may. */
  async submit(p: Principal, sessionRef: string, input: SubmitJobInput): Promise<{ job: Job; session: Session }> {
    const session = await this.sessions.get(p, sessionRef);
    if (!isLive(session)) throw notFound();
    if (!policy.canAdminister(p, session)) throw forbidden("Only the owner or an administrator may submit jobs.");
    if (input.attributes) checkDepth(input.attributes, this.jsonDepth, "/attributes");
    const now = this.clock();
    const draft: Omit<Job, "seq"> = {
      id: uuidv7(now),
      sessionId: session.id,
      name: input.name ?? null,
      description: input.description ?? null,
      code: input.code,
      state: "pending",
      conditionCode: 0,
      nodeId: session.nodeId,
      attributes: input.attributes ?? {},
      createdAt: now,
      startedAt: null,
      endedAt: null,
      stateChangedAt: now,
      version: 0,
    };
    const queue = input.maxPending === undefined ? undefined : { max: input.maxPending, message: `The job queue of this session is full (${input.maxPending} jobs).` };
    const inserted = await this.store.insertJob(draft, [sessionEvent("job.created", session, jobData({ ...draft, seq: 0 }))], queue);
    this.bus.publish(inserted.events);
    return { job: inserted.job, session };
  }

  /** A job of a live session the caller may read; `not-found` otherwise. */
  async get(p: Principal, jobId: string, sessionRef?: string): Promise<{ job: Job; session: Session }> {
    const job = await this.store.getJob(jobId.toLowerCase());
    if (!job) throw notFound("job");
    const session = await this.sessions.get(p, sessionRef ?? job.sessionId);
    if (session.id !== job.sessionId) throw notFound("job");
    return { job, session };
  }

  /** Every job of a session the caller may read, in submission order. */
  async list(p: Principal, sessionRef: string): Promise<{ jobs: Job[]; session: Session }> {
    const session = await this.sessions.get(p, sessionRef);
    return { jobs: await this.store.listJobs(session.id), session };
  }

  find(jobId: string): Promise<Job | null> {
    return this.store.getJob(jobId);
  }

  /** Jobs of a session in the given states, in submission order, without access checks. */
  ofSession(sessionId: string, states?: JobState[]): Promise<Job[]> {
    return this.store.listJobs(sessionId, states);
  }

  /** The session's next job to run, FIFO. */
  async nextPending(sessionId: string): Promise<Job | null> {
    return (await this.store.listJobs(sessionId, ["pending"]))[0] ?? null;
  }

  private async change(jobId: string, type: EventType, decide: (current: Job, now: number) => Job | null): Promise<Job | null> {
    const session = await this.sessions.find((await this.store.getJob(jobId))?.sessionId ?? "");
    if (!session) return null;
    const result = await this.store.mutateJob(jobId, (current) => {
      const next = decide(current, this.clock());
      if (!next) return null;
      return { next: { ...next, version: current.version + 1 }, events: [sessionEvent(type, session, jobData(next))] };
    });
    if (!result) return null;
    this.bus.publish(result.events);
    return result.changed ? result.job : null;
  }

  private moved(job: Job, to: JobState, now: number, extra: Partial<Job> = {}): Job {
    if (!canTransitionJob(job.state, to)) throw new CoreError("conflict", `A job cannot go from ${job.state} to ${to}.`);
    return { ...job, ...extra, state: to, stateChangedAt: now };
  }

  /** pending → running on `nodeId`, and the session `running`; null when the job is no longer pending. */
  async start(jobId: string, nodeId: string): Promise<Job | null> {
    const started = await this.change(jobId, "job.started", (current, now) =>
      current.state === "pending" ? this.moved(current, "running", now, { startedAt: now, nodeId }) : null,
    );
    if (started) await this.settleSession(started.sessionId, "running");
    return started;
  }

  /**
   * running → a terminal state with its condition code; the session goes `idle` when
   * nothing else is queued. null when the job had already ended or is gone.
   */
  async finish(jobId: string, state: TerminalJobState, conditionCode: number, attributes?: JsonObject): Promise<Job | null> {
    const ended = await this.change(jobId, "job.ended", (current, now) =>
      current.state === "running"
        ? this.moved(current, state, now, { conditionCode, endedAt: now, ...(attributes ? { attributes: { ...current.attributes, ...attributes } } : {}) })
        : null,
    );
    if (ended) await this.settleIfQuiet(ended.sessionId);
    return ended;
  }

  /**
   * Cancels a job: a pending one at once; a running one is marked, and ends `canceled`
   * when the node running it has stopped it. Returns the job as it now stands.
   */
  async cancel(p: Principal, jobId: string, sessionRef?: string): Promise<Job> {
    const { job, session } = await this.get(p, jobId, sessionRef);
    if (!policy.canAdminister(p, session)) throw forbidden("Only the owner or an administrator may cancel jobs.");
    return (await this.requestCancel(job.id)) ?? job;
  }

  /** `cancel` without an access check, for the core and the nodes that run jobs. */
  async requestCancel(jobId: string): Promise<Job | null> {
    const current = await this.store.getJob(jobId);
    if (!current) return null;
    if (current.state === "pending") {
      const canceled = await this.change(jobId, "job.ended", (j, now) => (j.state === "pending" ? this.moved(j, "canceled", now, { endedAt: now }) : null));
      if (canceled) return canceled;
    }
    const marked = await this.change(jobId, "job.updated", (j, now) =>
      j.state === "running" && !cancelRequested(j) ? { ...j, attributes: { ...j.attributes, [CANCEL_REQUESTED]: now } } : null,
    );
    return marked ?? this.store.getJob(jobId);
  }

  /**
   * Cancels every pending and running job of a session, newest first: the queue is
   * emptied before the running job ends, so nothing queued starts in between.
   */
  async cancelAll(sessionId: string): Promise<Job[]> {
    const active = (await this.store.listJobs(sessionId, ["running", "pending"])).reverse();
    const out: Job[] = [];
    for (const job of active) {
      const j = await this.requestCancel(job.id);
      if (j) out.push(j);
    }
    return out;
  }

  /** Removes a job resource (owner or administrator); an active job is canceled first by the caller. */
  async delete(p: Principal, jobId: string, sessionRef?: string): Promise<Job> {
    const { job, session } = await this.get(p, jobId, sessionRef);
    if (!policy.canAdminister(p, session)) throw forbidden("Only the owner or an administrator may delete jobs.");
    if (!(await this.remove(job.id))) throw notFound("job");
    return job;
  }

  /** Deletes a job row; false when it was already gone. */
  async remove(jobId: string): Promise<boolean> {
    const job = await this.store.getJob(jobId);
    if (!job) return false;
    const session = await this.sessions.find(job.sessionId);
    if (!session) return false;
    const result = await this.store.mutateJob(jobId, () => ({ next: null, events: [sessionEvent("job.deleted", session, jobData(job))] }));
    if (!result) return false;
    this.bus.publish(result.events);
    return result.changed;
  }

  /** Resolves with the job once it is terminal (or deleted: null), or as it stands after `ms`. */
  async awaitEnd(jobId: string, ms: number): Promise<Job | null> {
    const job = await this.store.getJob(jobId);
    if (!job || isTerminal(job.state)) return job;
    await waitFor(this.bus, job.sessionId, ms, async () => {
      const current = await this.store.getJob(jobId);
      return !current || isTerminal(current.state);
    }, { relevant: (e) => e.type === "job.ended" || e.type === "job.deleted" });
    return this.store.getJob(jobId);
  }

  private async settleIfQuiet(sessionId: string): Promise<void> {
    const active = await this.store.listJobs(sessionId, ["pending", "running"]);
    if (active.length === 0) await this.settleSession(sessionId, "idle");
  }

  /** Moves a live, started session between `idle` and `running`; ended or pending sessions are left alone. */
  private async settleSession(sessionId: string, state: "idle" | "running"): Promise<void> {
    const session = await this.sessions.find(sessionId);
    if (!session || !isLive(session) || session.state === "pending" || session.state === state) return;
    try {
      await this.sessions.setState(SYSTEM_PRINCIPAL, sessionId, state);
    } catch (e) {
      // The session ended meanwhile: nothing to settle.
      if (!(e instanceof CoreError && (e.kind === "conflict" || e.kind === "not-found"))) throw e;
    }
  }
}

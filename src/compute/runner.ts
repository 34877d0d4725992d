import { timerDelay } from "../core/bounds.js";
import { isCoreError } from "../core/errors.js";
import type { HubEvent } from "../core/events.js";
import type { Hub } from "../core/hub.js";
import { type TerminalJobState, cancelRequested } from "../core/jobs.js";
import { and } from "../core/query.js";
import { type Job, type JsonObject, SYSTEM_PRINCIPAL, type Session } from "../core/types.js";
import { LineWriter } from "./line-writer.js";
import { type StoredLine, sourceLines, splitLines, storedLines } from "./lines.js";
import { type SessionData, VariableLimitError } from "./session-data.js";
import type { Executor, ExecutorSession, JobOutcome, Limits, OutLine } from "./types.js";

/** What the runner needs to know of a compute session; the family that owns it answers. */
export interface ComputeProfile {
  /** null: code execution is off for the session's service. */
  executor: Executor | null;
  executorName: string;
  limits: Limits;
  options: string[];
  /** Start-up code lines (the service's, then the session's). */
  startupCode: string[];
  /** The session's id as its clients know it (for the start NOTE). */
  label: string;
  /** Automatic read-only variables of its jobs. */
  automatic: Record<string, string>;
}

export interface ComputeHooks {
  /** Ids of the services whose sessions are compute sessions. */
  serviceIds(): Promise<string[]>;
  /** null when the session is not a compute session. */
  profile(session: Session): Promise<ComputeProfile | null>;
  data(sessionId: string, limits: Limits): SessionData;
}

/** Counters kept in the session's attributes under the family's key. */
export interface ComputeCounters {
  /** Number of the last source line echoed. */
  sourceLine: number;
  /** Highest condition code of any job. */
  conditionCode: number;
  /** Condition code of the last job (SYSCC). */
  lastCode: number;
}

type AbortReason = "cancel" | "time" | "lines" | "stop" | "ended";

interface Running {
  jobId: string | null;
  abort: AbortController;
  reason: AbortReason | null;
}

interface Runtime {
  sessionId: string;
  exec: ExecutorSession | null;
  /** The next job says that the executor's in-memory state was lost. */
  lostState: boolean;
  /** Start-up ran in this process, so a missing executor was never opened rather than lost. */
  startedHere: boolean;
  driving: boolean;
  again: boolean;
  current: Running | null;
}

interface Execution {
  outcome: JobOutcome | null;
  failure: string | null;
  reason: AbortReason | null;
  lastSourceLine: number;
}

export const RESTART_NOTE = "The executor of this session was restarted; its in-memory state was lost.";
export const CUT_OFF = "The job was cut off because its server stopped.";
const RESCAN_MS = 5000;

const seconds = (ms: number) => (Math.max(0, ms) / 1000).toFixed(2);

export function stateOf(code: number): TerminalJobState {
  return code === 0 ? "completed" : code <= 4 ? "warning" : "error";
}

function settleWithin<T>(work: Promise<T>, signal: AbortSignal, graceMs: number): Promise<{ value: T } | { error: unknown } | { late: true }> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | null = null;
    const onAbort = () => {
      timer = setTimeout(() => resolve({ late: true }), timerDelay(graceMs));
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => resolve({ value }),
      (error: unknown) => resolve({ error }),
    ).finally(() => {
      if (timer) clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    });
  });
}

/**
 * The per-node job runner (contract §9.8). Each compute session whose `nodeId` is this
 * node gets a runtime: its executor session and a serial loop that runs start-up code,
 * then its queued jobs one at a time in FIFO order. It wakes on core events (a job
 * created, a cancel asked for, the session ended, from any node) and rescans its queues
 * every 5 s, so a lost notification delays a job but never loses it.
 */
export class Runner {
  private readonly runtimes = new Map<string, Runtime>();
  private unsubscribe: (() => void) | null = null;
  private rescanTimer: NodeJS.Timeout | null = null;
  private stopping = false;

  constructor(
    private readonly hub: Hub,
    private readonly hooks: ComputeHooks,
    private readonly attributeKey: string,
    private readonly onError: (e: unknown) => void,
  ) {}

  async start(): Promise<void> {
    this.unsubscribe = this.hub.bus.subscribe((events) => this.onEvents(events));
    await this.recover();
    this.rescanTimer = setInterval(() => void this.rescan().catch(this.onError), RESCAN_MS);
    this.rescanTimer.unref();
  }

  /** Cuts off running jobs (they end `error` 1012), closes every executor session. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.rescanTimer) clearInterval(this.rescanTimer);
    this.unsubscribe?.();
    const pending = [...this.runtimes.values()].map(async (rt) => {
      this.abort(rt, "stop");
      const until = Date.now() + 3000;
      while (rt.driving && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      await rt.exec?.close().catch(this.onError);
      rt.exec = null;
    });
    await Promise.all(pending);
    this.runtimes.clear();
  }

  /** How many executor sessions are open on this node (tests, metrics). */
  openExecutors(): number {
    return [...this.runtimes.values()].filter((rt) => rt.exec !== null).length;
  }

  counters(session: Session): ComputeCounters {
    const own = (session.attributes[this.attributeKey] ?? {}) as JsonObject;
    const n = (v: unknown) => (typeof v === "number" ? v : 0);
    return { sourceLine: n(own.sourceLine), conditionCode: n(own.conditionCode), lastCode: n(own.lastCode) };
  }

  /** Makes the session's runtime look at its queue now. */
  kick(sessionId: string): void {
    if (this.stopping) return;
    let rt = this.runtimes.get(sessionId);
    if (!rt) {
      rt = { sessionId, exec: null, lostState: false, startedHere: false, driving: false, again: false, current: null };
      this.runtimes.set(sessionId, rt);
    }
    void this.drive(rt);
  }

  /** Stops the session's start-up code, if it is running here. */
  cancelStartup(sessionId: string): void {
    const rt = this.runtimes.get(sessionId);
    if (rt?.current && rt.current.jobId === null) this.abort(rt, "cancel");
  }

  private abort(rt: Runtime, reason: AbortReason): void {
    const current = rt.current;
    if (!current || current.reason) return;
    current.reason = reason;
    current.abort.abort();
  }

  private onEvents(events: readonly HubEvent[]): void {
    for (const e of events) {
      if (!e.sessionId) continue;
      const job = e.data.job as JsonObject | undefined;
      if (e.type === "job.created" && job?.nodeId === this.hub.nodeId) this.kick(e.sessionId);
      else if (e.type === "job.updated") {
        const rt = this.runtimes.get(e.sessionId);
        if (rt?.current?.jobId && rt.current.jobId === job?.id) void this.checkCancel(rt, rt.current.jobId);
      } else if (e.type === "session.ended" || e.type === "session.deleted") {
        const rt = this.runtimes.get(e.sessionId);
        if (rt) {
          this.abort(rt, "ended");
          void this.drive(rt);
        }
      }
    }
  }

  private async checkCancel(rt: Runtime, jobId: string): Promise<void> {
    const job = await this.hub.jobs.find(jobId);
    if (job && cancelRequested(job) && rt.current?.jobId === jobId) this.abort(rt, "cancel");
  }

  private async liveSessions(): Promise<Session[]> {
    const serviceIds = await this.hooks.serviceIds();
    if (serviceIds.length === 0) return [];
    const out: Session[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.hub.sessions.list(SYSTEM_PRINCIPAL, {
        where: and(
          { field: "nodeId", op: "eq", value: this.hub.nodeId },
          { field: "state", op: "ne", value: "ended" },
          { field: "serviceId", op: "in", values: serviceIds },
        ),
        limit: 500,
        cursor,
      });
      out.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return out;
  }

  /** On start: jobs this node left `running` were cut off by its stop; its queues resume. */
  private async recover(): Promise<void> {
    for (const session of await this.liveSessions()) {
      for (const job of await this.hub.jobs.ofSession(session.id, ["running"])) {
        const writer = new LineWriter(this.hub.sessions, session, job.id, this.onError);
        writer.push(this.lines({ stream: "log", type: "error", text: CUT_OFF }, 32768));
        const elapsed = seconds(this.hub.clock() - (job.startedAt ?? this.hub.clock()));
        writer.push([{ stream: "log", type: "note", text: `NOTE: The job ended with condition code 1012 after ${elapsed} seconds.` }]);
        await writer.flush();
        await this.saveCounters(session.id, (c) => ({ ...c, conditionCode: Math.max(c.conditionCode, 1012), lastCode: 1012 }));
        await this.hub.jobs.finish(job.id, "error", 1012);
      }
      this.kick(session.id);
    }
  }

  private async rescan(): Promise<void> {
    for (const session of await this.liveSessions()) {
      const rt = this.runtimes.get(session.id);
      if (!rt?.driving) this.kick(session.id);
    }
  }

  private async drive(rt: Runtime): Promise<void> {
    if (rt.driving) {
      rt.again = true;
      return;
    }
    rt.driving = true;
    try {
      do {
        rt.again = false;
        while (!this.stopping && (await this.step(rt))) {
          /* next job */
        }
      } while (rt.again && !this.stopping);
    } catch (e) {
      this.onError(e);
    } finally {
      rt.driving = false;
    }
  }

  /** One unit of work; false when there is nothing (more) to do now. */
  private async step(rt: Runtime): Promise<boolean> {
    const session = await this.hub.sessions.find(rt.sessionId);
    if (!session || session.state === "ended") {
      await this.finalize(rt, session);
      return false;
    }
    if (session.nodeId !== this.hub.nodeId) return false;
    const profile = await this.hooks.profile(session);
    if (!profile) return false;
    if (session.state === "pending") {
      await this.startup(rt, session, profile);
      const after = await this.hub.sessions.find(rt.sessionId);
      return after !== null && after.state !== "pending";
    }
    // Started by an earlier process: a stateful executor's globals are gone.
    if (!rt.exec && !rt.startedHere && profile.executor?.stateful) rt.lostState = true;
    const job = await this.hub.jobs.nextPending(session.id);
    if (!job) return false;
    await this.runJob(rt, session, profile, job);
    return true;
  }

  /** The session ended: cancel what is queued, close the executor, drop its data. */
  private async finalize(rt: Runtime, session: Session | null): Promise<void> {
    this.runtimes.delete(rt.sessionId);
    await rt.exec?.close().catch(this.onError);
    rt.exec = null;
    if (!session) return;
    await this.hub.jobs.cancelAll(session.id);
    if (session.endReason !== "failed") {
      const profile = await this.hooks.profile(session);
      if (profile) await this.hooks.data(session.id, profile.limits).drop();
    }
  }

  private lines(line: OutLine, maxLineBytes: number): StoredLine[] {
    return storedLines(line, maxLineBytes).flat();
  }

  private async saveCounters(sessionId: string, change: (c: ComputeCounters) => ComputeCounters): Promise<void> {
    try {
      await this.hub.sessions.update(SYSTEM_PRINCIPAL, sessionId, (current) => {
        const own = (current.attributes[this.attributeKey] ?? {}) as JsonObject;
        const next = change(this.counters(current));
        return { attributes: { ...current.attributes, [this.attributeKey]: { ...own, ...next } } };
      });
    } catch (e) {
      if (!isCoreError(e, "conflict") && !isCoreError(e, "not-found")) throw e;
    }
  }

  private async startup(rt: Runtime, session: Session, profile: ComputeProfile): Promise<void> {
    const writer = new LineWriter(this.hub.sessions, session, null, this.onError);
    writer.push([{ stream: "log", type: "note", text: `NOTE: Session ${profile.label} started (executor: ${profile.executorName}).` }]);
    let failed: string | null = null;
    rt.startedHere = true;
    if (profile.executor) {
      try {
        rt.exec ??= await profile.executor.open({ sessionId: session.id, options: profile.options, area: this.hooks.data(session.id, profile.limits), limits: profile.limits });
        if (profile.startupCode.length > 0) {
          const run = await this.execute(rt, session, profile, writer, null, profile.startupCode.join("\n"), 1, {});
          failed = run.failure;
          await this.saveCounters(session.id, (c) => ({ ...c, sourceLine: run.lastSourceLine }));
        }
      } catch (e) {
        failed = e instanceof Error ? e.message : String(e);
      }
    }
    if (failed !== null) writer.push(this.lines({ stream: "log", type: "error", text: `The session could not start: ${failed}` }, profile.limits.maxLineBytes));
    await writer.flush();
    try {
      if (failed !== null) await this.hub.sessions.end(SYSTEM_PRINCIPAL, session.id, "failed");
      else await this.hub.sessions.setState(SYSTEM_PRINCIPAL, session.id, "idle");
    } catch (e) {
      if (!isCoreError(e, "conflict") && !isCoreError(e, "not-found")) throw e;
    }
  }

  private async runJob(rt: Runtime, session: Session, profile: ComputeProfile, queued: Job): Promise<void> {
    const job = await this.hub.jobs.start(queued.id, this.hub.nodeId);
    if (!job) return;
    const started = this.hub.clock();
    const { limits } = profile;
    const writer = new LineWriter(this.hub.sessions, session, job.id, this.onError);
    const error = (text: string) => writer.push(this.lines({ stream: "log", type: "error", text }, limits.maxLineBytes));
    const own = (job.attributes[this.attributeKey] ?? {}) as JsonObject;
    const counters = this.counters((await this.hub.sessions.find(session.id)) ?? session);
    const data = this.hooks.data(session.id, limits);
    let run: Execution = { outcome: null, failure: null, reason: null, lastSourceLine: counters.sourceLine };
    let code = 0;

    if (!profile.executor) {
      run.failure = "Code execution is not enabled for this session.";
    } else {
      try {
        rt.exec ??= await profile.executor.open({ sessionId: session.id, options: profile.options, area: data, limits });
      } catch (e) {
        run.failure = `The executor could not start: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
    if (rt.exec && run.failure === null) {
      if (rt.lostState) writer.push([{ stream: "log", type: "note", text: `NOTE: ${RESTART_NOTE}` }]);
      rt.lostState = false;
      const requested = (own.variables ?? {}) as Record<string, string>;
      try {
        await data.setVariables(requested);
      } catch (e) {
        if (!(e instanceof VariableLimitError)) throw e;
        error(e.message);
        code = 8;
      }
      const first = own.resetLogLineNumbers === true ? 1 : counters.sourceLine + 1;
      run = await this.execute(rt, session, profile, writer, job, job.code, first, await data.variables());
    }

    const outcome = run.outcome;
    code = Math.max(code, outcome?.conditionCode ?? 0);
    let state: TerminalJobState;
    if (run.reason === "cancel" || run.reason === "ended") state = "canceled";
    else {
      if (run.reason === "time") error(`The job exceeded its time limit of ${limits.jobSeconds} seconds.`);
      if (run.reason === "lines") error(`The job exceeded its output limit of ${limits.maxLines} lines.`);
      if (run.reason === "stop") error(CUT_OFF);
      if (run.failure !== null) error(run.failure);
      if (run.reason === "time" || run.reason === "lines") code = Math.max(code, 1016);
      if (run.reason === "stop" || run.failure !== null) code = Math.max(code, 1012);
      state = stateOf(code);
    }
    if (outcome && run.reason === null && run.failure === null) {
      try {
        await data.setVariables(outcome.variables, outcome.deletedVariables);
      } catch (e) {
        if (!(e instanceof VariableLimitError)) throw e;
        error(e.message);
        code = Math.max(code, 8);
        state = stateOf(code);
      }
      await data.addResults(job.id, outcome.results.map((r) => (r.type === "ODS" ? { ...r, content: odsDocument(r.content) } : r)), this.hub.clock());
    }
    const elapsed = seconds(this.hub.clock() - started);
    writer.push([
      {
        stream: "log",
        type: "note",
        text: state === "canceled" ? `NOTE: The job was canceled after ${elapsed} seconds.` : `NOTE: The job ended with condition code ${code} after ${elapsed} seconds.`,
      },
    ]);
    await writer.flush();
    await this.saveCounters(session.id, (c) => ({ sourceLine: run.lastSourceLine, conditionCode: Math.max(c.conditionCode, code), lastCode: code }));
    await this.hub.jobs.finish(job.id, state, code);
    const after = await this.hub.sessions.find(session.id);
    if (after && after.state === "idle") this.hub.sessions.markActivity(after);
  }

  /** Echoes and runs code under the limits; the caller decides what the outcome means. */
  private async execute(
    rt: Runtime,
    session: Session,
    profile: ComputeProfile,
    writer: LineWriter,
    job: Job | null,
    code: string,
    firstLine: number,
    variables: Record<string, string>,
  ): Promise<Execution> {
    const { limits } = profile;
    const source = sourceLines(code, firstLine, limits.maxLineBytes);
    writer.push(source);
    const current: Running = { jobId: job?.id ?? null, abort: new AbortController(), reason: null };
    rt.current = current;
    if (job && cancelRequested((await this.hub.jobs.find(job.id)) ?? job)) this.abort(rt, "cancel");
    let counted = 0;
    const emit = (line: OutLine) => {
      for (const group of storedLines(line, limits.maxLineBytes)) {
        if (counted >= limits.maxLines) return this.abort(rt, "lines");
        counted += 1;
        writer.push(group);
      }
    };
    const timer = setTimeout(() => this.abort(rt, "time"), timerDelay(limits.jobSeconds * 1000));
    const exec = rt.exec!;
    const settled = await settleWithin(
      Promise.resolve().then(() =>
        exec.run(
          { code, variables, automatic: profile.automatic, limits, signal: current.abort.signal, label: job ? `job-${job.seq}.js` : "startup.js" },
          emit,
        ),
      ),
      current.abort.signal,
      limits.cancelGraceMs,
    );
    clearTimeout(timer);
    rt.current = null;
    let outcome: JobOutcome | null = null;
    let failure: string | null = null;
    if ("late" in settled) {
      // The executor did not stop in time: discard it; the next job gets a fresh one.
      void exec.close().catch(this.onError);
      rt.exec = null;
      rt.lostState = true;
    } else if ("error" in settled) {
      failure = settled.error instanceof Error ? settled.error.message : String(settled.error);
    } else {
      outcome = settled.value;
      if (outcome.lostState) rt.lostState = true;
    }
    const lastSourceLine = firstLine + splitLines(code).length - 1;
    return { outcome, failure, reason: current.reason, lastSourceLine };
  }
}

/** ODS content: a whole HTML document whose body wraps the fragments in `<div id="IDX1">`. */
export function odsDocument(fragments: Uint8Array): Uint8Array {
  const body = new TextDecoder().decode(fragments);
  return new TextEncoder().encode(
    `<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>SAS Output</title>\n</head>\n<body>\n<div id="IDX1">\n${body}</div>\n</body>\n</html>\n`,
  );
}

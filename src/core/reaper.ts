import { setImmediate as yieldToRequests } from "node:timers/promises";
import type { Store } from "./store.js";
import type { ActivityTracker } from "./activity.js";
import type { EventBus, HubEvent } from "./events.js";
import type { Sessions } from "./sessions.js";

export interface ReaperOptions {
  intervalMs: number;
  /** How long ended sessions are kept before they are deleted. */
  retentionSeconds: number;
  /** How long the event record is kept (resumable streams, activity statistics). */
  eventRetentionSeconds: number;
  clock: () => number;
}

/** Rows purged per write, and the most sessions ended in one. */
const BATCH = 100;

/**
 * How long one batch of ends may hold the event loop. Ending a session writes its row,
 * the indexes and the tallies that cover it and an event, so its cost grows with the
 * store; the batch shrinks until it fits, and requests wait for one batch at most.
 */
const BATCH_MS = 15;

/** setTimeout's longest delay; a later end is re-armed when this one fires. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * Ends sessions that were idle past their timeout (`expired`) or whose scheduled end
 * has come (the reason given when it was scheduled), then deletes what retention lets
 * go. Each end is a mutator that re-checks the deadline under the row lock, so with
 * several nodes exactly one of them ends a session.
 *
 * Scheduled ends do not wait for a sweep: each node keeps one timer, for the earliest
 * `endAt` it knows of — read from the store at start and after each firing, and learned
 * from session events as they are published, other nodes' included — so an end lands
 * on its time while the sweep stays as slow as it is.
 */
export class Reaper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private endTimer: NodeJS.Timeout | null = null;
  /** The `endAt` the end timer is set for. */
  private armedFor: number | null = null;
  private ending: Promise<void> | null = null;
  private unsubscribe: (() => void) | null = null;
  /** Called with the ids of the sessions a sweep ended (compute executors close on it). */
  onEnded: ((sessionIds: string[]) => void) | null = null;

  constructor(
    private readonly store: Store,
    private readonly sessions: Sessions,
    private readonly activity: ActivityTracker,
    private readonly bus: EventBus,
    private readonly options: ReaperOptions,
    private readonly onError: (e: unknown) => void,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.sweep().catch(this.onError), this.options.intervalMs);
    this.timer.unref();
    this.unsubscribe = this.bus.subscribe((events) => events.forEach((e) => this.learn(e)));
    void this.rearm().catch(this.onError);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.disarm();
    await this.running;
    await this.ending;
  }

  /** One pass; concurrent calls share the pass in progress. */
  sweep(): Promise<void> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /**
   * Every step works in bounded batches and lets the event loop run between them: the
   * SQLite store answers synchronously, so a pass that only awaited it would hold every
   * request until the whole backlog was done.
   */
  private async pass(): Promise<void> {
    await this.activity.flush();
    const now = this.options.clock();
    await this.endAll((limit) => this.store.dueSessions(now, limit), now);
    const retentionCutoff = now - this.options.retentionSeconds * 1000;
    while ((await this.store.purgeEnded(retentionCutoff, BATCH)) === BATCH) await yieldToRequests();
    const eventsBefore = now - this.options.eventRetentionSeconds * 1000;
    while ((await this.store.purgeHistory(eventsBefore, now, BATCH)) === BATCH) await yieldToRequests();
  }

  /**
   * Ends what `due` lists, a batch per write, until a batch is short or ends nothing; each
   * batch is sized from the last one's time so that it holds the event loop about BATCH_MS.
   */
  private async endAll(due: (limit: number) => Promise<string[]>, now: number): Promise<void> {
    const ended: string[] = [];
    let size = BATCH;
    for (;;) {
      const started = performance.now();
      const ids = await due(size);
      const batch = ids.length > 0 ? await this.sessions.endIfDue(ids, now) : [];
      ended.push(...batch);
      if (ids.length < size || batch.length === 0) break;
      const perSession = (performance.now() - started) / ids.length;
      size = Math.max(1, Math.min(BATCH, Math.floor(BATCH_MS / Math.max(perSession, 0.001))));
      await yieldToRequests();
    }
    if (ended.length > 0) this.onEnded?.(ended);
  }

  /** A session event that shows a scheduled end earlier than the one armed arms it. */
  private learn(e: HubEvent): void {
    const s = e.data.session as { state?: unknown; endAt?: unknown } | undefined;
    if (typeof s?.endAt === "number" && s.state !== "ended") this.arm(s.endAt);
  }

  private arm(at: number): void {
    if (!this.unsubscribe || (this.armedFor !== null && this.armedFor <= at)) return;
    this.disarm();
    this.armedFor = at;
    // At least 1 ms: a timer may fire a little before the clock reaches its time.
    const delay = Math.min(Math.max(at - this.options.clock(), 1), MAX_DELAY_MS);
    this.endTimer = setTimeout(() => {
      this.disarm();
      // After any run in progress: it may have read the next end before this one was known.
      this.ending = (this.ending ?? Promise.resolve()).then(() => this.endScheduled()).catch(this.onError);
    }, delay);
    this.endTimer.unref();
  }

  private disarm(): void {
    if (this.endTimer) clearTimeout(this.endTimer);
    this.endTimer = null;
    this.armedFor = null;
  }

  /**
   * Ends the sessions whose scheduled end has come, then arms the timer for the next.
   * No activity flush is needed: a listed session's `endAt` has passed, and `endIfDue`
   * gives a passed `endAt` precedence over expiry.
   */
  private async endScheduled(): Promise<void> {
    const now = this.options.clock();
    await this.endAll((limit) => this.store.scheduledEndsDue(now, limit), now);
    await this.rearm();
  }

  private async rearm(): Promise<void> {
    const next = await this.store.nextScheduledEnd();
    if (next !== null) this.arm(next);
  }
}

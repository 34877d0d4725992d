import type { Store } from "../store/store.js";
import type { ActivityTracker } from "./activity.js";
import type { Sessions } from "./sessions.js";

export interface ReaperOptions {
  intervalMs: number;
  /** How long ended sessions are kept before they are deleted. */
  retentionSeconds: number;
  /** How long the event record is kept (resumable streams, activity statistics). */
  eventRetentionSeconds: number;
  clock: () => number;
}

/**
 * Ends sessions that were idle past their timeout (`expired`) or whose scheduled end
 * has come (the reason given when it was scheduled), then deletes what retention lets
 * go. Each end is a mutator that re-checks the deadline under the row lock, so with
 * several nodes exactly one of them ends a session.
 */
export class Reaper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** Called with the ids of the sessions a sweep ended (compute executors close on it). */
  onEnded: ((sessionIds: string[]) => void) | null = null;

  constructor(
    private readonly store: Store,
    private readonly sessions: Sessions,
    private readonly activity: ActivityTracker,
    private readonly options: ReaperOptions,
    private readonly onError: (e: unknown) => void,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.sweep().catch(this.onError), this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass; concurrent calls share the pass in progress. */
  sweep(): Promise<void> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<void> {
    await this.activity.flush();
    const now = this.options.clock();
    const ended: string[] = [];
    for (;;) {
      const due = await this.store.dueSessions(now, 200);
      let progressed = 0;
      for (const id of due) {
        if (await this.sessions.endIfDue(id, now)) {
          ended.push(id);
          progressed += 1;
        }
      }
      if (due.length < 200 || progressed === 0) break;
    }
    if (ended.length > 0) this.onEnded?.(ended);
    const retentionCutoff = now - this.options.retentionSeconds * 1000;
    while ((await this.store.purgeEnded(retentionCutoff, 500)) === 500) {
      /* keep deleting in bounded batches */
    }
    await this.store.purgeHistory(now - this.options.eventRetentionSeconds * 1000, now);
  }
}

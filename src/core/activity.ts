import type { Store } from "./store.js";
import type { EventBus } from "./events.js";

/**
 * Activity marks (a request by an owner or member) are frequent and must not cost a
 * write each, nor bump `version`. They are coalesced in memory, newest per session, and
 * written in one transaction per flush; the reaper flushes before it looks for idle
 * sessions, so a mark is never lost to it.
 */
export class ActivityTracker {
  private pending = new Map<string, number>();
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
  ) {}

  mark(sessionId: string, at: number): void {
    const prior = this.pending.get(sessionId);
    if (prior === undefined || prior < at) this.pending.set(sessionId, at);
  }

  get size(): number {
    return this.pending.size;
  }

  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const marks = [...batch].map(([id, at]) => ({ id, at }));
    this.flushing = (async () => {
      try {
        const events = await this.store.touchSessions(
          marks,
          marks.map((m) => ({ type: "session.activity", sessionId: m.id, serviceId: null, data: { kind: "request" }, access: null })),
        );
        this.bus.publish(events);
      } catch (e) {
        for (const m of marks) this.mark(m.id, m.at);
        throw e;
      }
    })();
    try {
      await this.flushing;
    } finally {
      this.flushing = null;
    }
  }
}

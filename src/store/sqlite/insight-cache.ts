import type { LogStats } from "../../core/store.js";
import type { LogStream } from "../../core/types.js";

/** What the batch reads last found about one session. */
interface Known {
  stats?: LogStats;
  /** Streams a tail read found empty. */
  silent?: LogStream[];
  /** A read of recent jobs found none. */
  jobless?: boolean;
  /** When the session's events were recorded, of those at or after `since` when they were read. */
  events?: { since: number; at: number[] };
}

/** Sessions with more recent events than this are counted by the database each time. */
export const MOST_EVENTS_KEPT = 64;

/**
 * What the batch reads last found about sessions' logs, jobs and events: log statistics,
 * which sessions have no lines in a stream or no jobs — most have neither, so their
 * tails and recent jobs need no statement — and the times of their recent events, which
 * count the events of any later window. Exact as SessionCache is: this process is the
 * database file's only writer, and every write of a session's lines, jobs or events, and
 * every deletion of sessions or events, drops what it changes. Bounded; the oldest
 * entries go first.
 */
export class InsightCache {
  private readonly known = new Map<string, Known>();

  constructor(private readonly max: number) {}

  stats(id: string): LogStats | undefined {
    return this.known.get(id)?.stats;
  }

  /** Whether the session is known to have no lines in `stream`. */
  silent(id: string, stream: LogStream): boolean {
    const k = this.known.get(id);
    return k !== undefined && (k.stats ? k.stats[stream].count === 0 : (k.silent?.includes(stream) ?? false));
  }

  jobless(id: string): boolean {
    return this.known.get(id)?.jobless === true;
  }

  /** The session's events at or after `since`, when they were read from no later than that. */
  eventCount(id: string, since: number): number | undefined {
    const events = this.known.get(id)?.events;
    if (!events || since < events.since) return undefined;
    let n = 0;
    for (const at of events.at) if (at >= since) n += 1;
    return n;
  }

  setStats(id: string, stats: LogStats): void {
    this.entry(id).stats = stats;
  }

  setSilent(id: string, stream: LogStream): void {
    const k = this.entry(id);
    if (!k.silent?.includes(stream)) k.silent = [...(k.silent ?? []), stream];
  }

  setJobless(id: string): void {
    this.entry(id).jobless = true;
  }

  setEvents(id: string, since: number, at: number[]): void {
    this.entry(id).events = { since, at };
  }

  dropEvents(id: string): void {
    const k = this.known.get(id);
    if (k) delete k.events;
  }

  clearEvents(): void {
    for (const k of this.known.values()) delete k.events;
  }

  drop(id: string): void {
    this.known.delete(id);
  }

  clear(): void {
    this.known.clear();
  }

  private entry(id: string): Known {
    let k = this.known.get(id);
    if (!k) {
      if (this.known.size >= this.max) this.known.delete(this.known.keys().next().value!);
      k = {};
      this.known.set(id, k);
    }
    return k;
  }
}

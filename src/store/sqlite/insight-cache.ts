import type { LogStats } from "../../core/store.js";
import type { LogStream } from "../../core/types.js";

/** What the batch reads last found about one session. */
interface Known {
  stats?: LogStats;
  /** Streams a tail read found empty. */
  silent?: LogStream[];
  /** A read of recent jobs found none. */
  jobless?: boolean;
}

/**
 * What the batch reads last found about sessions' logs and jobs: log statistics, and
 * which sessions have no lines in a stream or no jobs — most have neither, so their
 * tails and recent jobs need no statement. Exact as SessionCache is: this process is the
 * database file's only writer, and every write of a session's lines or jobs, and every
 * deletion of sessions, drops what it changes. Bounded; the oldest entries go first.
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

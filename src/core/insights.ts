import type { LogStats, Store } from "./store.js";
import type { Job, LogLine, LogStream, SessionState } from "./types.js";

/**
 * Batch reads about sessions a family has already read through the access policy:
 * log statistics and tails, recent jobs, event counts. One statement each for a whole
 * page of sessions, never one per session.
 */
export class Insights {
  constructor(private readonly store: Store) {}

  logStats(sessionIds: string[]): Promise<Map<string, LogStats>> {
    return this.store.logStats(sessionIds);
  }

  tailLogs(sessionIds: string[], stream: LogStream, limit: number): Promise<Map<string, LogLine[]>> {
    return this.store.tailLogs(sessionIds, stream, limit);
  }

  recentJobs(sessionIds: string[], limit: number): Promise<Map<string, Job[]>> {
    return this.store.recentJobs(sessionIds, limit);
  }

  /** Stored sessions per service and state (one statement), for per-service statistics. */
  sessionCounts(): Promise<{ serviceId: string; state: SessionState; count: number }[]> {
    return this.store.sessionCounts();
  }

  /** Events recorded per session since `since` (activity marks included). */
  eventCounts(sessionIds: string[], since: number): Promise<Map<string, number>> {
    return this.store.countEvents(sessionIds, since);
  }
}

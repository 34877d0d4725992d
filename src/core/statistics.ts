import type { Store } from "./store.js";
import { type Condition, and, eq } from "./query.js";
import type { Sessions } from "./sessions.js";
import type { Principal, SessionState } from "./types.js";

/** The period of the per-minute series, in minutes; the last one is the minute in progress. */
export const STATS_MINUTES = 60;
const MINUTE = 60_000;

export interface SessionOverview {
  at: number;
  /** Sessions not ended. */
  live: number;
  /** Members of live sessions (a user in two sessions counts twice). */
  members: number;
  byState: Record<SessionState, number>;
  /** Per service with stored sessions, most live sessions first. */
  byService: { serviceId: string; live: number; ended: number; members: number }[];
  /** Sessions created and ended in each minute from `from` (STATS_MINUTES of them, oldest first). */
  perMinute: { from: number; created: number[]; ended: number[] };
}

/**
 * The overview of the console, from the store's aggregates (never a read of the sessions
 * themselves): for administrators, of every session; for anyone else, of their own, the
 * sessions they own or are members of. Not of every session they may read: that takes in
 * every public session, which no index narrows, and would make each refresh a scan of the
 * whole table for any user; their own sessions are found through the owner and member
 * indexes. Sessions deleted since are not counted: the series are of the sessions stored,
 * by the minute they were created or ended in.
 */
export class Statistics {
  constructor(
    private readonly store: Store,
    private readonly sessions: Sessions,
    private readonly clock: () => number,
  ) {}

  async overview(p: Principal): Promise<SessionOverview> {
    const at = this.clock();
    const firstMinute = Math.floor(at / MINUTE) - (STATS_MINUTES - 1);
    const own: Condition = { or: [eq("owner", p.userId), eq("member", p.userId)] };
    const stats = await this.store.sessionStats(p.isAdmin ? undefined : and(this.sessions.readable(p), own), firstMinute * MINUTE);
    const byState: Record<SessionState, number> = { pending: 0, idle: 0, running: 0, ended: 0 };
    const services = new Map<string, SessionOverview["byService"][number]>();
    let members = 0;
    for (const g of stats.groups) {
      byState[g.state] += g.count;
      const service = services.get(g.serviceId) ?? { serviceId: g.serviceId, live: 0, ended: 0, members: 0 };
      services.set(g.serviceId, service);
      if (g.state === "ended") service.ended += g.count;
      else {
        service.live += g.count;
        service.members += g.members;
        members += g.members;
      }
    }
    const series = (rows: { minute: number; count: number }[]) => {
      const out = new Array<number>(STATS_MINUTES).fill(0);
      for (const r of rows) if (r.minute >= firstMinute && r.minute < firstMinute + STATS_MINUTES) out[r.minute - firstMinute]! += r.count;
      return out;
    };
    return {
      at,
      live: byState.pending + byState.idle + byState.running,
      members,
      byState,
      byService: [...services.values()].sort((a, b) => b.live - a.live || a.serviceId.localeCompare(b.serviceId)),
      perMinute: { from: firstMinute * MINUTE, created: series(stats.created), ended: series(stats.ended) },
    };
  }
}

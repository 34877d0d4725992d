import { isCoreError } from "../../core/errors.js";
import type { Hub } from "../../core/hub.js";
import { type Condition, and, filterSizeProblem } from "../../core/query.js";
import type { Principal, Session } from "../../core/types.js";
import type { MaxscaleConfig } from "./config.js";
import { type Fieldset, fieldsetAttributes } from "./fields.js";
import type { RowFilter } from "./filter-parse.js";
import type { ReverseDns } from "./rdns.js";
import { type SessionExtras, type SessionRendering, renderSession } from "./render-session.js";
import type { Resource } from "./resource.js";

/** The batch reads a response needs; the ones `fields` and `filter` make useless are skipped. */
export interface Needs {
  log: boolean;
  jobs: boolean;
  events: boolean;
  /** Reverse DNS of `remote` until this wall-clock deadline; null = none. */
  rdnsUntil: number | null;
}

export const EVERYTHING: Needs = { log: true, jobs: true, events: true, rdnsUntil: null };

/** Which attributes the fieldset and the filters reach; all of them when either reaches the whole. */
export function needsOf(fields: Fieldset | null, filters: RowFilter[], rdnsUntil: number | null): Needs {
  let all = fields === null;
  const names = new Set(fields ? fieldsetAttributes(fields) : []);
  for (const f of filters) {
    const [first, second] = f.path;
    if (!first) all = true;
    else if ("token" in first && first.token === "attributes") {
      if (second && "token" in second) names.add(second.token);
      else all = true;
    }
  }
  const has = (name: string) => all || names.has(name);
  return { log: has("log"), jobs: has("queries") || has("memory"), events: has("io_activity"), rdnsUntil: has("remote") ? rdnsUntil : null };
}

const LIVE: Condition = { field: "state", op: "ne", value: "ended" };
const BATCH = 500;
/** The window of core events counted as `io_activity`. */
const IO_WINDOW_MS = 30_000;

/**
 * Reads sessions for this family: never as activity, only live ones, in keyset batches,
 * with each batch's log tails, recent jobs and event counts read in one statement each.
 */
export class SessionReader {
  constructor(
    private readonly hub: Hub,
    private readonly config: MaxscaleConfig,
    private readonly dns: ReverseDns,
  ) {}

  /** A live session by number that the caller may read, or null (ended sessions are invisible here). */
  async live(p: Principal, number: number): Promise<Session | null> {
    try {
      const s = await this.hub.sessions.get(p, number, { activity: false });
      return s.state !== "ended" ? s : null;
    } catch (e) {
      if (isCoreError(e, "not-found")) return null;
      throw e;
    }
  }

  readonly liveWhere = (where?: Condition): Condition => and(LIVE, where)!;

  /** Whether `where` is within the filter limits once this reader's own condition is added. */
  fits(where: Condition): boolean {
    return filterSizeProblem(this.liveWhere(where), this.hub.filterLimits) === null;
  }

  /** Every live session matching `where`, ascending by number, one batch at a time. */
  async *batches(p: Principal, where?: Condition): AsyncGenerator<Session[]> {
    let cursor: string | undefined;
    do {
      const page = await this.hub.sessions.list(p, {
        where: this.liveWhere(where),
        sort: [{ field: "number", dir: "asc" }],
        limit: BATCH,
        ...(cursor ? { cursor } : {}),
      });
      if (page.items.length > 0) yield page.items;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  /** Live sessions matching `where`, ascending by number, by offset. */
  async page(p: Principal, where: Condition | undefined, offset: number, limit: number): Promise<Session[]> {
    if (limit <= 0) return [];
    const page = await this.hub.sessions.list(p, { where: this.liveWhere(where), sort: [{ field: "number", dir: "asc" }], limit, offset });
    return page.items;
  }

  count(p: Principal, where?: Condition): Promise<number> {
    return this.hub.sessions.count(p, this.liveWhere(where));
  }

  /** The batch reads for some sessions: at most one statement per kind of data. */
  async extras(sessions: Session[], needs: Needs, now: number): Promise<Map<string, SessionExtras>> {
    const ids = sessions.map((s) => s.id);
    const { insights } = this.hub;
    const [logs, jobs, events, names] = await Promise.all([
      needs.log ? insights.tailLogs(ids, "log", this.config.sessionLogLines) : undefined,
      needs.jobs ? insights.recentJobs(ids, this.config.retainLastStatements) : undefined,
      needs.events ? insights.eventCounts(ids, now - IO_WINDOW_MS) : undefined,
      needs.rdnsUntil !== null
        ? this.dns.names(sessions.flatMap((s) => (typeof s.client.address === "string" ? [s.client.address] : [])), needs.rdnsUntil)
        : undefined,
    ]);
    const out = new Map<string, SessionExtras>();
    for (const s of sessions) {
      const extras: SessionExtras = {};
      if (logs) extras.log = logs.get(s.id) ?? [];
      if (jobs) extras.jobs = jobs.get(s.id) ?? [];
      if (events) extras.events = events.get(s.id) ?? 0;
      const name = typeof s.client.address === "string" ? names?.get(s.client.address) : undefined;
      if (name !== undefined) extras.remoteName = name;
      out.set(s.id, extras);
    }
    return out;
  }

  async render(sessions: Session[], needs: Needs, r: SessionRendering): Promise<Resource[]> {
    const extras = await this.extras(sessions, needs, r.now);
    return sessions.map((s) => renderSession(s, extras.get(s.id)!, r));
  }
}

import type { FastifyBaseLogger } from "fastify";
import type { HubEvent } from "../../core/events.js";
import type { Hub } from "../../core/hub.js";
import type { Condition } from "../../core/query.js";
import { SYSTEM_PRINCIPAL, type Session } from "../../core/types.js";
import { LOG_FLAGS, type LogFlag, type LogFlags, logFlagField, logFlags } from "./log-flags.js";

type Level = "info" | "notice" | "warning" | "error";

const FLAG: Record<Level, LogFlag> = { info: "log_info", notice: "log_notice", warning: "log_warning", error: "log_error" };
/** pino has no `notice`: it is written at info, labelled. */
const PINO: Record<Level, "info" | "warn" | "error"> = { info: "info", notice: "info", warning: "warn", error: "error" };

interface Watched {
  number: number;
  flags: LogFlags;
}

/** The level of the record an event makes: reaper and kill actions warn, failures are errors. */
function levelOf(e: HubEvent): Level {
  const reason = e.data.reason;
  if (e.type === "session.ended") return reason === "failed" ? "error" : reason === "closed" ? "notice" : "warning";
  if (e.type === "member.joined" || e.type === "member.left") return "notice";
  if (e.type === "session.updated" && Array.isArray(e.data.changed) && e.data.changed.includes("state")) return "notice";
  return "info";
}

const sessionOf = (e: HubEvent) => (e.data.session as unknown as Session | undefined) ?? null;

/**
 * Per-session log levels (`alter session <id> log_info=true`): while a flag is set, the
 * server writes its own records about that session at that level — its events (state
 * changes, reaper actions, jobs, log appends) and requests on it through this API — even
 * when the global log level would drop them. Flags are followed from the events, so
 * changes made on any node count.
 */
export class SessionLog {
  private readonly watched = new Map<string, Watched>();
  private readonly forced: FastifyBaseLogger;

  constructor(
    private readonly hub: Hub,
    logger: FastifyBaseLogger,
  ) {
    this.forced = logger.child({ family: "maxscale" }, { level: "trace" });
  }

  async start(): Promise<void> {
    this.hub.bus.subscribe((events) => events.forEach((e) => this.onEvent(e)));
    const flagged: Condition = {
      and: [
        { field: "state", op: "ne", value: "ended" },
        { or: LOG_FLAGS.map((f) => ({ field: logFlagField(f), op: "eq" as const, value: true })) },
      ],
    };
    let cursor: string | undefined;
    do {
      const page = await this.hub.sessions.list(SYSTEM_PRINCIPAL, { where: flagged, limit: 500, sort: [{ field: "number", dir: "asc" }], ...(cursor ? { cursor } : {}) });
      for (const s of page.items) this.follow(s);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  private follow(s: Session): void {
    const flags = logFlags(s);
    if (s.state !== "ended" && LOG_FLAGS.some((f) => flags[f])) this.watched.set(s.id, { number: s.number, flags });
    else this.watched.delete(s.id);
  }

  private onEvent(e: HubEvent): void {
    if (!e.sessionId) return;
    const before = this.watched.get(e.sessionId);
    const s = sessionOf(e);
    if (s) this.follow(s);
    const watched = before ?? this.watched.get(e.sessionId);
    if (watched) this.write(watched, levelOf(e), { event: e.type, seq: e.seq, node: e.nodeId }, `session ${watched.number}: ${e.type}`);
  }

  /** A request on a session through this API. */
  request(s: Session, method: string, path: string): void {
    const watched = this.watched.get(s.id);
    if (watched) this.write(watched, "info", { method, path }, `session ${watched.number}: ${method} ${path}`);
  }

  private write(w: Watched, level: Level, fields: Record<string, unknown>, msg: string): void {
    if (!w.flags[FLAG[level]]) return;
    this.forced[PINO[level]]({ ...fields, session: w.number, sessionLevel: level }, msg);
  }
}

import type { JsonObject, Session } from "./types.js";

export type EventType =
  | "session.created"
  | "session.updated"
  | "session.ended"
  | "session.deleted"
  | "session.activity"
  | "member.joined"
  | "member.left"
  | "log.appended"
  | "job.created"
  | "job.started"
  | "job.updated"
  | "job.ended"
  | "job.deleted"
  | "service.created"
  | "service.updated"
  | "service.deleted"
  | "token.revoked"
  | "user.changed";

/** Who may see an event: the policy fields of the session it is about, at the time. */
export interface EventAccess {
  owner: string | null;
  visibility: "public" | "private";
  members: string[];
  invited: string[];
}

/** An event before the store commits it and gives it its sequence number. */
export interface EventDraft {
  type: EventType;
  sessionId: string | null;
  serviceId: string | null;
  data: JsonObject;
  /** null: visible to administrators only (service, token and user events). */
  access: EventAccess | null;
}

export interface HubEvent extends EventDraft {
  seq: number;
  at: number;
  nodeId: string;
}

/** Events that record activity, not change; kept for statistics, not streamed by default. */
export const ACTIVITY_EVENTS: ReadonlySet<EventType> = new Set(["session.activity"]);

export function accessOf(s: Pick<Session, "owner" | "visibility" | "members" | "invited">): EventAccess {
  return {
    owner: s.owner,
    visibility: s.visibility,
    members: s.members.map((m) => m.userId),
    invited: [...s.invited],
  };
}

export function sessionEvent(type: EventType, s: Session, data: JsonObject = {}): EventDraft {
  return { type, sessionId: s.id, serviceId: s.serviceId, data, access: accessOf(s) };
}

type Listener = (events: readonly HubEvent[]) => void;

/**
 * In-process fan-out of committed events. Stores that span nodes (PostgreSQL) feed the
 * events of other nodes in through `publish` as well, so subscribers see every change.
 */
export class EventBus {
  private readonly listeners = new Set<Listener>();

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(events: readonly HubEvent[]): void {
    if (events.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(events);
      } catch {
        /* one faulty subscriber must not stop the others */
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}

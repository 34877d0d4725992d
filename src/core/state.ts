import { CoreError } from "./errors.js";
import type { EndReason, Session, SessionState } from "./types.js";

/**
 * The session state machine, as one table: `pending` → `idle` ⇄ `running` → `ended`.
 * Any live state may end; nothing leaves `ended`.
 */
const TRANSITIONS: Readonly<Record<SessionState, readonly SessionState[]>> = {
  pending: ["idle", "running", "ended"],
  idle: ["running", "ended"],
  running: ["idle", "ended"],
  ended: [],
};

export function canTransition(from: SessionState, to: SessionState): boolean {
  return from === to || TRANSITIONS[from].includes(to);
}

export function isLive(s: Pick<Session, "state">): boolean {
  return s.state !== "ended";
}

/** The session in its next state; throws a `conflict` for a transition the table forbids. */
export function transition(s: Session, to: SessionState, now: number, endReason?: EndReason): Session {
  if (!canTransition(s.state, to)) {
    throw new CoreError("conflict", `A session cannot go from ${s.state} to ${to}.`);
  }
  if (s.state === to) return s;
  const ended = to === "ended";
  return {
    ...s,
    state: to,
    stateChangedAt: now,
    endReason: ended ? (endReason ?? "closed") : null,
    endedAt: ended ? now : null,
    endAt: ended ? null : s.endAt,
    endAtReason: ended ? null : s.endAtReason,
  };
}

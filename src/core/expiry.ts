import type { Session } from "./types.js";

/**
 * When the reaper ends a session for inactivity: `lastActivityAt + timeout`, never for
 * a timeout of 0, for an ended session, or while it is `running` (its idle clock
 * restarts when it returns to `idle`). The SQL stores apply the same formula when they
 * batch activity marks (see `touchSessions`).
 */
export function expiryOf(s: Pick<Session, "state" | "timeoutSeconds" | "lastActivityAt">): number | null {
  if (s.state === "ended" || s.state === "running" || s.timeoutSeconds <= 0) return null;
  return s.lastActivityAt + s.timeoutSeconds * 1000;
}

/** Which reason, if any, the reaper has to end this session with at `now`. */
export function dueEnd(s: Session, now: number): "expired" | Session["endAtReason"] | null {
  if (s.state === "ended") return null;
  if (s.endAt !== null && s.endAt <= now) return s.endAtReason ?? "killed";
  if (s.expiresAt !== null && s.expiresAt <= now) return "expired";
  return null;
}

/** Same session with activity at `at` (never moves backwards) and its expiry recomputed. */
export function withActivity(s: Session, at: number): Session {
  const lastActivityAt = Math.max(s.lastActivityAt, at);
  const next = { ...s, lastActivityAt };
  return { ...next, expiresAt: expiryOf(next) };
}

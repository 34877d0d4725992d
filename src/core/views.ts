import type { JsonObject, Session } from "./types.js";

/**
 * The session as it may leave the server (events, logs, families' renderers): every
 * field but the password hash, which becomes `hasPassword`.
 */
export type PublicSession = Omit<Session, "passwordHash"> & { hasPassword: boolean };

export function publicSession(s: Session): PublicSession {
  const { passwordHash, ...rest } = s;
  return { ...rest, hasPassword: passwordHash !== null };
}

/** Compact JSON form for event payloads. */
export function sessionEventData(s: Session): JsonObject {
  return { session: publicSession(s) as unknown as JsonObject };
}

import type { Hub } from "../../core/hub.js";
import type { Principal, Session } from "../../core/types.js";
import { type LogFlags, withLogFlags } from "./log-flags.js";
import type { Guard } from "./preconditions.js";

/**
 * "Restart": the session takes the service's current settings where it holds copies of
 * its defaults (the core re-reads them on every update), gains a `note` line saying who
 * restarted it, and its version moves on. It never ends the session, cancels jobs or
 * removes members.
 */
export function restartSession(hub: Hub, p: Principal, s: Session, guard?: Guard) {
  return hub.sessions.update(p, s.id, {}, { alwaysBump: true, log: [{ type: "note", text: `session restarted by ${p.userId}` }], ...(guard ? { guard } : {}) });
}

/**
 * Sets some log flags and keeps the others: a merge onto the session's own attributes
 * as the core's compare-and-set reads them, inside its transaction with the session
 * locked, so concurrent changes of different flags all take effect.
 */
export function setLogFlags(hub: Hub, p: Principal, s: Session, change: Partial<LogFlags>, guard?: Guard) {
  return hub.sessions.update(p, s.id, (current) => ({ attributes: withLogFlags(current.attributes, change) }), guard ? { guard } : {});
}

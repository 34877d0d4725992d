import type { Principal, Session } from "./types.js";

/**
 * The one access policy (DESIGN §4). Every family asks these questions; none
 * re-implements them.
 *
 * - Administrators: everything.
 * - Owner: everything on their session.
 * - Members: read and leave; modify only a session that has no owner.
 * - Invited users: read, and join without the password.
 * - Others: read public sessions only.
 */

export type Subject = Pick<Session, "owner" | "visibility" | "invited"> & { members: readonly { userId: string }[] };

export const isOwner = (p: Principal, s: Subject) => s.owner !== null && s.owner === p.userId;
export const isMember = (p: Principal, s: Subject) => s.members.some((m) => m.userId === p.userId);
export const isInvited = (p: Principal, s: Subject) => s.invited.includes(p.userId);

export function canRead(p: Principal, s: Subject): boolean {
  return p.isAdmin || s.visibility === "public" || isOwner(p, s) || isMember(p, s) || isInvited(p, s);
}

/** Change content (patch, status, end). */
export function canModify(p: Principal, s: Subject): boolean {
  return p.isAdmin || isOwner(p, s) || (s.owner === null && isMember(p, s));
}

/** Owner-level rights: delete, kick, hand over, set the password, change capacity. */
export function canAdminister(p: Principal, s: Subject): boolean {
  return p.isAdmin || isOwner(p, s);
}

/** End a session as killed: administrators (owners close, the reaper expires; DESIGN §3). */
export function canKill(p: Principal): boolean {
  return p.isAdmin;
}

/** Put users other than oneself into a session (create with them, or add them by an edit): administrators. */
export function canAddMembers(p: Principal): boolean {
  return p.isAdmin;
}

/** May join without the password: invited users and administrators. */
export function bypassesPassword(p: Principal, s: Subject): boolean {
  return p.isAdmin || isInvited(p, s);
}

/**
 * The condition form of `canRead` that stores compile into SQL, so lists, counts and
 * event streams only ever contain what the caller may read.
 */
export interface ReadableBy {
  userId: string;
}

export function readableFilter(p: Principal): ReadableBy | null {
  return p.isAdmin ? null : { userId: p.userId };
}

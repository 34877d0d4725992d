import type { Api } from "../../helpers/error-formats.js";

/**
 * The one table the authorization matrix is derived from: DESIGN §4 and src/core/policy.ts,
 * then each API's contract for how an outcome looks on its wire. No cell is written by hand.
 *
 * - Administrators: everything. Owner: everything on their session.
 * - Members: read and leave; modify only a session that has no owner; with the owner,
 *   they mark activity and write the log (core heartbeat and appendLog).
 * - Invited users: read, and join without the password. Others: read public sessions only.
 * - Lists contain exactly what the caller may read.
 */

export type Who = "owner" | "member" | "invited" | "stranger" | "admin" | "anonymous";
export const WHO: Who[] = ["owner", "member", "invited", "stranger", "admin", "anonymous"];

/** What the core decides an action needs. */
export type Action = "read" | "join" | "leave" | "modify" | "administer" | "participate";

/** The stored facts of a session that the policy looks at. */
export interface Facts {
  owner: string | null;
  members: string[];
  invited: string[];
  visibility: "public" | "private";
}

export type Outcome = "ok" | "hidden" | "forbidden" | "unauthenticated";

/**
 * MaxScale's rule (contract §5): administrators only, reads included. Should it become
 * "basic users may read", this is the one line to change.
 */
const MAXSCALE_NON_ADMINS: Outcome = "forbidden";

export function outcome(api: Api, action: Action, facts: Facts, who: Who, user: string): Outcome {
  if (who === "anonymous") return "unauthenticated";
  const admin = who === "admin";
  if (api === "maxscale" && !admin) return MAXSCALE_NON_ADMINS;
  const owner = facts.owner !== null && facts.owner === user;
  const member = facts.members.includes(user);
  const invited = facts.invited.includes(user);
  if (!(admin || facts.visibility === "public" || owner || member || invited)) return "hidden";
  const allowed: Record<Action, boolean> = {
    read: true,
    join: true,
    leave: true,
    modify: admin || owner || (facts.owner === null && member),
    administer: admin || owner,
    participate: admin || owner || member,
  };
  return allowed[action] ? "ok" : "forbidden";
}

/** What a caller observes: a status, or for lists whether the session is in it. */
export type Observation = string;

export interface Expectation {
  /** Statuses (or `listed`) that mean success on this route. */
  ok: Observation[];
  /** What a session the caller may not read looks like (default 404, `unlisted` for lists). */
  hidden?: Observation[];
}

export function expected(e: Expectation, list: boolean, o: Outcome): Observation[] {
  switch (o) {
    case "ok":
      return e.ok;
    case "hidden":
      return e.hidden ?? [list ? "unlisted" : "404"];
    case "forbidden":
      return ["403"];
    case "unauthenticated":
      return ["401"];
  }
}

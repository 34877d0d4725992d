import * as policy from "../../src/core/policy.js";
import type { Principal } from "../../src/core/types.js";
import type { Me, Session } from "./types.js";

/**
 * What the caller may do to a session, from the core's own access policy (the same
 * module the server enforces), so the console offers exactly the actions that succeed.
 */
export function principalOf(me: Me): Principal {
  return { userId: me.userId, roles: me.roles, isAdmin: me.isAdmin, method: me.method as Principal["method"] };
}

export function sessionActions(p: Principal, s: Session) {
  const live = s.state !== "ended";
  return {
    end: live && policy.canModify(p, s),
    kill: live && policy.canKill(p),
    delete: policy.canAdminister(p, s),
  };
}

import { forbidden } from "../../core/errors.js";
import * as policy from "../../core/policy.js";
import type { SessionPatch } from "../../core/sessions.js";
import { layoutCapacity, relayout } from "../../core/teams.js";
import type { JsonObject, Member, Principal, Session, TeamLayout } from "../../core/types.js";
import { badRequest } from "./errors.js";
import { type GameFields, gameFields, spelling, unique, withGameFields } from "./model.js";
import type { UpdateInput } from "./schemas.js";
import { assignTeams } from "./teams.js";

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const given = <T>(v: T | null | undefined): v is T => v !== undefined && v !== null;

/**
 * The core patch of a PUT (contract §4.2, step 5), decided on the locked session. Only
 * keys whose value differs from the current one are changes, so a client may PUT back
 * what it read. The contract's rights table is finer than the core's field classes: the
 * game fields kept in attributes (teams, server, visibility spelling) need host rights,
 * which are asked of the core policy here; the core still applies its own classes.
 */
export function gamePatch(p: Principal, current: Session, input: UpdateInput, maxUsers: number): SessionPatch {
  const before = gameFields(current);
  const game: GameFields = { ...before };
  /** Keys changed that only the host (or an administrator) may change. */
  const hostOnly: string[] = [];
  const hostChange = (key: string, changed: boolean) => {
    if (changed) hostOnly.push(key);
    return changed;
  };

  if (given(input.data)) game.data = input.data as JsonObject;
  if (given(input.visibility)) game.visibility = spelling(input.visibility);
  hostChange("visibility", game.visibility !== before.visibility);
  if (given(input.serverUid)) game.serverUid = input.serverUid === "" ? current.nodeId : input.serverUid;
  hostChange("serverUid", game.serverUid !== before.serverUid);
  if (given(input.numTeams)) game.numTeams = input.numTeams;
  if (given(input.teamSize)) game.teamSize = input.teamSize;
  const newCount = hostChange("numTeams", game.numTeams !== before.numTeams);
  const newSize = hostChange("teamSize", game.teamSize !== before.teamSize);
  const invited = given(input.invited) ? unique(input.invited) : current.invited;
  hostChange("invited", !same(invited, current.invited));
  const clearPassword = input.hasPassword === false && current.passwordHash !== null;
  hostChange("password", given(input.password) && input.password !== "");
  hostChange("hasPassword", clearPassword);
  const owner = given(input.hostUid) ? input.hostUid || null : current.owner;
  hostChange("hostUid", owner !== current.owner);

  let members: Member[] = current.members;
  if (given(input.users)) {
    const wanted = unique(input.users);
    const kept = new Set(wanted);
    const present = new Set(current.members.map((m) => m.userId));
    const added = wanted.filter((u) => !present.has(u));
    if (added.length > 0 && !policy.canAddMembers(p)) throw forbidden("Only administrators add users.");
    members = [...current.members.filter((m) => kept.has(m.userId)), ...added.map((userId) => ({ userId, joinedAt: 0, team: null }))];
    hostChange("users", members.length !== current.members.length || added.length > 0);
  }
  const layout: TeamLayout | null = game.numTeams > 0 ? { count: game.numTeams, size: game.teamSize } : null;
  const teams = layout && given(input.teams) ? input.teams : null;
  if (teams) {
    const assigned = new Map(teams.flatMap((t) => t.members.map((userId) => [userId, t.id] as const)));
    hostChange("teams", assigned.size !== members.length || members.some((m) => assigned.get(m.userId) !== m.team));
  }
  if (hostOnly.length > 0 && !policy.canAdminister(p, current)) throw forbidden(`Only the host changes ${hostOnly.join(", ")}.`);

  const capacity = layoutCapacity(layout);
  if ((capacity ?? 0) > maxUsers) throw badRequest(`numTeams × teamSize must be at most ${maxUsers}.`);
  if (capacity !== null && members.length > capacity) {
    throw badRequest(
      newCount || newSize
        ? `The capacity (numTeams × teamSize) must be 0 or at least the number of users (${members.length}).`
        : `There are more users than the capacity (${capacity}).`,
    );
  }
  if (members.length > maxUsers) throw badRequest(`A session has at most ${maxUsers} users.`);
  const isUser = (list: Member[], userId: string | null) => list.some((m) => m.userId === userId);
  if (owner !== current.owner && owner !== null && !isUser(members, owner)) throw badRequest("hostUid must be one of users, or \"\".");
  if (owner === current.owner && isUser(current.members, owner) && !isUser(members, owner)) {
    throw badRequest("The host cannot be removed from users; leave or hand over first.");
  }
  members = teams && layout ? assignTeams(members, layout, teams, true) : relayout(members, layout);

  return {
    ...(given(input.status) ? { status: input.status || null } : {}),
    visibility: game.visibility === "private" ? "private" : "public",
    invited,
    owner,
    capacity,
    teams: { count: game.numTeams, size: game.teamSize },
    members,
    clearPassword,
    attributes: withGameFields(current.attributes, game),
  };
}

import { relayout } from "../../core/teams.js";
import type { Member, TeamLayout } from "../../core/types.js";
import { badRequest } from "./errors.js";

interface TeamInput {
  id: number;
  members: string[];
}

/**
 * Members with the teams a client assigned (contract §4.3): team ids exist and appear
 * once, every listed member is a user listed once, no team over its size. With
 * `complete` (PUT), every team and every user must appear; otherwise (create) users
 * left out are placed by the join rule, in order.
 */
export function assignTeams(members: Member[], layout: TeamLayout, teams: TeamInput[], complete: boolean): Member[] {
  const users = new Set(members.map((m) => m.userId));
  const assigned = new Map<string, number>();
  const ids = new Set<number>();
  for (const team of teams) {
    if (team.id >= layout.count) throw badRequest(`teams: there is no team ${team.id}; numTeams is ${layout.count}.`);
    if (ids.has(team.id)) throw badRequest(`teams: team ${team.id} is listed twice.`);
    ids.add(team.id);
    if (layout.size > 0 && team.members.length > layout.size) {
      throw badRequest(`teams: team ${team.id} has more members than teamSize (${layout.size}).`);
    }
    for (const userId of team.members) {
      if (!users.has(userId)) throw badRequest(`teams: ${JSON.stringify(userId)} is not one of users.`);
      if (assigned.has(userId)) throw badRequest(`teams: ${JSON.stringify(userId)} is placed more than once.`);
      assigned.set(userId, team.id);
    }
  }
  if (complete && ids.size !== layout.count) throw badRequest("teams must list every team id from 0 to numTeams - 1.");
  if (complete && assigned.size !== users.size) throw badRequest("teams must place every user in exactly one team.");
  return relayout(
    members.map((m) => ({ ...m, team: assigned.get(m.userId) ?? null })),
    layout,
  );
}

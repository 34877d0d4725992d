import { CoreError, invalid } from "./errors.js";
import type { Member, TeamLayout } from "./types.js";

/** Bounds of a layout: far above any lobby, low enough that per-team counts stay cheap. */
const MAX_TEAMS = 10_000;
const MAX_TEAM_SIZE = 1_000_000;

const hasTeams = (layout: TeamLayout | null): layout is TeamLayout => layout !== null && layout.count > 0;

/** Refuses a layout that is not `count` and `size` as whole numbers within bounds. */
export function validLayout(layout: TeamLayout | null | undefined): void {
  if (layout === null || layout === undefined) return;
  const whole = (n: unknown, max: number) => typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= max;
  if (!whole(layout.count, MAX_TEAMS) || !whole(layout.size, MAX_TEAM_SIZE)) {
    throw invalid(`teams must be a count from 0 to ${MAX_TEAMS} and a size from 0 to ${MAX_TEAM_SIZE}.`, [
      { pointer: "/teams", detail: "not a valid team layout" },
    ]);
  }
}

function sizes(members: Member[], count: number): number[] {
  const out = new Array<number>(count).fill(0);
  for (const m of members) if (m.team !== null && m.team >= 0 && m.team < count) out[m.team]! += 1;
  return out;
}

const hasRoom = (size: number, n: number) => size === 0 || n < size;

/** The team for one more member, given the teams' current sizes (see placeInTeam). */
function choose(counts: number[], layout: TeamLayout, requested?: number, pointer = "/team"): number {
  if (requested !== undefined) {
    if (!Number.isInteger(requested) || requested < 0 || requested >= layout.count) {
      throw invalid(`team must be an integer from 0 to ${layout.count - 1}.`, [{ pointer, detail: "no such team" }]);
    }
    if (!hasRoom(layout.size, counts[requested]!)) throw new CoreError("team-full", "The requested team is full.");
    return requested;
  }
  let best: number | null = null;
  counts.forEach((n, team) => {
    if (hasRoom(layout.size, n) && (best === null || n < counts[best]!)) best = team;
  });
  if (best === null) throw new CoreError("session-full", "The session is full.");
  return best;
}

/**
 * The team a joiner goes to: the requested one if it has room, else the team with the
 * fewest members that still has room, ties to the lowest id. Null when there are no teams
 * (a requested team is then ignored).
 */
export function placeInTeam(members: Member[], layout: TeamLayout | null, requested?: number): number | null {
  if (!hasTeams(layout)) return null;
  return choose(sizes(members, layout.count), layout, requested);
}

/**
 * A member list held to the layout, whichever API wrote it: a given team must exist
 * (`invalid`) and have room (`team-full`), counting the members before it; members
 * without one are then placed by the join rule, in member order. Without teams every
 * member's team is null. Linear: team sizes are counted as members are taken.
 */
export function placeAll(members: Member[], layout: TeamLayout | null): Member[] {
  if (!hasTeams(layout)) return members.map((m) => (m.team === null ? m : { ...m, team: null }));
  const counts = new Array<number>(layout.count).fill(0);
  members.forEach((m, i) => {
    if (m.team !== null) counts[choose(counts, layout, m.team, `/members/${i}/team`)]! += 1;
  });
  return members.map((m) => {
    if (m.team !== null) return m;
    const team = choose(counts, layout);
    counts[team]! += 1;
    return { ...m, team };
  });
}

/**
 * Members after a change of layout: each keeps their team if it still exists and has
 * room; the rest are placed by the join rule, in member order.
 */
export function relayout(members: Member[], layout: TeamLayout | null): Member[] {
  if (!hasTeams(layout)) return members.map((m) => ({ ...m, team: null }));
  const counts = new Array<number>(layout.count).fill(0);
  const kept = members.map((m) => {
    if (m.team !== null && m.team < layout.count && hasRoom(layout.size, counts[m.team]!)) {
      counts[m.team]! += 1;
      return m;
    }
    return { ...m, team: null };
  });
  return placeAll(kept, layout);
}

/** Capacity implied by a layout: count × size, 0 (either factor 0) meaning unlimited. */
export function layoutCapacity(layout: TeamLayout | null): number | null {
  if (!layout) return null;
  const capacity = layout.count * layout.size;
  return capacity === 0 ? null : capacity;
}

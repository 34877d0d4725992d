import { CoreError, invalid } from "./errors.js";
import type { Member } from "./types.js";

/** Team layout of a session: `count` teams of at most `size` members (0 = no per-team limit). */
export interface TeamLayout {
  count: number;
  size: number;
}

function sizes(members: Member[], count: number): number[] {
  const out = new Array<number>(count).fill(0);
  for (const m of members) if (m.team !== null && m.team >= 0 && m.team < count) out[m.team]! += 1;
  return out;
}

const hasRoom = (size: number, n: number) => size === 0 || n < size;

/** The team for one more member, given the teams' current sizes (see placeInTeam). */
function choose(counts: number[], layout: TeamLayout, requested?: number): number {
  if (requested !== undefined) {
    if (!Number.isInteger(requested) || requested < 0 || requested >= layout.count) {
      throw invalid(`team must be an integer from 0 to ${layout.count - 1}.`, [{ pointer: "/team", detail: "no such team" }]);
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
 * fewest members that still has room, ties to the lowest id. Null when there are no teams.
 */
export function placeInTeam(members: Member[], layout: TeamLayout | null, requested?: number): number | null {
  if (!layout || layout.count === 0) return null;
  return choose(sizes(members, layout.count), layout, requested);
}

/**
 * Members given a team keep it; the others are placed by the join rule in member order.
 * Team sizes are counted once and kept as members are placed, so this is linear.
 */
export function placeAll(members: Member[], layout: TeamLayout | null): Member[] {
  if (!layout || layout.count === 0) return members.map((m) => ({ ...m, team: null }));
  const counts = sizes(members, layout.count);
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
  if (!layout || layout.count === 0) return members.map((m) => ({ ...m, team: null }));
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

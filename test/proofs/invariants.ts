/**
 * Invariants of stored state that every API's writes must keep, checked after a run:
 * member counts agree with member rows, no session holds more members than its capacity,
 * and a game session's teams hold every user exactly once within their size.
 */

/** Runs one SQL statement and returns its rows (SQLite and PostgreSQL alike). */
export type Query = (sql: string) => Promise<Record<string, unknown>[]>;

export async function memberViolations(query: Query): Promise<string[]> {
  const rows = await query(`
    SELECT s.id, s.number, s.state, s.member_count AS counted, s.capacity,
           (SELECT count(*) FROM session_members m WHERE m.session_id = s.id) AS rows
    FROM sessions s`);
  const out: string[] = [];
  for (const r of rows) {
    const counted = Number(r.counted);
    const members = Number(r.rows);
    if (counted !== members) out.push(`session ${r.number} (${r.id}, ${r.state}): member_count ${counted}, ${members} member rows`);
    if (r.capacity !== null && members > Number(r.capacity)) out.push(`session ${r.number} (${r.id}, ${r.state}): ${members} members over capacity ${r.capacity}`);
  }
  return out;
}

interface GameSession {
  uid: string;
  numTeams: number;
  teamSize: number;
  users: string[];
  teams: { id: number; members: string[] }[];
}

/** Contract game-sessions §4.3: with teams, every user in exactly one team, no team over its size. */
export function teamViolations(sessions: GameSession[]): string[] {
  const out: string[] = [];
  for (const s of sessions) {
    const capacity = s.numTeams * s.teamSize;
    if (capacity > 0 && s.users.length > capacity) out.push(`game ${s.uid}: ${s.users.length} users over capacity ${capacity}`);
    if (s.numTeams === 0) {
      if (s.teams.length !== 0) out.push(`game ${s.uid}: numTeams 0 but ${s.teams.length} teams`);
      continue;
    }
    if (s.teams.length !== s.numTeams) out.push(`game ${s.uid}: ${s.teams.length} teams, numTeams ${s.numTeams}`);
    const placed = s.teams.flatMap((t) => t.members);
    for (const u of s.users) {
      const n = placed.filter((m) => m === u).length;
      if (n !== 1) out.push(`game ${s.uid}: user ${u} is in ${n} teams`);
    }
    for (const m of placed) if (!s.users.includes(m)) out.push(`game ${s.uid}: team member ${m} is not a user`);
    for (const t of s.teams) if (s.teamSize > 0 && t.members.length > s.teamSize) out.push(`game ${s.uid}: team ${t.id} has ${t.members.length} members, teamSize ${s.teamSize}`);
  }
  return out;
}

import type { TeamLayout } from "../../core/teams.js";
import type { Json, JsonObject, Session } from "../../core/types.js";

/**
 * The game fields of a session that have no core field of their own, kept in
 * `attributes.game` (contract §8). Sessions made through other APIs have none of them
 * and get the documented defaults; one with a core capacity reports one team of that size.
 */
export interface GameFields {
  numTeams: number;
  teamSize: number;
  data: JsonObject;
  /** The game server; the creating node's id unless one was set. */
  serverUid: string;
  /** How visibility was spelled, so `""` and `"public"` read back as sent. */
  visibility: "" | "public" | "private";
}

const GAME_KEY = "game";
/** Query-model paths of the game fields, for filters and sorting. */
export const PATHS = {
  numTeams: `attributes.${GAME_KEY}.numTeams`,
  teamSize: `attributes.${GAME_KEY}.teamSize`,
  serverUid: `attributes.${GAME_KEY}.serverUid`,
  data: `attributes.${GAME_KEY}.data`,
} as const;

/** A list of user ids without repeats, first occurrences kept in order. */
export const unique = (ids: string[]) => [...new Set(ids)];

/** `""`, `"public"` and `"private"` in any case, as stored: lower case. */
export const spelling = (visibility: string) => visibility.toLowerCase() as GameFields["visibility"];

const isObject = (v: Json | undefined): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);
const count = (v: Json | undefined): number | null => (typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : null);

function stored(s: Session): JsonObject | null {
  const game = s.attributes[GAME_KEY];
  return isObject(game) ? game : null;
}

/** Whether the session carries game fields (was made or edited through this family). */
const hasGameFields = (s: Session) => stored(s) !== null;

export function gameFields(s: Session): GameFields {
  const game = stored(s);
  const visibility = s.visibility === "private" ? "private" : game?.visibility === "public" ? "public" : "";
  return {
    numTeams: count(game?.numTeams) ?? (game || s.capacity === null ? 0 : 1),
    teamSize: count(game?.teamSize) ?? (game ? 0 : (s.capacity ?? 0)),
    data: isObject(game?.data) ? game.data : {},
    serverUid: typeof game?.serverUid === "string" && game.serverUid !== "" ? game.serverUid : s.nodeId,
    visibility,
  };
}

/**
 * The team layout joins and edits place users by. Sessions without game fields have no
 * teams to place anyone in: their users are reported as one team (see `teamsOf`).
 */
export function layoutOf(s: Session): TeamLayout | null {
  if (!hasGameFields(s)) return null;
  const { numTeams, teamSize } = gameFields(s);
  return numTeams > 0 ? { count: numTeams, size: teamSize } : null;
}

export function withGameFields(attributes: JsonObject, fields: GameFields): JsonObject {
  const game: JsonObject = {
    numTeams: fields.numTeams,
    teamSize: fields.teamSize,
    data: fields.data,
    serverUid: fields.serverUid,
    visibility: fields.visibility,
  };
  return { ...attributes, [GAME_KEY]: game };
}

/** Teams 0…numTeams-1, members in join order. */
export function teamsOf(s: Session, numTeams: number): { id: number; members: string[] }[] {
  const teams = Array.from({ length: numTeams }, (_, id) => ({ id, members: [] as string[] }));
  const foreign = !hasGameFields(s);
  for (const m of s.members) {
    const team = foreign ? 0 : m.team;
    if (team !== null && team >= 0 && team < numTeams) teams[team]!.members.push(m.userId);
  }
  return teams;
}

import type { Json, JsonObject, Session } from "../../core/types.js";

/**
 * The game fields of a session. The team layout is the core's (`teams`); the fields that
 * have no core field of their own are kept in `attributes.game` (contract §8). Sessions
 * made through other APIs have none of them and get the documented defaults; one with a
 * core capacity but no team layout reports one team of that size.
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
/** Query-model fields of the game fields, for filters and sorting. */
export const PATHS = {
  numTeams: "teamCount",
  teamSize: "teamSize",
  serverUid: `attributes.${GAME_KEY}.serverUid`,
  data: `attributes.${GAME_KEY}.data`,
} as const;

/** A list of user ids without repeats, first occurrences kept in order. */
export const unique = (ids: string[]) => [...new Set(ids)];

/** `""`, `"public"` and `"private"` in any case, as stored: lower case. */
export const spelling = (visibility: string) => visibility.toLowerCase() as GameFields["visibility"];

const isObject = (v: Json | undefined): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

function stored(s: Session): JsonObject | null {
  const game = s.attributes[GAME_KEY];
  return isObject(game) ? game : null;
}

export function gameFields(s: Session): GameFields {
  const game = stored(s);
  const visibility = s.visibility === "private" ? "private" : game?.visibility === "public" ? "public" : "";
  return {
    numTeams: s.teams ? s.teams.count : s.capacity === null ? 0 : 1,
    teamSize: s.teams ? s.teams.size : (s.capacity ?? 0),
    data: isObject(game?.data) ? game.data : {},
    serverUid: typeof game?.serverUid === "string" && game.serverUid !== "" ? game.serverUid : s.nodeId,
    visibility,
  };
}

/** The attributes with the game fields the core has no field for. */
export function withGameFields(attributes: JsonObject, fields: Pick<GameFields, "data" | "serverUid" | "visibility">): JsonObject {
  const game: JsonObject = {
    data: fields.data,
    serverUid: fields.serverUid,
    visibility: fields.visibility,
  };
  return { ...attributes, [GAME_KEY]: game };
}

/**
 * Teams 0…numTeams-1, members in join order. A session without a team layout has no
 * teams to place anyone in: its users are reported as one team.
 */
export function teamsOf(s: Session, numTeams: number): { id: number; members: string[] }[] {
  const teams = Array.from({ length: numTeams }, (_, id) => ({ id, members: [] as string[] }));
  const foreign = !s.teams;
  for (const m of s.members) {
    const team = foreign ? 0 : m.team;
    if (team !== null && team >= 0 && team < numTeams) teams[team]!.members.push(m.userId);
  }
  return teams;
}

import type { Load } from "./wrk.js";

/** What a scenario gets to prepare its data through the public API. */
export interface BenchContext {
  url: string;
  adminToken: string;
  /** Scratch directory for wrk scripts. */
  dir: string;
  api<T = any>(method: string, path: string, body?: unknown, token?: string): Promise<T>;
  /** Creates users and returns one API token each. */
  users(prefix: string, n: number): Promise<string[]>;
  /** An HS256 JWT for the server's bench secret. */
  jwt(uid: string, roles?: string[]): Promise<string>;
}

export interface Scenario {
  name: string;
  /** The scenario of another family this one is compared with, by name. */
  compareWith?: string;
  setup(ctx: BenchContext): Promise<Load>;
  /**
   * A measurement wrk cannot make (latency of a multi-step exchange): given the node
   * URLs, the scenario measures itself. `setup` still prepares its data.
   */
  run?(ctx: BenchContext, load: Load, seconds: number): Promise<import("./wrk.js").Measured>;
}

/** A Lua table literal of strings. */
export const luaList = (items: string[]) => `{${items.map((s) => JSON.stringify(s)).join(",")}}`;

/**
 * A wrk script that pairs every token with every session in turn (each pair once before
 * any repeats), so each request is a real first join. `request` is a Lua expression over
 * `t` (a token) and `s` (a session id) that builds the request with `wrk.format`.
 */
export function rotatingLua(tokens: string[], sessions: string[], request: string): string {
  return `local tokens = ${luaList(tokens)}
local sessions = ${luaList(sessions)}
local n = 0
request = function()
  n = n + 1
  local t = tokens[(n % #tokens) + 1]
  local s = sessions[(math.floor(n / #tokens) % #sessions) + 1]
  return ${request}
end`;
}

/** A Lua table literal of strings. */
const luaList = (items: string[]) => `{${items.map((s) => JSON.stringify(s)).join(",")}}`;

/** Requests per wrk run that get pairs of their own (more than any run sends). */
const PER_RUN = 100_000;

/**
 * A wrk script that gives every request its own (token, session) pair, across runs too:
 * request n of run r takes pair g = r·PER_RUN + n, session g mod S, token ⌊g/S⌋ mod T, so
 * every join is a first join. `request` is a Lua expression over `t` and `s`.
 */
export function pairsLua(tokens: string[], sessions: string[], request: string): (run: number) => string {
  return (run) => `local tokens = ${luaList(tokens)}
local sessions = ${luaList(sessions)}
local g = ${run * PER_RUN}
request = function()
  g = g + 1
  local s = sessions[(g % #sessions) + 1]
  local t = tokens[(math.floor(g / #sessions) % #tokens) + 1]
  return ${request}
end`;
}

/** A wrk script that walks through the sessions, one request each, with one token. */
export function rotateLua(sessions: string[], request: string): (run: number) => string {
  return (run) => `local sessions = ${luaList(sessions)}
local n = ${run * PER_RUN}
request = function()
  n = n + 1
  local s = sessions[(n % #sessions) + 1]
  return ${request}
end`;
}

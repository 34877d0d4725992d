import type { Scalar } from "../../core/query.js";
import type { Dialect } from "../sql/compile.js";

const jsonPathLiteral = (path: string[]) => `'$.${path.map((p) => `"${p}"`).join(".")}'`;

const GLOB_SPECIAL: Record<string, string> = { "*": "[*]", "?": "[?]", "[": "[[]" };

/** A `like` pattern (`%`, `_`, `\` escapes) in GLOB's syntax, where `*`, `?` and `[` are the special ones. */
function globPattern(like: string): string {
  let out = "";
  for (let i = 0; i < like.length; i += 1) {
    const c = like[i]!;
    if (c === "\\" && i + 1 < like.length) {
      const literal = like[++i]!;
      out += GLOB_SPECIAL[literal] ?? literal;
    } else if (c === "%") out += "*";
    else if (c === "_") out += "?";
    else out += GLOB_SPECIAL[c] ?? c;
  }
  return out;
}

/**
 * SQLite stops at 1,000 levels of nesting and fails the whole statement on a deeper
 * document, so one such row (stored before the core refused them) would break every
 * query that looks into that column, the start of families that query at start
 * included. Guarded by json_valid, a document SQLite cannot parse reads as absent;
 * json_valid and the function after it share one parse, so the guard costs nothing.
 */
const extract = (column: string, path: string) => `CASE WHEN json_valid(${column}) THEN json_extract(${column}, ${path}) END`;

export const sqliteDialect: Dialect = {
  param: () => "?",
  jsonPath: (column, path) => extract(column, jsonPathLiteral(path)),
  // json_extract yields SQL values: true/false become 1/0.
  jsonValue: (value: Scalar) => (typeof value === "boolean" ? (value ? 1 : 0) : value),
  jsonText: (column, key) => extract(column, `'$.${key}'`),
  jsonInteger: (column, key) => extract(column, `'$.${key}'`),
  // An empty list, what almost every session has, is told apart without a table of its elements.
  jsonArrayContains: (column, param) =>
    `(${column} <> '[]' AND EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(${column}) THEN ${column} END) WHERE json_each.value = ${param}))`,
  likeOperator: "LIKE",
  // SQLite's LIKE ignores ASCII case (a connection-wide pragma aside); GLOB does not.
  likeCase: (expression, param) => `${expression} GLOB ${param}`,
  likeCasePattern: globPattern,
  integer: (param) => param,
  bool: (value) => (value ? 1 : 0),
};

/**
 * The members folded into one JSON array, ordered by join. `member_count` is written with
 * the members in every transaction, so a session without members reads none.
 */
export const MEMBERS_SQL = `CASE WHEN s.member_count = 0 THEN '[]' ELSE (SELECT json_group_array(json_array(m.user_id, m.joined_at, m.team) ORDER BY m.seq)
  FROM session_members m WHERE m.session_id = s.id) END AS members`;

import type { Scalar } from "../../core/query.js";
import type { Dialect } from "../sql/compile.js";

const jsonPathLiteral = (path: string[]) => `'$.${path.map((p) => `"${p}"`).join(".")}'`;

export const sqliteDialect: Dialect = {
  param: () => "?",
  jsonPath: (column, path) => `json_extract(${column}, ${jsonPathLiteral(path)})`,
  // json_extract yields SQL values: true/false become 1/0.
  jsonValue: (value: Scalar) => (typeof value === "boolean" ? (value ? 1 : 0) : value),
  jsonText: (column, key) => `json_extract(${column}, '$.${key}')`,
  jsonInteger: (column, key) => `json_extract(${column}, '$.${key}')`,
  jsonArrayContains: (column, param) => `EXISTS (SELECT 1 FROM json_each(${column}) WHERE json_each.value = ${param})`,
  likeOperator: "LIKE",
  bool: (value) => (value ? 1 : 0),
};

/** The session columns plus members folded into one JSON array, ordered by join. */
export const MEMBERS_SQL = `(SELECT json_group_array(json_array(m.user_id, m.joined_at, m.team) ORDER BY m.seq)
  FROM session_members m WHERE m.session_id = s.id) AS members`;

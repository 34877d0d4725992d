import type { Dialect } from "../sql/compile.js";

/** `'{a,b}'`: path segments are `[A-Za-z0-9_-]` (core/query.ts), safe inside the literal. */
const pathLiteral = (path: string[]) => `'{${path.join(",")}}'`;

// Numbers and booleans only match JSON numbers and booleans (as json_extract values do
// in SQLite), so a comparison never fails on a row whose value has another type.
const jsonNumber = (value: string) => `(CASE WHEN jsonb_typeof(${value}) = 'number' THEN (${value})::numeric END)`;
const jsonBoolean = (value: string) => `(CASE WHEN jsonb_typeof(${value}) = 'boolean' THEN (${value})::boolean END)`;

export const postgresDialect: Dialect = {
  param: (n) => `$${n}`,
  jsonPath: (column, path, sample) => {
    const at = `${column} #> ${pathLiteral(path)}`;
    if (typeof sample === "number") return jsonNumber(at);
    if (typeof sample === "boolean") return jsonBoolean(at);
    return `(${column} #>> ${pathLiteral(path)})`;
  },
  jsonValue: (value) => value,
  jsonText: (column, key) => `(${column} ->> '${key}')`,
  jsonInteger: (column, key) => jsonNumber(`${column} -> '${key}'`),
  // Containment, so the GIN index on the column serves it.
  jsonArrayContains: (column, param) => `${column} @> jsonb_build_array(${param}::text)`,
  // SQLite's LIKE ignores ASCII case only; so does ILIKE under the "C" collation of the columns.
  likeOperator: "ILIKE",
  likeCase: (expression, param) => `${expression} LIKE ${param} ESCAPE '\\'`,
  likeCasePattern: (pattern) => pattern,
  // Some integer columns are 4 bytes; a bigint parameter compares with them and holds any safe integer.
  integer: (param) => `${param}::bigint`,
  bool: (value) => value,
};

/** Members folded into one JSON array, ordered by join (as the SQLite dialect does, `member_count` first). */
export const MEMBERS_SQL = `CASE WHEN s.member_count = 0 THEN '[]'::jsonb ELSE (SELECT COALESCE(jsonb_agg(jsonb_build_array(m.user_id, m.joined_at, m.team) ORDER BY m.seq), '[]'::jsonb)
  FROM session_members m WHERE m.session_id = s.id) END AS members`;

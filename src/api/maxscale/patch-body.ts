import type { Json, JsonObject } from "../../core/types.js";
import { failure } from "./errors.js";
import { LOG_FLAGS, type LogFlags } from "./log-flags.js";
import { parseJson } from "../../http/json.js";

/**
 * Request bodies are JSON whatever their Content-Type says (curl users often send none).
 * What a session PATCH may change: its log-level flags, and its filters — of which
 * sessionhub has none, so only an empty list is accepted.
 */
export interface SessionChange {
  parameters: Partial<LogFlags>;
}

const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** The jansson name of a JSON value's type, as the original reports it. */
function jsonType(v: Json): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "real";
  if (typeof v === "boolean") return v ? "true" : "false";
  return typeof v;
}

export function jsonBody(raw: unknown): JsonObject {
  const text = Buffer.isBuffer(raw) ? raw.toString("utf8") : typeof raw === "string" ? raw : "";
  if (text.trim() === "") throw failure(400, "Missing request body");
  let body: unknown;
  try {
    body = parseJson(text);
  } catch (e) {
    throw failure(400, `Invalid JSON in request: ${(e as Error).message}`);
  }
  if (!isObject(body)) throw failure(400, "Request body must be a JSON object");
  return body;
}

/** A relationship's linkage to filters: it must name none. */
export function checkFilterLinkage(data: Json | undefined, where: string): void {
  if (data === undefined || data === null) return;
  if (!Array.isArray(data)) throw failure(400, `'${where}' must be a JSON array`);
  const errors = data.map((link) => {
    const id = isObject(link) ? link.id : null;
    return typeof id === "string" ? `Not a valid filter: ${id}` : `Not a JSON string but a ${jsonType(id ?? null)}`;
  });
  if (errors.length > 0) throw failure(400, ...errors);
}

/** The value at a path of objects, or undefined where the path leads through anything else. */
function at(value: Json, ...path: string[]): Json | undefined {
  let node: Json | undefined = value;
  for (const key of path) node = isObject(node) ? node[key] : undefined;
  return node;
}

/**
 * `{"data":{"attributes":{"parameters":{...}},"relationships":{"filters":{"data":[...]}}}}`,
 * read as MaxScale reads it: a known flag with a boolean value is set; other keys, other
 * values and parts of another shape are ignored. Only a filter list is checked, because
 * naming a filter that does not exist is an error there too.
 */
export function sessionChange(body: JsonObject): SessionChange {
  const filters = at(body, "data", "relationships", "filters", "data");
  if (Array.isArray(filters)) checkFilterLinkage(filters, "data.relationships.filters.data");
  const parameters = at(body, "data", "attributes", "parameters");
  const change: Partial<LogFlags> = {};
  for (const flag of LOG_FLAGS) {
    const value = isObject(parameters) ? parameters[flag] : undefined;
    if (typeof value === "boolean") change[flag] = value;
  }
  return { parameters: change };
}

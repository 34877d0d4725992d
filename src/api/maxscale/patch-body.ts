import type { Json, JsonObject } from "../../core/types.js";
import { failure } from "./errors.js";
import { LOG_FLAGS, type LogFlag, type LogFlags } from "./log-flags.js";
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

function objectAt(parent: JsonObject, key: string, where: string): JsonObject | undefined {
  const v = parent[key];
  if (v === undefined) return undefined;
  if (!isObject(v)) throw failure(400, `'${where}' must be a JSON object`);
  return v;
}

/** A relationship's linkage to filters: it must name none. */
export function checkFilterLinkage(data: Json | undefined, where: string): void {
  if (data === undefined || data === null) return;
  if (!Array.isArray(data)) throw failure(400, `'${where}' must be a JSON array`);
  const errors = data.map((link) => {
    const id = isObject(link) ? link.id : link;
    return typeof id === "string" ? `Not a valid filter: ${id}` : `Not a JSON string but a ${jsonType(id ?? null)}`;
  });
  if (errors.length > 0) throw failure(400, ...errors);
}

/** `{"data":{"attributes":{"parameters":{...}},"relationships":{"filters":{"data":[...]}}}}`. */
export function sessionChange(body: JsonObject): SessionChange {
  const data = objectAt(body, "data", "data");
  const parameters = data && objectAt(objectAt(data, "attributes", "data.attributes") ?? {}, "parameters", "data.attributes.parameters");
  const relationships = data && objectAt(data, "relationships", "data.relationships");
  const filters = relationships && objectAt(relationships, "filters", "data.relationships.filters");
  if (filters) checkFilterLinkage(filters.data, "data.relationships.filters.data");
  const change: Partial<LogFlags> = {};
  for (const [key, value] of Object.entries(parameters ?? {})) {
    if (!(LOG_FLAGS as readonly string[]).includes(key)) throw failure(400, `Unknown parameter: ${key}`);
    if (typeof value !== "boolean") throw failure(400, `Invalid value for parameter '${key}': expected a boolean`);
    change[key as LogFlag] = value;
  }
  return { parameters: change };
}

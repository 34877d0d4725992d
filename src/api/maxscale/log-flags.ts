import type { JsonObject, Session } from "../../core/types.js";
import { type Migration, attributeIndexes } from "../../store/migrations.js";

/**
 * A session's log-level flags, kept by this family in `attributes.maxscale.parameters`
 * (`alter session <id> log_info=true`). Listed in the order MaxScale writes them.
 */
export const LOG_FLAGS = ["log_error", "log_info", "log_notice", "log_warning"] as const;
export type LogFlag = (typeof LOG_FLAGS)[number];
export type LogFlags = Record<LogFlag, boolean>;

/** The attribute a flag is kept at, as the query model names it. */
export const logFlagField = (flag: LogFlag) => `attributes.maxscale.parameters.${flag}`;

/**
 * An index per flag, holding only the sessions that have it set one way or the other:
 * the sessions to follow at start are found from them, not by reading every session.
 */
export const LOG_FLAG_INDEXES: Migration = {
  id: "maxscale_0001_log_flag_indexes",
  ...attributeIndexes(LOG_FLAGS.map((flag) => ({ name: `sessions_maxscale_${flag}`, field: logFlagField(flag), sample: true }))),
};

const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

function stored(attributes: JsonObject): JsonObject {
  const family = attributes.maxscale;
  const parameters = isObject(family) ? family.parameters : undefined;
  return isObject(parameters) ? parameters : {};
}

export function logFlags(s: Pick<Session, "attributes">): LogFlags {
  const p = stored(s.attributes);
  return Object.fromEntries(LOG_FLAGS.map((f) => [f, p[f] === true])) as LogFlags;
}

/** The session's attributes with some flags changed; everything else as it was. */
export function withLogFlags(attributes: JsonObject, change: Partial<LogFlags>): JsonObject {
  const family = isObject(attributes.maxscale) ? attributes.maxscale : {};
  return { ...attributes, maxscale: { ...family, parameters: { ...stored(attributes), ...change } } };
}

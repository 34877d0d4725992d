import { type Condition, type Scalar, and } from "../../core/query.js";
import type { Service } from "../../core/types.js";
import type { Roundware } from "./context.js";
import { type FieldErrors, failIfAny } from "./errors.js";
import { PROJECT_SESSIONS } from "./projects.js";
import { ATTRIBUTES } from "./render.js";

/**
 * Roundware's list filters (contract §4.1) as a core condition. Filters are exact; an
 * empty value is no filter; a repeated parameter's last value wins; an invalid value is
 * a 400 keyed by the parameter. Every condition is pushed down to the store.
 */
export type Query = Record<string, string | string[] | undefined>;

const NUMBER = /^[+-]?[0-9]+(\.[0-9]*)?$/;
const BOOLEAN: Record<string, boolean> = { true: true, "1": true, false: false, "0": false };

const NUMBER_FILTERS = ["project_id", "language_id"] as const;
const BOOLEAN_FILTERS = ["geo_listen_enabled", "demo_stream_enabled"] as const;
const CLIENT_FILTERS = { device_id: "client.deviceId", client_type: "client.type", client_system: "client.system", timezone: "client.timezone" } as const;

/** The last value of a parameter; undefined when absent or empty. */
export function param(query: Query, name: string): string | undefined {
  const raw = query[name];
  const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  return value === undefined || value === "" ? undefined : value;
}

/** A Django boolean choice filter's value: true, false, 1 or 0 in any case. */
export function booleanParam(query: Query, name: string, errors: FieldErrors): boolean | undefined {
  const value = param(query, name);
  if (value === undefined) return undefined;
  const parsed = BOOLEAN[value.toLowerCase()];
  if (parsed === undefined) errors[name] = [`Select a valid choice. ${value} is not one of the available choices.`];
  return parsed;
}

const attribute = (key: string) => `attributes.${ATTRIBUTES}.${key}`;

/** Equality with a value that sessions lacking the field are shown with (their fallback). */
function equalsWithFallback(field: string, value: Scalar, fallback: Scalar): Condition {
  const eq: Condition = { field, op: "eq", value };
  return value === fallback ? { or: [eq, { field, op: "isNull" }] } : eq;
}

/** The condition of a session list and the projects it spans, or null when no session can match. */
export async function sessionCondition(rw: Roundware, query: Query): Promise<{ where: Condition; projects: readonly Service[] } | null> {
  const errors: FieldErrors = {};
  const numbers: Partial<Record<(typeof NUMBER_FILTERS)[number], number>> = {};
  for (const name of NUMBER_FILTERS) {
    const value = param(query, name);
    if (value === undefined) continue;
    if (NUMBER.test(value)) numbers[name] = Number(value);
    else errors[name] = ["Enter a number."];
  }
  const flags = BOOLEAN_FILTERS.map((name) => [name, booleanParam(query, name, errors)] as const);
  failIfAny(errors);

  const wanted = numbers.project_id;
  const projects =
    wanted === undefined ? await rw.projects() : [await rw.project(Number.isSafeInteger(wanted) ? wanted : null)].filter((p) => p !== null);
  if (projects.length === 0) return null;
  const conditions: (Condition | undefined)[] = [
    wanted === undefined ? PROJECT_SESSIONS : { field: "serviceId", op: "eq", value: projects[0]!.id },
  ];
  const languageIds: number[] = [];
  if (numbers.language_id !== undefined) languageIds.push(numbers.language_id);
  const code = param(query, "language");
  if (code !== undefined) {
    const language = await rw.languages.byCode(code);
    if (!language) return null;
    languageIds.push(language.id);
  }
  if (languageIds.length > 0) {
    if (!languageIds.every((id) => Number.isSafeInteger(id) && id === languageIds[0])) return null;
    conditions.push(equalsWithFallback(attribute("language_id"), languageIds[0]!, await rw.defaultLanguageId()));
  }
  for (const [name, value] of flags) if (value !== undefined) conditions.push(equalsWithFallback(attribute(name), value, false));
  for (const [name, field] of Object.entries(CLIENT_FILTERS)) {
    const value = param(query, name);
    if (value !== undefined) conditions.push(name === "timezone" ? equalsWithFallback(field, value, "0000") : { field, op: "eq", value });
  }
  return { where: and(...conditions)!, projects };
}

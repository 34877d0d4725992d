import type { FieldError } from "../../core/errors.js";
import type { Condition } from "../../core/query.js";
import type { Json, JsonObject, Service } from "../../core/types.js";

/**
 * A Roundware project is a service of kind `roundware`: its id is the service number,
 * its name the service name, and the rest lives in `settings.roundware` (contract §3.5).
 */
export const KIND = "roundware";

/** The sessions of every project, however many projects there are. */
export const PROJECT_SESSIONS: Condition = { field: "serviceKind", op: "eq", value: KIND };

const NUMBERS = { latitude: [-90, 90], longitude: [-180, 180], recording_radius: [0, Infinity], out_of_range_distance: [0, Infinity] } as const;
const INTEGERS = ["max_recording_length"] as const;
const STRINGS = ["sharing_url", "out_of_range_url", "demo_stream_url"] as const;
const BOOLEANS = [
  "listen_enabled",
  "geo_listen_enabled",
  "speak_enabled",
  "geo_speak_enabled",
  "reset_tag_defaults_on_startup",
  "timed_asset_priority",
  "demo_stream_enabled",
] as const;
const CHOICES = { repeat_mode: ["stop", "continuous"], ordering: ["by_like", "by_weight", "random"] } as const;
const MESSAGES = ["demo_stream_message", "legal_agreement", "description", "sharing_message", "out_of_range_message"] as const;

export const PROJECT_FILTERS = ["listen_enabled", "geo_listen_enabled", "speak_enabled", "geo_speak_enabled"] as const;

const KNOWN = new Set<string>([
  ...Object.keys(NUMBERS),
  ...INTEGERS,
  ...STRINGS,
  ...BOOLEANS,
  ...Object.keys(CHOICES),
  ...MESSAGES,
  "language_ids",
]);

const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** The project settings of a service (`{}` when it has none). */
export function projectSettings(service: Service): JsonObject {
  const s = service.settings.roundware;
  return isObject(s) ? s : {};
}

function messageErrors(key: string, value: Json): string | null {
  if (value === null || typeof value === "string") return null;
  if (!isObject(value)) return "must be a string, null, or an object of strings keyed by language code";
  const bad = Object.entries(value).find(([code, text]) => code.length !== 2 || typeof text !== "string");
  return bad ? `${key}.${bad[0]} must be a string under a 2-character language code` : null;
}

/**
 * The validator registered for `settings.roundware`: known keys only, each of its
 * type, and `language_ids` naming languages that exist.
 */
export async function validateProjectSettings(settings: JsonObject, languageExists: (id: number) => Promise<boolean>): Promise<FieldError[]> {
  if (settings.roundware === undefined) return [];
  const pointer = (key: string) => `/settings/roundware/${key}`;
  if (!isObject(settings.roundware)) return [{ pointer: "/settings/roundware", detail: "must be an object" }];
  const errors: FieldError[] = [];
  const add = (key: string, detail: string) => errors.push({ pointer: pointer(key), detail });
  for (const [key, value] of Object.entries(settings.roundware)) {
    if (!KNOWN.has(key)) add(key, "unknown setting");
    else if (key in NUMBERS) {
      const [min, max] = NUMBERS[key as keyof typeof NUMBERS];
      if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) add(key, `must be a number from ${min} to ${max}`);
    } else if ((INTEGERS as readonly string[]).includes(key)) {
      if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) add(key, "must be an integer ≥ 0");
    } else if ((STRINGS as readonly string[]).includes(key)) {
      if (typeof value !== "string") add(key, "must be a string");
    } else if ((BOOLEANS as readonly string[]).includes(key)) {
      if (typeof value !== "boolean") add(key, "must be true or false");
    } else if (key in CHOICES) {
      const choices = CHOICES[key as keyof typeof CHOICES] as readonly string[];
      if (typeof value !== "string" || !choices.includes(value)) add(key, `must be one of ${choices.join(", ")}`);
    } else if ((MESSAGES as readonly string[]).includes(key)) {
      const problem = messageErrors(key, value);
      if (problem) add(key, problem);
    } else if (key === "language_ids") {
      if (!Array.isArray(value) || !value.every((id) => typeof id === "number" && Number.isSafeInteger(id) && id > 0)) {
        add(key, "must be an array of language ids");
      } else {
        for (const id of value as number[]) if (!(await languageExists(id))) add(key, `no language ${id}`);
      }
    }
  }
  return errors;
}

/** A message setting in one language: a string as is; an object's entry for the code, else `en`. */
function localised(value: Json | undefined, code: string | null): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === "string") return value;
  if (!isObject(value)) return null;
  const pick = (code !== null ? value[code] : undefined) ?? value.en;
  return typeof pick === "string" ? pick : null;
}

const num = (v: Json | undefined, fallback: number) => (typeof v === "number" ? v : fallback);
const bool = (v: Json | undefined, fallback: boolean) => (typeof v === "boolean" ? v : fallback);
const str = (v: Json | undefined, fallback: string) => (typeof v === "string" ? v : fallback);

export const languageIds = (service: Service): number[] => {
  const ids = projectSettings(service).language_ids;
  return Array.isArray(ids) ? (ids.filter((id) => typeof id === "number") as number[]) : [1];
};

/** The project as clients decode it: every key present, of its type, in the original's order. */
export function renderProject(service: Service, languageCode: string | null) {
  const s = projectSettings(service);
  return {
    id: service.number,
    name: service.name,
    latitude: num(s.latitude, 0),
    longitude: num(s.longitude, 0),
    max_recording_length: num(s.max_recording_length, 30),
    sharing_url: str(s.sharing_url, ""),
    out_of_range_url: str(s.out_of_range_url, ""),
    recording_radius: num(s.recording_radius, 0),
    listen_enabled: bool(s.listen_enabled, false),
    geo_listen_enabled: bool(s.geo_listen_enabled, false),
    speak_enabled: bool(s.speak_enabled, false),
    geo_speak_enabled: bool(s.geo_speak_enabled, false),
    reset_tag_defaults_on_startup: bool(s.reset_tag_defaults_on_startup, false),
    timed_asset_priority: bool(s.timed_asset_priority, true),
    repeat_mode: str(s.repeat_mode, "stop"),
    ordering: str(s.ordering, "random"),
    demo_stream_enabled: bool(s.demo_stream_enabled, false),
    demo_stream_url: str(s.demo_stream_url, ""),
    out_of_range_distance: num(s.out_of_range_distance, 1000),
    demo_stream_message: localised(s.demo_stream_message, languageCode),
    legal_agreement: localised(s.legal_agreement, languageCode),
    description: localised(s.description, languageCode) ?? service.description,
    sharing_message: localised(s.sharing_message, languageCode),
    out_of_range_message: localised(s.out_of_range_message, languageCode),
    language_ids: languageIds(service),
  };
}

/** The project's default for sessions that do not say. */
export const projectGeoListen = (service: Service): boolean => bool(projectSettings(service).geo_listen_enabled, false);

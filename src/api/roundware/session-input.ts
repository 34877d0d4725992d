import type { Service } from "../../core/types.js";
import { type Body, has } from "./body.js";
import type { Roundware } from "./context.js";
import { type FieldErrors, failIfAny } from "./errors.js";
import { type Checked, MESSAGES, booleanField, charField, pkField } from "./fields.js";
import type { Language } from "./languages.js";
import { projectGeoListen } from "./projects.js";
import { TIMEZONE } from "./render.js";

/** A validated `POST sessions/` body (contract §4.2). */
export interface SessionDraft {
  /** undefined: the key was absent (the user's client type applies). */
  clientType: string | null | undefined;
  clientSystem: string;
  demoStreamEnabled: boolean;
  geoListenEnabled: boolean;
  timezone: string;
  project: Service;
  language: Language;
}

const RFC822 = "Timezone must be in RFC822 GMT format (e.g. '-0800')";

/** `language` decides when present: cut at the first `-`, exact match, else the default. */
async function languageByCode(rw: Roundware, value: unknown): Promise<Language | string> {
  if (typeof value !== "string") return MESSAGES.string;
  const code = value.trim().split("-")[0]!;
  return (code !== "" ? await rw.languages.byCode(code) : null) ?? (await rw.languages.defaultLanguage()) ?? MESSAGES.pkMissing("1");
}

async function languageById(rw: Roundware, value: unknown): Promise<Language | string> {
  if (value === null) return "Language Code None not found";
  const pk = pkField(value);
  if (pk.error !== undefined) return pk.error;
  return (pk.value.pk !== null ? await rw.languages.get(pk.value.pk) : null) ?? MESSAGES.pkMissing(pk.value.raw);
}

async function projectOf(rw: Roundware, body: Body): Promise<Service | string> {
  if (!has(body, "project_id")) return MESSAGES.required;
  if (body.project_id === null) return MESSAGES.null;
  const pk = pkField(body.project_id);
  if (pk.error !== undefined) return pk.error;
  return (await rw.project(pk.value.pk)) ?? MESSAGES.pkMissing(pk.value.raw);
}

/** Checks every field and reports all failures at once, keyed and ordered as the original. */
export async function parseSessionDraft(rw: Roundware, body: Body): Promise<SessionDraft> {
  const errors: FieldErrors = {};
  const clientType: Checked<string | null | undefined> = has(body, "client_type")
    ? charField(body.client_type, { allowNull: true, maxLength: 128 })
    : { value: undefined };
  if (clientType.error) errors.client_type = [clientType.error];
  const clientSystem = has(body, "client_system") ? charField(body.client_system, { maxLength: 128 }) : { error: MESSAGES.required };
  if (clientSystem.error) errors.client_system = [clientSystem.error];
  const demo = has(body, "demo_stream_enabled") ? booleanField(body.demo_stream_enabled) : { value: false };
  if (demo.error) errors.demo_stream_enabled = [demo.error];
  const geo: Checked<boolean | undefined> = has(body, "geo_listen_enabled") ? booleanField(body.geo_listen_enabled) : { value: undefined };
  if (geo.error) errors.geo_listen_enabled = [geo.error];
  let timezone = has(body, "timezone") ? charField(body.timezone, { allowBlank: false, maxLength: 5 }) : { value: "0000" };
  if (timezone.value !== undefined && !TIMEZONE.test(timezone.value ?? "")) timezone = { error: RFC822 };
  if (timezone.error) errors.timezone = [timezone.error];
  const project = await projectOf(rw, body);
  if (typeof project === "string") errors.project = [project];
  const language = has(body, "language")
    ? await languageByCode(rw, body.language)
    : has(body, "language_id")
      ? await languageById(rw, body.language_id)
      : ((await rw.languages.defaultLanguage()) ?? MESSAGES.pkMissing("1"));
  if (typeof language === "string") errors.language = [language];
  failIfAny(errors);
  const service = project as Service;
  return {
    clientType: clientType.value,
    clientSystem: clientSystem.value!,
    demoStreamEnabled: demo.value!,
    geoListenEnabled: geo.value ?? projectGeoListen(service),
    timezone: timezone.value!,
    project: service,
    language: language as Language,
  };
}

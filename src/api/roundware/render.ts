import type { Json, Session, User } from "../../core/types.js";
import { RenderedSessions, sessionStamp } from "../../http/rendered.js";
import type { Language } from "./languages.js";

/**
 * Wire shapes, built as object literals so the keys come out in the original's order
 * (contract §3). Dates are naive UTC with six fraction digits.
 */
export const roundwareDate = (ms: number): string => `${new Date(ms).toISOString().slice(0, 23)}000`;

/** Where the family keeps its fields in a session's attributes. */
export const ATTRIBUTES = "roundware";
export const TIMEZONE = /^[+-]?[0-9]{4}$/;

function roundwareAttributes(s: Session): Record<string, Json> {
  const a = s.attributes[ATTRIBUTES];
  return typeof a === "object" && a !== null && !Array.isArray(a) ? a : {};
}

/**
 * Sessions made through other APIs get the documented fallbacks; a timezone that is
 * not four digits would crash the iOS client, so it is shown as "0000".
 */
export function renderSession(s: Session, projectId: number, defaultLanguageId: number) {
  const a = roundwareAttributes(s);
  return {
    id: s.number,
    device_id: s.client.deviceId ?? null,
    starttime: roundwareDate(s.createdAt),
    stoptime: s.endedAt === null ? null : roundwareDate(s.endedAt),
    client_type: s.client.type ?? null,
    client_system: s.client.system ?? null,
    demo_stream_enabled: a.demo_stream_enabled === true,
    geo_listen_enabled: a.geo_listen_enabled === true,
    timezone: s.client.timezone !== undefined && TIMEZONE.test(s.client.timezone) ? s.client.timezone : "0000",
    project_id: projectId,
    language_id: typeof a.language_id === "number" ? a.language_id : defaultLanguageId,
  };
}

export type RenderedSession = ReturnType<typeof renderSession>;

/** Made from its arguments alone, so one cache serves every app in the process. */
const rendered = new RenderedSessions();

/** The JSON bytes of `renderSession`, kept while the session and the two numbers hold. */
export function sessionBytes(s: Session, projectId: number, defaultLanguageId: number): Buffer {
  const stamp = `${sessionStamp(s)}:${projectId}:${defaultLanguageId}`;
  return rendered.bytes(s.id, stamp, () => JSON.stringify(renderSession(s, projectId, defaultLanguageId)));
}

/** The language the session was created in, or null when it has none (the default applies). */
export function sessionLanguageId(s: Session): number | null {
  const id = roundwareAttributes(s).language_id;
  return typeof id === "number" ? id : null;
}

/** Does the session need the default language to be rendered? */
export const lacksLanguage = (s: Session): boolean => sessionLanguageId(s) === null;

/** First and last name and email, kept in the user's attributes under the family's name. */
function profile(u: User): { first_name: string; last_name: string; email: string } {
  const p = u.attributes[ATTRIBUTES];
  const get = (k: string) => (typeof p === "object" && p !== null && !Array.isArray(p) && typeof p[k] === "string" ? (p[k] as string) : "");
  return { first_name: get("first_name"), last_name: get("last_name"), email: get("email") };
}

export function renderUser(u: User) {
  return { id: u.number, username: u.id, ...profile(u), device_id: u.deviceId, client_type: u.clientType };
}

export function renderUserWithToken(u: User, token: string) {
  return { id: u.number, username: u.id, token, ...profile(u), device_id: u.deviceId, client_type: u.clientType };
}

export const renderLanguage = (l: Language) => ({ id: l.id, name: l.name, language_code: l.language_code });

/** The time formats of this family's documents. */

/** RFC 1123 in GMT, second precision: what `Date.prototype.toUTCString()` gives. */
export const httpDate = (ms: number) => new Date(ms).toUTCString();

export const nullableHttpDate = (ms: number | null) => (ms === null ? null : httpDate(ms));

/** ISO 8601 UTC with milliseconds and `Z`: client-side `Date.parse` reads it in the right zone. */
export const isoTime = (ms: number) => new Date(ms).toISOString();

/** `YYYY-MM-DD HH:MM:SS.mmm` in UTC, the timestamp of a session log line. */
export const logTime = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 23);

/** Milliseconds as seconds, rounded to milliseconds. */
export const seconds = (ms: number) => Math.round(Math.max(0, ms)) / 1000;

/** An HTTP date header as epoch ms, or null when absent or not a date. */
export function parseHttpDate(header: string | string[] | undefined): number | null {
  if (typeof header !== "string" || header.trim() === "") return null;
  const ms = Date.parse(header);
  return Number.isFinite(ms) ? ms : null;
}

/** The time formats of this family's documents. */

/** RFC 1123 in GMT, second precision: what `Date.prototype.toUTCString()` gives. */
export const httpDate = (ms: number) => new Date(ms).toUTCString();

export const nullableHttpDate = (ms: number | null) => (ms === null ? null : httpDate(ms));

const two = (n: number) => String(n).padStart(2, "0");

/**
 * `YYYY-MM-DD<sep>HH:MM:SS.mmm` in the server's local time zone and without one, as
 * MaxScale writes the times of statements (`T`) and of session log lines (a space).
 */
export function localTime(ms: number, separator: "T" | " "): string {
  const d = new Date(ms);
  const date = `${String(d.getFullYear()).padStart(4, "0")}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
  return `${date}${separator}${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}

/** Milliseconds as seconds, rounded to milliseconds. */
export const seconds = (ms: number) => Math.round(Math.max(0, ms)) / 1000;

/** An HTTP date header as epoch ms, or null when absent or not a date. */
export function parseHttpDate(header: string | string[] | undefined): number | null {
  if (typeof header !== "string" || header.trim() === "") return null;
  const ms = Date.parse(header);
  return Number.isFinite(ms) ? ms : null;
}

import { CoreError } from "../../core/errors.js";

/**
 * Which driver errors mean "the database is not there right now" (a CoreError
 * `unavailable`, a 503 in every family) rather than a fault of the request or the code.
 */

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);

const SERVER_CODES = new Set([
  "57P01", // admin_shutdown: the server is stopping
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now: starting up or in recovery
  "53300", // too_many_connections
  "57014", // query_canceled: statement_timeout
]);

// pg reports a dropped or timed-out connection with plain Errors.
const DRIVER_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Connection terminated due to connection timeout/;

export function sqlState(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

export function isUnavailable(e: unknown): boolean {
  if (e instanceof AggregateError) return e.errors.some(isUnavailable);
  if (!(e instanceof Error)) return false;
  const code = sqlState(e);
  if (code !== undefined && (NETWORK_CODES.has(code) || SERVER_CODES.has(code) || code.startsWith("08"))) return true;
  return DRIVER_MESSAGES.test(e.message);
}

export const isUniqueViolation = (e: unknown) => sqlState(e) === "23505";
export const isForeignKeyViolation = (e: unknown) => sqlState(e) === "23503";

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** host:port of a connection URL, for messages: never the user or the password. */
export function describeTarget(url: string): string {
  const u = parse(url);
  return u ? `${u.hostname || "localhost"}:${u.port || "5432"}` : "(unparsable database URL)";
}

/** A message without the URL's password: pg names none, but the URL is the operator's. */
export function scrub(message: string, url: string): string {
  const password = decodeURIComponent(parse(url)?.password ?? "");
  return password ? message.split(password).join("***") : message;
}

/**
 * The error a store method rejects with. Unavailability becomes a CoreError whose
 * message names no host (it reaches API clients); text PostgreSQL cannot store (NUL
 * characters, which SQLite accepts) is the caller's fault.
 */
export function translate(e: unknown): unknown {
  if (e instanceof CoreError) return e;
  if (isUnavailable(e)) return new CoreError("unavailable", "The database is unavailable; try again shortly.");
  const code = sqlState(e);
  if (code === "22021" || code === "22P05") return new CoreError("invalid", "Text may not contain NUL characters.");
  return e;
}

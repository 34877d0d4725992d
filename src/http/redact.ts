/**
 * Secrets must never reach a log line: credentials in headers, and passwords or tokens
 * that clients put in query strings (game joins take `?password=`).
 */
const SECRET_PARAMS = /([?&](?:password|passwd|token|access_token|jwt_token|secret|key)=)[^&#]*/gi;

export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, "$1[REDACTED]");
}

export const REDACTED_HEADERS = ["authorization", "cookie", "x-session-password", "proxy-authorization"];

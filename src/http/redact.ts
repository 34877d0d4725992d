/**
 * Secrets must never reach a log line. Request logs carry no headers at all; query
 * strings can carry passwords or tokens (game joins take `?password=`), so those
 * values are blanked.
 */
const SECRET_PARAMS = /([?&](?:password|passwd|token|access_token|jwt_token|secret|key)=)[^&#]*/gi;

export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, "$1[REDACTED]");
}

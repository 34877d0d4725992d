/**
 * The request target as every later step sees it. It is checked and normalised once,
 * here, so that routing, authentication, error formats and logs all read the same path:
 * a client cannot reach a route under one spelling while a check looks at another.
 *
 * Normalisation follows RFC 3986 §6.2.2: percent-encoded unreserved characters are
 * decoded (`/%70rojects` is `/projects`), other escapes are kept with upper-case hex
 * (`%2f` stays an encoded slash, never a separator). Dot segments (`.`, `..`, however
 * encoded) are refused rather than resolved: no client sends them, and a path that
 * resolves elsewhere than it reads invites mistakes. The query string is left to each
 * API's parser: clients send bare `%` in filters there.
 */

export interface TargetLimits {
  urlBytes: number;
  pathSegmentBytes: number;
}

export type Target =
  | { ok: true; url: string; path: string }
  | { ok: false; status: 400 | 414; message: string; path: string };

const UNRESERVED = /[A-Za-z0-9\-._~]/;
const HEX = /^[0-9A-Fa-f]{2}$/;

/** Visible ASCII only: control characters, spaces and raw non-ASCII bytes must be percent-encoded. */
const INVALID_CHAR = /[^\x21-\x7e]/;

/** A `.` or `..` segment, written plainly. */
const DOT_SEGMENT = /(?:^|\/)\.\.?(?:\/|$)/;

/** A refusal, with the path its error format is picked by (worked out only when refusing). */
const fail = (status: 400 | 414, message: string, target: string): Target => ({ ok: false, status, message, path: bestEffortPath(target) });

/** `%HH` escapes: unreserved ones decoded, the others upper-cased; null on a malformed escape. */
function normaliseEscapes(text: string): string | null {
  if (!text.includes("%")) return text;
  let out = "";
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (c !== "%") {
      out += c;
      continue;
    }
    const hex = text.slice(i + 1, i + 3);
    if (!HEX.test(hex)) return null;
    const decoded = String.fromCharCode(parseInt(hex, 16));
    out += UNRESERVED.test(decoded) ? decoded : `%${hex.toUpperCase()}`;
    i += 2;
  }
  return out;
}

/** Whether the escapes of a segment decode to valid UTF-8 (the router decodes them). */
function decodesAsUtf8(segment: string): boolean {
  if (!segment.includes("%")) return true;
  try {
    decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}

/**
 * The path a request will be answered for, even when the target is refused (to pick its
 * API's error format): its whole segments up to the first byte that cannot stand in a
 * path (`/api/2\xff/x` is `/api`, since `2\xff` is not `2`).
 */
export function bestEffortPath(raw: string): string {
  const path = withoutAuthority(raw).split(/[?#]/, 1)[0]!;
  const cut = path.search(INVALID_CHAR);
  const clean = cut < 0 ? path : path.slice(0, Math.max(path.lastIndexOf("/", cut), 1));
  return clean.replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) => {
    const c = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(c) ? c : escape;
  });
}

/** The absolute form of a target (RFC 9112 §3.2.2) as the origin form of its path. */
function withoutAuthority(raw: string): string {
  if (raw.startsWith("/")) return raw;
  const absolute = /^https?:\/\/[^/?#]*/i.exec(raw);
  return absolute ? raw.slice(absolute[0].length) || "/" : raw;
}

/** Checks a request target and returns its normalised form, or why it is refused. */
export function normaliseTarget(raw: string, limits: TargetLimits): Target {
  const target = withoutAuthority(raw);
  if (target.length > limits.urlBytes) return fail(414, `The request target is longer than ${limits.urlBytes} bytes.`, target);
  if (!target.startsWith("/")) return fail(400, "The request target must be a path starting with '/'.", target);
  if (INVALID_CHAR.test(target)) return fail(400, "The request target contains a character that must be percent-encoded.", target);
  if (target.includes("#")) return fail(400, "The request target must not contain a fragment ('#').", target);

  const question = target.indexOf("?");
  const rawPath = question < 0 ? target : target.slice(0, question);
  const query = question < 0 ? "" : target.slice(question);
  // What nearly every request is: no escape to normalise, no dot segment, and too short for
  // any segment to pass the limit. The path is already in normal form.
  if (!rawPath.includes("%") && rawPath.length <= limits.pathSegmentBytes && !DOT_SEGMENT.test(rawPath)) return { ok: true, url: target, path: rawPath };
  const segments: string[] = [];
  for (const segment of rawPath.slice(1).split("/")) {
    if (segment.length > limits.pathSegmentBytes) {
      return fail(414, `A path segment is longer than ${limits.pathSegmentBytes} bytes.`, target);
    }
    const normal = normaliseEscapes(segment);
    if (normal === null) return fail(400, "The path has a malformed percent-escape.", target);
    if (!decodesAsUtf8(normal)) return fail(400, "The path's percent-escapes do not decode to UTF-8.", target);
    if (normal === "." || normal === "..") return fail(400, "The path must not have '.' or '..' segments.", target);
    segments.push(normal);
  }
  const path = `/${segments.join("/")}`;
  return { ok: true, url: path + query, path };
}

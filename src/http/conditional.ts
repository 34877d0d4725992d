/**
 * Entity tags and conditional request headers (RFC 9110 §13), shared by every family.
 * The resource's current tag is always strong; callers pass its opaque value (unquoted).
 */

export interface EntityTag {
  opaque: string;
  weak: boolean;
}

/** The tags listed in an If-Match / If-None-Match header; `*` is returned as is. */
export function parseTagList(header: string | undefined): EntityTag[] | "*" | null {
  if (header === undefined) return null;
  const trimmed = header.trim();
  if (trimmed === "*") return "*";
  const tags: EntityTag[] = [];
  const re = /\s*(W\/)?"([^"]*)"\s*(?:,|$)/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(trimmed)) !== null) {
    tags.push({ opaque: m[2]!, weak: m[1] !== undefined });
    if (re.lastIndex >= trimmed.length) break;
  }
  return tags;
}

/**
 * If-Match (RFC 9110 §13.1.1) uses the strong comparison: `*`, or a strong tag whose
 * opaque value is `current`'s. A weak tag never matches, so `W/"<current>"` fails.
 */
export function matchesStrongly(header: string | undefined, current: string): boolean {
  const tags = parseTagList(header);
  if (tags === null) return false;
  return tags === "*" || tags.some((t) => !t.weak && t.opaque === current);
}

/**
 * If-None-Match (RFC 9110 §13.1.2) uses the weak comparison: `*`, or a tag, weak or
 * strong, whose opaque value is `current`'s.
 */
export function matchesWeakly(header: string | undefined, current: string): boolean {
  const tags = parseTagList(header);
  if (tags === null) return false;
  return tags === "*" || tags.some((t) => t.opaque === current);
}

/**
 * The version an If-Match names, when it names exactly one integer version as a strong
 * tag; a weak tag never matches (strong comparison), so it names none.
 */
export function versionFromIfMatch(header: string | undefined): number | "*" | "invalid" | undefined {
  const tags = parseTagList(header);
  if (tags === null) return undefined;
  if (tags === "*") return "*";
  const [tag] = tags;
  if (tags.length !== 1 || !tag || tag.weak || !/^\d{1,15}$/.test(tag.opaque)) return "invalid";
  return Number(tag.opaque);
}

export const quoteTag = (tag: string | number) => `"${tag}"`;

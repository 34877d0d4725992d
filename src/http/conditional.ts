/**
 * Entity tags and conditional request headers (RFC 9110 §13), shared by every family.
 */

/** The tags listed in an If-Match / If-None-Match header; `*` is returned as is. */
export function parseTagList(header: string | undefined): string[] | "*" | null {
  if (header === undefined) return null;
  const trimmed = header.trim();
  if (trimmed === "*") return "*";
  const tags: string[] = [];
  const re = /\s*(?:W\/)?"([^"]*)"\s*(?:,|$)/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(trimmed)) !== null) {
    tags.push(m[1]!);
    if (re.lastIndex >= trimmed.length) break;
  }
  return tags;
}

/** Does a header's list match the current opaque tag (unquoted)? */
export function tagMatches(header: string | undefined, current: string): boolean {
  const tags = parseTagList(header);
  if (tags === null) return false;
  return tags === "*" || tags.includes(current);
}

/** The version an If-Match names, when it names exactly one integer version. */
export function versionFromIfMatch(header: string | undefined): number | "*" | "invalid" | undefined {
  const tags = parseTagList(header);
  if (tags === null) return undefined;
  if (tags === "*") return "*";
  if (tags.length !== 1 || !/^\d{1,15}$/.test(tags[0]!)) return "invalid";
  return Number(tags[0]);
}

export const quoteTag = (tag: string | number) => `"${tag}"`;

/** A link (contract §3.2): keys in order, absent ones omitted, `uri` = `href`. */
export interface Link {
  method: string;
  rel: string;
  href: string;
  uri: string;
  type?: string;
  itemType?: string;
  responseType?: string;
}

export const BASE = "/compute";

export function link(method: string, rel: string, href: string, more: { type?: string; itemType?: string; responseType?: string } = {}): Link {
  const out: Link = { method, rel, href, uri: href };
  if (more.type) out.type = more.type;
  if (more.itemType) out.itemType = more.itemType;
  if (more.responseType) out.responseType = more.responseType;
  return out;
}

/** `2016-09-28T14:26:14Z`: UTC, whole seconds. */
export function timestamp(ms: number): string {
  // toISOString always ends in ".sssZ".
  return `${new Date(ms).toISOString().slice(0, -5)}Z`;
}

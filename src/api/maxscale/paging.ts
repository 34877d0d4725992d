import type { Resource } from "./resource.js";

/**
 * `page[size]=N&page[number]=M`: only when N is a positive integer and M (default 0) a
 * whole number; otherwise the parameters are ignored and the whole collection is sent.
 */
export interface PageParams {
  size: number;
  number: number;
}

const WHOLE = /^[0-9]+$/;

export function pageParams(query: Record<string, string | string[] | undefined>): PageParams | null {
  const last = (v: string | string[] | undefined) => (Array.isArray(v) ? v.at(-1) : v);
  const size = last(query["page[size]"]);
  const number = last(query["page[number]"]) ?? "0";
  if (size === undefined || !WHOLE.test(size) || !WHOLE.test(number)) return null;
  const n = Number(size);
  const m = Number(number);
  return n >= 1 && Number.isSafeInteger(n) && Number.isSafeInteger(m) ? { size: n, number: m } : null;
}

/** The rows of the page; all of them when the total does not exceed the page size. */
export function pageSlice(total: number, page: PageParams): { offset: number; limit: number } {
  if (total <= page.size) return { offset: 0, limit: total };
  return { offset: Math.min(page.number * page.size, total), limit: page.size };
}

export function slice(rows: Resource[], page: PageParams): Resource[] {
  const { offset, limit } = pageSlice(rows.length, page);
  return rows.slice(offset, offset + limit);
}

const pageLink = (self: string, size: number, number: number) => `${self}?page%5Bsize%5D=${size}&page%5Bnumber%5D=${number}`;

/** `self` with the page, then `first`, `last`, and `next`/`prev` where they exist. */
export function pageLinks(self: string, page: PageParams, total: number): Record<string, string> {
  const { size, number } = page;
  const links: Record<string, string> = {
    self: pageLink(self, size, number),
    first: pageLink(self, size, 0),
    last: pageLink(self, size, Math.max(0, Math.ceil(total / size) - 1)),
  };
  if ((number + 1) * size < total) links.next = pageLink(self, size, number + 1);
  if (number > 0 && number * size < total) links.prev = pageLink(self, size, number - 1);
  return links;
}

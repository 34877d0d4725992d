import type { FastifyRequest } from "fastify";
import { type Condition, type Scalar } from "../../core/query.js";
import { compareScalars, matches } from "../../core/match.js";
import { type Fields, compileFilter, parseSortBy } from "./filter.js";
import type { Session } from "../../core/types.js";
import type { Kit } from "./kit.js";
import { type Link, link } from "./links.js";
import { T } from "./media.js";
import { sessionHref } from "./render.js";

/** Collections (contract §4): start/limit paging, filter and sortBy, the paging links. */

export interface Paging {
  start: number;
  limit: number;
}

const INTEGER = /^\s*-?\d+\s*$/;

/** Lenient paging: a bad `start` is 0, a bad `limit` the default, a large one `maxLimit`. */
export function paging(query: Record<string, unknown>, defaultLimit: number, maxLimit: number): Paging {
  const raw = (v: unknown) => (Array.isArray(v) ? v[0] : v);
  const s = raw(query.start);
  const l = raw(query.limit);
  const startN = typeof s === "string" && INTEGER.test(s) ? Number(s) : 0;
  const limitN = typeof l === "string" && INTEGER.test(l) ? Number(l) : defaultLimit;
  return {
    start: Number.isSafeInteger(startN) && startN > 0 ? startN : 0,
    limit: limitN < 0 ? defaultLimit : Math.min(limitN, maxLimit),
  };
}

export function param(query: Record<string, unknown>, name: string): string | undefined {
  const v = query[name];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === "string" ? first : undefined;
}

/** Parameters that paging links repeat. */
const REPEATED = ["filter", "sortBy", "type", "includeTypes", "excludeTypes"];

export interface CollectionInput<T> {
  name: string;
  accept: string;
  href: string;
  paging: Paging;
  count: number;
  items: T[];
  query: Record<string, unknown>;
  up?: Link;
}

/** The collection representation, with `next` only when items exist beyond this page. */
export function collection<I>(c: CollectionInput<I>) {
  const extra = REPEATED.map((k) => [k, param(c.query, k)] as const)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `&${k}=${encodeURIComponent(v!)}`)
    .join("");
  const { start, limit } = c.paging;
  const at = (s: number) => `${c.href}?start=${s}&limit=${limit}${extra}`;
  const page = { type: T.collection, itemType: c.accept };
  const links: Link[] = [link("GET", "self", at(start), page), link("GET", "collection", c.href, page)];
  if (start > 0) {
    links.push(link("GET", "first", at(0), page));
    links.push(link("GET", "prev", at(Math.max(0, start - limit)), page));
  }
  if (limit > 0 && start + c.items.length < c.count) {
    links.push(link("GET", "next", at(start + c.items.length), page));
    links.push(link("GET", "last", at(Math.floor((c.count - 1) / limit) * limit), page));
  }
  if (c.up) links.push(c.up);
  return { version: 2, name: c.name, accept: c.accept, start, limit, count: c.count, items: c.items, links };
}

/** Filters, sorts and pages an in-memory list by the request's `filter`, `sortBy`, `start` and `limit`. */
export function select<I>(
  kit: Kit,
  req: FastifyRequest,
  all: I[],
  fields: Fields,
  value: (item: I, field: string) => Scalar,
  opts: { defaultSort: string; defaultLimit: number; where?: Condition },
): { items: I[]; count: number; paging: Paging } {
  const query = req.query as Record<string, unknown>;
  const filter = param(query, "filter");
  const conditions = [opts.where, filter !== undefined && filter !== "" ? compileFilter(filter, fields, kit.hub.filterLimits) : undefined].filter(
    (c): c is Condition => c !== undefined,
  );
  const sortBy = param(query, "sortBy");
  const sort = sortBy ? parseSortBy(sortBy, Object.keys(fields)) : [{ field: opts.defaultSort, dir: "asc" as const }];
  const kept = all.filter((item) => conditions.every((c) => matches(c, (f) => value(item, f))));
  // Array.prototype.sort is stable: ties keep the list's own (creation or name) order.
  kept.sort((a, b) => {
    for (const key of sort) {
      const c = compareScalars(value(a, key.field), value(b, key.field));
      if (c !== 0) return key.dir === "asc" ? c : -c;
    }
    return 0;
  });
  const p = paging(query, opts.defaultLimit, kit.limits.maxLimit);
  return { items: kept.slice(p.start, p.start + p.limit), count: kept.length, paging: p };
}

/** A collection under a session (`…/jobs`, `…/filerefs`, …) whose `up` is the session. */
export function sessionCollection<I>(req: FastifyRequest, s: Session, name: string, accept: string, page: { paging: Paging; count: number }, items: I[]) {
  return collection({
    name,
    accept,
    href: `${sessionHref(s)}/${name === "libraries" ? "data" : name}`,
    paging: page.paging,
    count: page.count,
    items,
    query: req.query as Record<string, unknown>,
    up: link("GET", "up", sessionHref(s), { type: T.session }),
  });
}

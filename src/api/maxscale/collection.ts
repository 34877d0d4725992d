import type { FilterLimits } from "../../core/query.js";
import { type Fieldset, applyFieldset, fieldset } from "./fields.js";
import { type RowFilter, requestFilters } from "./filter-parse.js";
import { keeps } from "./filter-eval.js";
import { type PageParams, pageLinks, pageParams, slice } from "./paging.js";
import { type Document, type Resource, asJson } from "./resource.js";

type Query = Record<string, string | string[] | undefined>;

/** What a collection GET asks for: filters, a page, a sparse fieldset. */
export interface CollectionQuery {
  filters: RowFilter[];
  page: PageParams | null;
  fields: Fieldset | null;
}

export function collectionQuery(query: Query, type: string, limits: FilterLimits): CollectionQuery {
  return { filters: requestFilters(query, limits), page: pageParams(query), fields: fieldset(query, type) };
}

export const filterRows = (rows: Resource[], filters: RowFilter[]) =>
  filters.length === 0 ? rows : rows.filter((r) => filters.every((f) => keeps(asJson(r), f)));

/**
 * The collection document from rows already filtered — and already paged when the store
 * did the paging, which `pagedTotal` (the count of every match) says: `page` → `fields`
 * → links and `meta`.
 */
export function collectionDocument(self: string, rows: Resource[], q: CollectionQuery, pagedTotal?: number): Document {
  const total = pagedTotal ?? rows.length;
  const paged = q.page && pagedTotal === undefined ? slice(rows, q.page) : rows;
  const data = q.fields ? paged.map((r) => applyFieldset(r, q.fields!)) : paged;
  if (!q.page) return { links: { self }, data };
  return { links: pageLinks(self, q.page, total), data, meta: { total } };
}

/** Filter → page → fields over rows held in memory (services). */
export const inMemoryCollection = (self: string, rows: Resource[], q: CollectionQuery) =>
  collectionDocument(self, filterRows(rows, q.filters), q);

export const singleDocument = (r: Resource, fields: Fieldset | null): Document => ({
  links: { self: r.links.self },
  data: fields ? applyFieldset(r, fields) : r,
});

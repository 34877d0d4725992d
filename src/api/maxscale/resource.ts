import type { Json, JsonObject } from "../../core/types.js";

/** A JSON:API resource object, keys in the seed's order. */
export interface Resource {
  id: string;
  type: string;
  relationships?: JsonObject;
  attributes?: JsonObject;
  links: { self: string };
}

/** A top-level document: `links`, then `data`, then `meta` when present. */
export interface Document {
  links: Record<string, string>;
  data: Resource | Resource[] | null;
  meta?: JsonObject;
}

export const asJson = (r: Resource) => r as unknown as Json;

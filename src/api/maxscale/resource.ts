import type { Json, JsonObject } from "../../core/types.js";

/** A JSON:API resource object (written with its keys sorted, whatever order they are built in). */
export interface Resource {
  id: string;
  type: string;
  relationships?: JsonObject;
  attributes?: JsonObject;
  links: { self: string };
}

/** A top-level document: `data`, `links` and, when paged, `meta`. */
export interface Document {
  links: Record<string, string>;
  data: Resource | Resource[] | null;
  meta?: JsonObject;
}

export const asJson = (r: Resource) => r as unknown as Json;

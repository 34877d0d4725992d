import type { JsonObject } from "../../core/types.js";
import type { Resource } from "./resource.js";

/**
 * Sparse fieldsets, `fields[<type>]=p1,p2`: each item a `/`-separated path applied to
 * `attributes` and to `relationships` separately, then merged. Paths never enter arrays
 * (an array on the way is kept whole); objects left empty are removed; `id`, `type` and
 * `links` always stay.
 */
export type Fieldset = string[][];

interface Selection {
  [key: string]: Selection | true;
}

/** The fieldset asked for a type, or null when there is none (or it is empty). */
export function fieldset(query: Record<string, string | string[] | undefined>, type: string): Fieldset | null {
  const raw = query[`fields[${type}]`];
  const value = Array.isArray(raw) ? raw.join(",") : raw;
  if (value === undefined) return null;
  const paths = value
    .split(",")
    .map((item) => item.trim().replace(/^\/+/, ""))
    .filter((item) => item !== "")
    .map((item) => item.split("/"));
  return paths.length === 0 ? null : paths;
}

function selection(paths: Fieldset): Selection {
  const root: Selection = {};
  for (const path of paths) {
    let node = root;
    path.forEach((key, i) => {
      if (node[key] === true) return;
      if (i === path.length - 1) node[key] = true;
      else node = (node[key] ??= {}) as Selection;
    });
  }
  return root;
}

function pick(value: JsonObject, sel: Selection): JsonObject {
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(value)) {
    const s = sel[key];
    if (s === undefined) continue;
    if (s === true || Array.isArray(v)) {
      out[key] = v;
    } else if (v !== null && typeof v === "object") {
      const inner = pick(v, s);
      if (Object.keys(inner).length > 0) out[key] = inner;
    }
  }
  return out;
}

export function applyFieldset(r: Resource, paths: Fieldset): Resource {
  const sel = selection(paths);
  const out: Resource = { id: r.id, type: r.type } as Resource;
  const relationships = r.relationships ? pick(r.relationships, sel) : {};
  const attributes = r.attributes ? pick(r.attributes, sel) : {};
  if (Object.keys(relationships).length > 0) out.relationships = relationships;
  if (Object.keys(attributes).length > 0) out.attributes = attributes;
  out.links = r.links;
  return out;
}

/** The top-level attribute names a fieldset reaches (to skip fetching the others). */
export const fieldsetAttributes = (paths: Fieldset) => new Set(paths.map((p) => p[0]!));

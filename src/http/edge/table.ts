import type { ApiEdge } from "./api.js";

/**
 * Which API answers a path on one listener: the longest prefix that matches at a segment
 * boundary, else the listener's own (prefix ""). Prefixes are the ones the routes are
 * registered under, so the table and the router cannot disagree.
 */
export class ApiTable {
  private readonly entries: { prefix: string; api: ApiEdge }[] = [];

  constructor(private readonly fallback: ApiEdge) {}

  add(prefix: string, api: ApiEdge): void {
    if (prefix === "") {
      this.entries.push({ prefix, api });
    } else {
      if (!prefix.startsWith("/") || prefix.endsWith("/")) throw new Error(`an API prefix is "/name", got "${prefix}"`);
      const taken = this.entries.find((e) => e.prefix === prefix);
      if (taken && taken.api !== api) throw new Error(`${prefix} is served by both ${taken.api.name} and ${api.name}`);
      if (!taken) this.entries.push({ prefix, api });
    }
    this.entries.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  /** Every API this listener serves, its own included. */
  apis(): ApiEdge[] {
    return [...new Set([this.fallback, ...this.entries.map((e) => e.api)])];
  }

  pick(path: string): ApiEdge {
    for (const { prefix, api } of this.entries) {
      if (prefix === "" || path === prefix || (path.startsWith(prefix) && path.charCodeAt(prefix.length) === 47 /* / */)) return api;
    }
    return this.fallback;
  }
}

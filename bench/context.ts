import type { Load } from "./wrk.js";

/** What a scenario gets to prepare its data through the public API. */
export interface BenchContext {
  url: string;
  adminToken: string;
  /** Scratch directory for wrk scripts. */
  dir: string;
  api<T = any>(method: string, path: string, body?: unknown, token?: string): Promise<T>;
  /** Creates users and returns one API token each. */
  users(prefix: string, n: number): Promise<string[]>;
  /** An HS256 JWT for the server's bench secret. */
  jwt(uid: string, roles?: string[]): Promise<string>;
}

export interface Scenario {
  name: string;
  /** The scenario of another family this one is compared with, by name. */
  compareWith?: string;
  setup(ctx: BenchContext): Promise<Load>;
  /**
   * A measurement wrk cannot make (latency of a multi-step exchange): given the node
   * URLs, the scenario measures itself. `setup` still prepares its data.
   */
  run?(ctx: BenchContext, load: Load, seconds: number): Promise<import("./wrk.js").Measured>;
}

/** A Lua table literal of strings. */
export const luaList = (items: string[]) => `{${items.map((s) => JSON.stringify(s)).join(",")}}`;

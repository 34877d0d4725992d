import { readFileSync } from "node:fs";
import { usage } from "./exit.js";
import type { Flags } from "./spec.js";

/** Flag values, read and checked, each failure a usage error naming the flag. */

export const text = (flags: Flags, name: string) => (typeof flags[name] === "string" ? (flags[name] as string) : undefined);

export function whole(flags: Flags, name: string, min = 0): number | undefined {
  const raw = text(flags, name);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min) throw usage(`--${name} takes a whole number${min > 0 ? ` of at least ${min}` : ""}; got "${raw}"`);
  return Number(raw);
}

const SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** Seconds, as `600` or `10m`, `12h`, `30d`. */
export function seconds(flags: Flags, name: string): number | undefined {
  const raw = text(flags, name);
  if (raw === undefined) return undefined;
  const m = /^(\d+)([smhd]?)$/.exec(raw);
  if (!m) throw usage(`--${name} takes seconds, or a number with s, m, h or d (10m, 12h, 30d); got "${raw}"`);
  return Number(m[1]) * SECONDS[m[2] || "s"]!;
}

export function json(flags: Flags, name: string): Record<string, unknown> | undefined {
  const raw = text(flags, name);
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    throw usage(`--${name} takes a JSON object: ${(e as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw usage(`--${name} takes a JSON object`);
  return parsed as Record<string, unknown>;
}

/** The password from --password-stdin (one line) or --password. */
export function password(flags: Flags): string | undefined {
  if (flags["password-stdin"]) {
    const value = readFileSync(0, "utf8").replace(/\r?\n$/, "");
    if (value === "") throw usage("--password-stdin read an empty password");
    return value;
  }
  return text(flags, "password");
}

/** Leaves out what was not given, so a patch changes only what the flags name. */
export const defined = <T extends Record<string, unknown>>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

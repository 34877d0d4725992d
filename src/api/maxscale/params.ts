import type { FastifyRequest } from "fastify";

/** A query parameter; when repeated, the last one counts. */
export function queryParam(req: FastifyRequest, name: string): string | undefined {
  const value = (req.query as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value.at(-1) : value;
}

/** MaxScale's boolean grammar: true, false, or neither (undefined). */
export function booleanParam(raw: string | undefined): boolean | undefined {
  if (raw === undefined) return undefined;
  const v = raw.toLowerCase();
  if (v === "true" || v === "on" || v === "yes" || v === "1") return true;
  if (v === "false" || v === "off" || v === "no" || v === "0") return false;
  return undefined;
}

const INT_MAX = 2147483647;
const INT_MIN = -2147483648;

/**
 * `ttl` as MaxScale reads it, with C's `atoi`: leading white space, a sign, then as many
 * digits as there are; nothing readable is 0 (`abc`, `NaN` — what maxctrl sends for a
 * non-numeric `--ttl`), so is an absent one, and values beyond an `int` stop at its
 * limits. Zero or less ends the session now.
 */
export function ttlSeconds(raw: string | undefined): number {
  const match = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)/.exec(raw ?? "");
  if (!match) return 0;
  const value = Number(match[2]!.replace(/^0+(?=.)/, "").slice(0, 12)) * (match[1] === "-" ? -1 : 1);
  return Math.min(INT_MAX, Math.max(INT_MIN, value));
}

const MAX_SESSION_ID = 18446744073709551615n;

/**
 * A session id segment: ASCII digits whose value is 1 … 2^64−1, leading zeros allowed.
 * `undefined` for anything else (the route does not match); `null` for a well-formed id
 * that no session can have (beyond the numbers the hub hands out).
 */
export function sessionNumber(segment: string): number | null | undefined {
  if (!/^[0-9]+$/.test(segment)) return undefined;
  const value = BigInt(segment);
  if (value < 1n || value > MAX_SESSION_ID) return undefined;
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : null;
}

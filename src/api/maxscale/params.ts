import type { FastifyRequest } from "fastify";
import { failure } from "./errors.js";

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

const TTL = /^[0-9]+(\.[0-9]+)?$/;
const MAX_TTL = 2147483647;

/** `ttl` in whole seconds (a fraction is truncated); absent = 0. Anything else is a 400. */
export function ttlSeconds(raw: string | undefined): number {
  if (raw === undefined) return 0;
  const value = TTL.test(raw) ? Math.trunc(Number(raw)) : NaN;
  if (!(value <= MAX_TTL)) throw failure(400, `Invalid value for 'ttl': ${raw}`);
  return value;
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

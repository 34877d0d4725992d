import type { CorsPolicy } from "../../http/cors.js";

/**
 * The family takes no ambient credentials (no cookies, no HTTP Basic), so any configured
 * origin may call it, `*` by default, and credentials are never allowed.
 */
export const corsPolicy = (origins: readonly string[]): CorsPolicy => ({
  origins,
  methods: ["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
  headers: ["accept", "authorization", "content-type", "idempotency-key", "origin", "x-requested-with"],
  maxAgeSeconds: 86400,
});

import type { FastifyRequest } from "fastify";
import type { AuthFailure } from "../../auth/authenticate.js";
import type { FamilyContext } from "../context.js";
import { detail } from "./errors.js";

/** DRF TokenAuthentication's messages, one per failure reason (contract §5.2). */
const FAILURES: Record<AuthFailure, string> = {
  missing: "Authentication credentials were not provided.",
  "no-credentials": "Invalid token header. No credentials provided.",
  "has-spaces": "Invalid token header. Token string should not contain spaces.",
  "bad-characters": "Invalid token header. Token string should not contain invalid characters.",
  malformed: "Invalid token.",
  invalid: "Invalid token.",
  inactive: "User inactive or deleted.",
};

/** `token`, `Bearer` and `jwt`; HTTP Basic and cookies are not accepted here (no ambient credentials). */
export async function authenticate(ctx: FamilyContext, req: FastifyRequest): Promise<void> {
  const outcome = await ctx.auth.authenticate(req.headers.authorization, ["token", "bearer", "jwt"]);
  if (outcome.principal) {
    req.principal = outcome.principal;
    return;
  }
  throw detail(401, FAILURES[outcome.failure], { "www-authenticate": "Token" });
}

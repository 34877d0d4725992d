import type { FastifyInstance } from "fastify";
import { has, readBody } from "../body.js";
import type { Roundware } from "../context.js";
import { type FieldErrors, RoundwareError, failIfAny, throttled } from "../errors.js";
import { MESSAGES, charField } from "../fields.js";
import { sendJson } from "../reply.js";

/** R6: a user id and password for a new token (DRF's obtain_auth_token), without credentials. */
export function loginRoutes(app: FastifyInstance, rw: Roundware): void {
  const { auth, users } = rw.ctx;

  app.post("/login", async (req, reply) => {
    const wait = rw.loginFailures.blocked(req.ip);
    if (wait !== null) throw throttled(wait);
    const body = readBody(req, ["json", "form", "multipart"]);
    const errors: FieldErrors = {};
    const fields: Record<string, string> = {};
    for (const key of ["username", "password"]) {
      const checked = has(body, key) ? charField(body[key], { allowBlank: false, trim: key !== "password" }) : { error: MESSAGES.required };
      if (checked.error) errors[key] = [checked.error];
      else fields[key] = checked.value!;
    }
    failIfAny(errors);
    const outcome = await auth.checkPassword(fields.username!, fields.password!);
    if (!outcome.principal) {
      rw.loginFailures.hit(req.ip);
      throw new RoundwareError(400, { non_field_errors: ["Unable to log in with provided credentials."] });
    }
    const issued = await users.issueToken(outcome.principal.userId, { name: "login", issuer: "roundware" });
    return sendJson(reply, { token: issued.secret });
  });
}

import type { FastifyReply, FastifyRequest } from "fastify";
import { toMaxscaleError } from "./errors.js";
import { sendErrors, sendNoBody } from "./send.js";

/** The family's error handler: its own bodies; a 500 is logged and says nothing more. */
export function handleError(error: unknown, req: FastifyRequest, reply: FastifyReply) {
  const known = toMaxscaleError(error);
  if (!known) {
    req.log.error({ err: error }, "maxscale request failed");
    return sendErrors(req, reply, 500, ["Internal error"]);
  }
  for (const [name, value] of Object.entries(known.headers)) reply.header(name, value);
  return known.details === null ? sendNoBody(reply, known.status) : sendErrors(req, reply, known.status, known.details);
}

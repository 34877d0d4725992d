import type { FastifyReply } from "fastify";

/** A compact JSON answer, non-ASCII unescaped (status 200 unless given). */
export function sendJson(reply: FastifyReply, body: unknown, status = 200): FastifyReply {
  return sendJsonText(reply, JSON.stringify(body), status);
}

/** JSON already serialised. */
export function sendJsonText(reply: FastifyReply, json: string | Buffer, status = 200): FastifyReply {
  return reply.code(status).type("application/json").send(json);
}

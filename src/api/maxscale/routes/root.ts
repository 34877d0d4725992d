import type { FastifyInstance } from "fastify";
import { sendNoBody } from "../send.js";

/** `GET /v1/`: maxctrl's ping of several hosts. */
export function rootRoutes(app: FastifyInstance): void {
  app.get("/", async (_req, reply) => sendNoBody(reply, 200));
}

import type { FastifyInstance } from "fastify";
import { T, negotiate, sendJson } from "../media.js";
import { resource } from "../plugin.js";
import { root } from "../render.js";

export function rootRoutes(app: FastifyInstance): void {
  resource(app, "/", {
    GET: async (req, reply) => sendJson(reply, 200, T.api, negotiate(req, T.api), root()),
  });
}

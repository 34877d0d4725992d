import type { FastifyInstance } from "fastify";
import type { Roundware } from "../context.js";
import { sendJson } from "../reply.js";

/** R14: the API root, a map of the resources' URLs (DRF's router root), without credentials. */
export function rootRoutes(app: FastifyInstance, rw: Roundware): void {
  app.get("/", async (req, reply) => {
    const configured = rw.ctx.config.publicUrl.replace(/\/$/, "");
    const base = `${configured || `${req.protocol}://${req.host}`}/api/2/`;
    return sendJson(reply, {
      languages: `${base}languages/`,
      login: `${base}login/`,
      projects: `${base}projects/`,
      sessions: `${base}sessions/`,
      users: `${base}users/`,
    });
  });
}

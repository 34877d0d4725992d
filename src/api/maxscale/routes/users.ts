import type { FastifyInstance, FastifyRequest } from "fastify";
import { principalOf } from "../../../auth/authenticate.js";
import type { User } from "../../../core/types.js";
import { type Api, linksFor } from "../api.js";
import { accountOf } from "../authorize.js";
import type { Links } from "../links.js";
import { renderUser } from "../render-user.js";
import type { Resource } from "../resource.js";
import { notA, sendCollection, sendResource } from "../respond.js";

/**
 * MaxScale's REST API users (`list users`): the hub's users who can log in with a
 * password, each with the account it is here. There are no UNIX-socket users.
 */
export function userRoutes(app: FastifyInstance, api: Api): void {
  function resource(u: User, links: Links): Resource | null {
    const account = accountOf(principalOf(u, "basic", api.adminRoles), u);
    return account ? renderUser(u, account, links) : null;
  }

  async function users(req: FastifyRequest): Promise<Resource[]> {
    const links = linksFor(req, api.config);
    return (await api.users.passwordUsers()).flatMap((u) => resource(u, links) ?? []);
  }

  for (const path of ["/users", "/users/inet"]) {
    app.get(path, async (req, reply) => sendCollection(req, reply, linksFor(req, api.config).to("users", "inet"), "inet", await users(req), api.hub.filterLimits));
  }

  app.get("/users/inet/:user", async (req, reply) => {
    const { user } = req.params as { user: string };
    const found = await api.users.find(user);
    const r = found && resource(found, linksFor(req, api.config));
    if (!r) throw notA("inetuser", user);
    return sendResource(req, reply, r);
  });

  app.get("/users/unix", async (req, reply) => sendCollection(req, reply, linksFor(req, api.config).to("users", "unix"), "unix", [], api.hub.filterLimits));
}

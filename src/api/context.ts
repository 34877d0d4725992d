import type { FastifyBaseLogger } from "fastify";
import type { Authenticator } from "../auth/authenticate.js";
import type { Users } from "../auth/users.js";
import type { Config } from "../config.js";
import type { Hub } from "../core/hub.js";
import type { Principal } from "../core/types.js";

/** What every API family is given: the core, authentication, users, configuration. */
export interface FamilyContext {
  hub: Hub;
  auth: Authenticator;
  users: Users;
  config: Config;
  log: FastifyBaseLogger;
  /** When this node started (epoch ms). */
  startedAt: number;
}

declare module "fastify" {
  interface FastifyRequest {
    /** The authenticated caller; set by the family's authentication hook. */
    principal: Principal;
  }
}

import { existsSync } from "node:fs";
import { familyConfigSources, FAMILIES } from "../api/families.js";
import { Users } from "../auth/users.js";
import { loadConfig } from "../config.js";
import { EventBus } from "../core/events.js";
import { uuidv7 } from "../core/ids.js";
import { SYSTEM_PRINCIPAL } from "../core/types.js";
import { openStore, sqliteFile } from "../store/open.js";
import { CliError } from "./exit.js";

export interface Recovered {
  token: { id: string; userId: string; name: string | null };
  secret: string;
  createdUser: boolean;
}

/**
 * `sessionhub admin token`: a new API token for an administrator, written straight into
 * the store the server's configuration names — for the operator on the server's machine
 * who lost the admin token. The user (`admin` by default) is created as an administrator
 * when missing.
 */
export async function recoverToken(env: NodeJS.ProcessEnv, settings: Record<string, string>, userId: string, name: string): Promise<Recovered> {
  const config = loadConfig({ env, flags: settings, ...familyConfigSources() });
  if (config.databaseUrl === "" && !existsSync(sqliteFile(config))) {
    throw new CliError(`No database at ${sqliteFile(config)}: start the server once, or give its --data-dir or --database-url.`);
  }
  // A node id of its own: this process is not one of the server's nodes.
  const store = await openStore(config, uuidv7(), FAMILIES.flatMap((f) => f.migrations ?? []), Date.now);
  try {
    await store.migrate();
    const users = new Users(store, new EventBus(), Date.now, config.limits.jsonDepth);
    let user = await store.getUser(userId);
    const createdUser = !user;
    user ??= await users.create(SYSTEM_PRINCIPAL, { id: userId, roles: ["admin"] });
    if (!user.roles.some((r) => config.jwt.adminRoles.includes(r))) {
      throw new CliError(`User ${userId} is not an administrator (roles: ${user.roles.join(", ") || "none"}); name one with --user.`);
    }
    if (user.disabled) throw new CliError(`User ${userId} is disabled; name another administrator with --user.`);
    const issued = await users.issueToken(userId, { name, issuer: "admin-token" });
    return { token: issued.token, secret: issued.secret, createdUser };
  } finally {
    await store.close();
  }
}

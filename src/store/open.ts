import { join } from "node:path";
import { type Config, ConfigError } from "../config.js";
import type { Migration } from "./migrations.js";
import { SqliteStore } from "./sqlite/index.js";
import type { Store } from "../core/store.js";

/** The SQLite file in the data directory, when no database URL is configured. */
export const sqliteFile = (config: Pick<Config, "dataDir">) => join(config.dataDir, "sessionhub.db");

/** The store the configuration names: PostgreSQL for a postgres:// URL, else the SQLite file in the data directory. */
export async function openStore(config: Config, nodeId: string, migrations: Migration[], clock: () => number): Promise<Store> {
  if (/^postgres(ql)?:\/\//i.test(config.databaseUrl)) {
    // Loaded only when asked for: the embedded default needs no pg.
    const { PostgresStore } = await import("./postgres/index.js");
    return new PostgresStore({ url: config.databaseUrl, nodeId, migrations, clock, filterLimits: config.limits, poolSize: config.postgres.poolSize });
  }
  if (config.databaseUrl !== "") throw new ConfigError(`SESSIONHUB_DATABASE_URL must be a postgres:// URL, got ${config.databaseUrl.split(":")[0]}:…`);
  return new SqliteStore({ file: sqliteFile(config), nodeId, migrations, clock, synchronous: config.sqlite.synchronous, filterLimits: config.limits });
}

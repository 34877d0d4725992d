import { familyConfigSources } from "../../api/families.js";
import { ConfigError, loadConfig } from "../../config.js";
import { createLogger, isPretty } from "../../log/logger.js";
import { SESSIONHUB_VERSION } from "../../version.js";
import { banner } from "../banner.js";
import { createServer } from "../../server.js";
import { CliError, EXIT } from "../exit.js";

/** Which database the server keeps its data in, as people name it. */
const storeName = (config: { databaseUrl: string; dataDir: string }) =>
  config.databaseUrl ? `PostgreSQL at ${new URL(config.databaseUrl).host}` : `SQLite in ${config.dataDir}`;

/** A failure to start: a setting that cannot be used is a usage error (2), anything else 1. */
const startError = (what: string, e: unknown) => new CliError(`${what}: ${(e as Error).message}`, e instanceof ConfigError ? EXIT.usage : EXIT.error);

/**
 * `sessionhub serve`: config from defaults < file < environment < flags, then listen
 * until SIGTERM or SIGINT, which drain in-flight requests and close the database.
 */
export async function serve(flags: Record<string, string>): Promise<void> {
  let config;
  try {
    config = loadConfig({ env: process.env, flags, ...familyConfigSources() });
  } catch (e) {
    throw startError("configuration", e);
  }
  const logger = createLogger(config);
  let server;
  try {
    server = await createServer(config, { logger });
  } catch (e) {
    throw startError("cannot start", e);
  }
  let listening;
  try {
    listening = await server.start();
  } catch (e) {
    await server.stop().catch(() => {});
    throw startError("cannot listen", e);
  }
  for (const l of listening) logger.info({ listener: l.name, url: l.url, apis: l.apis, nodeId: server.nodeId }, "listening");
  if (isPretty(config)) process.stdout.write(banner(SESSIONHUB_VERSION, server.nodeId, storeName(config), listening));
  // The log stream is buffered; operators (and supervisors watching for readiness) see this now.
  logger.flush();

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    const force = setTimeout(() => {
      logger.error("shutdown took too long; exiting");
      process.exit(1);
    }, config.shutdownGraceMs);
    force.unref();
    server
      .stop()
      .then(() => process.exit(0))
      .catch((e: unknown) => {
        logger.error({ err: e }, "shutdown failed");
        process.exit(1);
      });
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

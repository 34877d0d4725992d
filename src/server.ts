import { join } from "node:path";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import { pino, type Logger } from "pino";
import { FAMILIES } from "./api/families.js";
import type { Family } from "./api/family.js";
import type { FamilyContext } from "./api/context.js";
import { Authenticator } from "./auth/authenticate.js";
import { Users } from "./auth/users.js";
import type { Config } from "./config.js";
import { Hub } from "./core/hub.js";
import { type DataDirLock, lockDataDir } from "./data-dir-lock.js";
import { type App, createApp } from "./http/app.js";
import { Metrics } from "./http/metrics.js";
import { loadNodeId } from "./node-id.js";
import type { Migration } from "./store/migrations.js";
import { SqliteStore } from "./store/sqlite/index.js";
import { adminUi } from "./ui.js";
import type { Store } from "./store/store.js";

export interface ServerOptions {
  /** A controllable clock for tests. */
  clock?: () => number;
  logger?: Logger;
  families?: Family[];
  /** Where the one-time admin token is printed (stdout by default). */
  announce?: (line: string) => void;
}

export interface Listening {
  name: string;
  url: string;
}

export interface Server {
  config: Config;
  nodeId: string;
  store: Store;
  hub: Hub;
  auth: Authenticator;
  users: Users;
  app: App;
  metrics: Metrics;
  /** The admin token made on first start, when it was generated (tests read it). */
  bootstrapToken: string | null;
  start(): Promise<Listening[]>;
  stop(): Promise<void>;
}

export function createLogger(config: Pick<Config, "logLevel">): Logger {
  return pino(
    {
      level: config.logLevel,
      redact: {
        paths: ["req.headers.authorization", "req.headers.cookie", "*.password", "*.passwordHash", "*.secret", "*.token", "headers.authorization"],
        censor: "[REDACTED]",
      },
    },
    // Buffered, asynchronous writes: a synchronous write per request line costs a third
    // of the throughput of a fast route. Flushed on shutdown (and by pino on exit).
    pino.destination({ dest: 1, sync: false, minLength: 4096 }),
  );
}

async function openStore(config: Config, nodeId: string, migrations: Migration[], clock: () => number): Promise<Store> {
  if (/^postgres(ql)?:\/\//i.test(config.databaseUrl)) {
    // Loaded only when asked for: the embedded default needs no pg.
    const { PostgresStore } = await import("./store/postgres/index.js");
    return new PostgresStore({ url: config.databaseUrl, nodeId, migrations, clock });
  }
  if (config.databaseUrl !== "") throw new Error(`SESSIONHUB_DATABASE_URL must be a postgres:// URL, got ${config.databaseUrl.split(":")[0]}:…`);
  return new SqliteStore({ file: join(config.dataDir, "sessionhub.db"), nodeId, migrations, clock, synchronous: config.sqlite.synchronous });
}

function healthRoutes(app: App, store: Store, metrics: Metrics): void {
  app.get("/healthz", { schema: { hide: true } }, async () => ({ status: "ok" }));
  app.get("/readyz", { schema: { hide: true } }, async (_req, reply) => {
    try {
      await store.ping();
      return { status: "ready" };
    } catch {
      return reply.code(503).send({ status: "unavailable", detail: "the database does not answer" });
    }
  });
  app.get("/metrics", { schema: { hide: true } }, async (_req, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}

async function documentation(app: App): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "sessionhub native API",
        version: "1",
        description: "Sessions, members, presence, logs and live events over one core. Errors are RFC 9457 problem details.",
      },
      servers: [{ url: "/" }],
      components: {
        securitySchemes: {
          bearer: { type: "http", scheme: "bearer", description: "An API token or a JWT" },
          basic: { type: "http", scheme: "basic" },
        },
      },
      security: [{ bearer: [] }, { basic: [] }],
    },
    // Only the native API is described here; the other families follow documents of their own.
    transform: ({ schema, url }) => ({ schema: url.startsWith("/api/v1/") ? schema : { ...schema, hide: true }, url }),
  });
  await app.register(swaggerUi, { routePrefix: "/docs", staticCSP: true, uiConfig: { validatorUrl: null, deepLinking: true } });
  app.get("/api/v1/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}

/**
 * Builds the whole server from config: store, core, auth, families, listeners. The data
 * directory is held from here until `stop` (see lockDataDir); a second server on it fails.
 */
export async function createServer(config: Config, options: ServerOptions = {}): Promise<Server> {
  const lock = lockDataDir(config.dataDir);
  try {
    return await assemble(config, options, lock);
  } catch (e) {
    lock.release();
    throw e;
  }
}

async function assemble(config: Config, options: ServerOptions, lock: DataDirLock): Promise<Server> {
  const clock = options.clock ?? Date.now;
  const logger = options.logger ?? createLogger(config);
  const nodeId = loadNodeId(config.dataDir);
  const probe = { config } as Pick<FamilyContext, "config">;
  const families = (options.families ?? FAMILIES).filter((f) => f.enabled(probe));
  const store = await openStore(config, nodeId, families.flatMap((f) => f.migrations ?? []), clock);
  await store.migrate();

  const hub = new Hub(
    store,
    {
      nodeId,
      clock,
      maxMembersPerSession: config.sessions.maxMembersPerSession,
      closedStatuses: config.sessions.closedStatuses.map((s) => s.toLowerCase()),
      idempotencyTtlMs: config.sessions.idempotencyTtlSeconds * 1000,
      passwordAttemptsPerMinute: config.sessions.passwordAttemptsPerMinute,
      jsonDepth: config.limits.jsonDepth,
      defaultInactiveTimeoutSeconds: config.sessions.defaultInactiveTimeoutSeconds,
      activityFlushMs: config.reaper.activityFlushMs,
      reaper: {
        intervalMs: config.reaper.intervalMs,
        retentionSeconds: config.reaper.retentionSeconds,
        eventRetentionSeconds: config.reaper.eventRetentionSeconds,
      },
    },
    (e) => logger.error({ err: e }, "background work failed"),
  );
  const auth = new Authenticator(store, hub.bus, config.jwt, clock);
  const users = new Users(store, hub.bus, clock, config.limits.jsonDepth);
  const bootstrap = await users.bootstrap(config.adminToken || undefined);
  if (bootstrap.secret) {
    (options.announce ?? ((line) => process.stdout.write(`${line}\n`)))(
      `sessionhub: created user "admin"; its API token, shown this once:\n\n    ${bootstrap.secret}\n`,
    );
  }

  const metrics = new Metrics(() => store.sessionCounts());
  const app = createApp({ logger, bodyLimit: config.bodyLimitBytes, metrics, listener: "main" });
  const ctx: FamilyContext = { hub, auth, users, config, log: logger, startedAt: clock() };
  for (const family of families) for (const kind of family.serviceKinds ?? []) hub.services.registerKind(kind);

  await documentation(app);
  healthRoutes(app, store, metrics);
  if (config.ui.enabled) await adminUi(app);
  for (const family of families) await family.init?.(ctx);
  for (const family of families) await family.mount?.(app, ctx);

  const own: { name: string; app: App; host: string; port: number }[] = [];
  for (const family of families) {
    const listener = family.ownListener?.(ctx);
    if (!listener) continue;
    const familyApp = createApp({ logger, bodyLimit: config.bodyLimitBytes, metrics, listener: family.name });
    await listener.register(familyApp);
    own.push({ name: family.name, app: familyApp, host: listener.host, port: listener.port });
  }

  let started = false;
  return {
    config,
    nodeId,
    store,
    hub,
    auth,
    users,
    app,
    metrics,
    bootstrapToken: bootstrap.secret,
    async start() {
      await hub.start();
      started = true;
      const urls: Listening[] = [];
      const mainUrl = await app.listen({ host: config.host, port: config.port });
      urls.push({ name: "main", url: mainUrl });
      for (const l of own) urls.push({ name: l.name, url: await l.app.listen({ host: l.host, port: l.port }) });
      return urls;
    },
    async stop() {
      // In-flight requests finish; connections still open after the grace period
      // (a stalled client, an event stream) are closed so shutdown cannot hang.
      const apps = [app, ...own.map((l) => l.app)];
      const force = setTimeout(() => apps.forEach((a) => a.server.closeAllConnections()), Math.min(config.shutdownGraceMs, 5000));
      await Promise.allSettled(apps.map((a) => a.close()));
      clearTimeout(force);
      for (const family of families) await family.stop?.(ctx);
      if (started) await hub.stop();
      await store.close();
      lock.release();
      logger.flush();
    },
  };
}

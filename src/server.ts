import type { Logger } from "pino";
import { FAMILIES, familyConfigSources } from "./api/families.js";
import type { Family, FamilyApi } from "./api/family.js";
import type { FamilyContext } from "./api/context.js";
import { Authenticator } from "./auth/authenticate.js";
import { Users } from "./auth/users.js";
import { type Config, ENVIRONMENT, FLAGS } from "./config.js";
import { Hub } from "./core/hub.js";
import { type DataDirLock, lockDataDir } from "./data-dir-lock.js";
import { type App, createApp } from "./http/app.js";
import { ApiTable } from "./http/edge/table.js";
import { documentation } from "./house/docs.js";
import { HOUSE_PREFIXES, houseEdge } from "./house/edge.js";
import { rootRoute } from "./house/root.js";
import { SESSIONHUB_VERSION } from "./version.js";
import { healthRoutes } from "./house/health.js";
import { isLoopback, loadTls } from "./http/tls.js";
import { Metrics } from "./http/metrics.js";
import { createLogger } from "./log/logger.js";
import { loadNodeId } from "./node-id.js";
import { openStore } from "./store/open.js";
import { adminUi } from "./ui.js";
import type { Store } from "./core/store.js";

export interface ServerOptions {
  /** A controllable clock for tests. */
  clock?: () => number;
  logger?: Logger;
  families?: Family[];
  /** Where the one-time admin token is printed (stdout by default). */
  announce?: (line: string) => void;
  /** false: listeners without the house hooks (the benchmark's comparison, see http/app.ts). */
  houseHooks?: boolean;
}

export interface Listening {
  name: string;
  url: string;
  /** The APIs served there, each with its URL. */
  apis: { name: string; url: string }[];
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


interface Listener {
  name: string;
  /** Each API on it and the prefix its routes are registered under. */
  mounts: { name: string; path: string }[];
  /** The config section of its settings: "" for the main listener's top-level `port`, `host`, `tls`. */
  section: string;
  app: App;
  host: string;
  port: number;
  table: ApiTable;
  tls: boolean;
}

/** A listener's setting by its dotted config path, with the environment variable and flag that set it. */
function setting(l: Listener, key: string): string {
  const path = l.section ? `${l.section}.${key}` : key;
  const sources = familyConfigSources();
  const env = Object.entries({ ...ENVIRONMENT, ...sources.environment }).find(([, p]) => p === path)?.[0];
  const flag = Object.entries({ ...FLAGS, ...sources.flagNames }).find(([, p]) => p === path)?.[0];
  return [path, env, flag && `--${flag}`].filter(Boolean).join(" / ");
}

function listenError(l: Listener, e: NodeJS.ErrnoException): Error {
  const why = e.code === "EADDRINUSE" ? "the address is in use" : e.code === "EACCES" ? "permission denied" : e.code === "EADDRNOTAVAIL" ? "no such local address" : e.message;
  const listener = l.name === "main" ? "the main listener" : `the ${l.name} listener`;
  return new Error(`cannot listen on ${l.host}:${l.port} for ${listener}: ${why}; change ${setting(l, "port")} (or ${setting(l, "host")})`);
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
      filterLimits: config.limits,
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

  const metrics = new Metrics(() => store.sessionCounts());
  const listenerOptions = { logger, bodyLimit: config.bodyLimitBytes, limits: config.limits, metrics, auth, houseHooks: options.houseHooks };
  const mainTable = new ApiTable(houseEdge);
  for (const prefix of HOUSE_PREFIXES) mainTable.add(prefix, houseEdge);
  const app = createApp({ ...listenerOptions, listener: "main", table: mainTable, tls: loadTls(config.tls, "tls") });
  const ctx: FamilyContext = { hub, auth, users, config, log: logger, startedAt: clock() };
  for (const family of families) for (const kind of family.serviceKinds ?? []) hub.services.registerKind(kind);

  await documentation(app);
  healthRoutes(app, store, metrics);
  if (config.ui.enabled) await adminUi(app);
  for (const family of families) await family.init?.(ctx);

  /** An API's routes under a prefix of a listener, and the listener's table told so. */
  const mount = async (l: Listener, name: string, prefix: string, api: FamilyApi) => {
    l.table.add(prefix, api.edge);
    l.mounts.push({ name, path: prefix });
    await l.app.register((scope) => api.routes(scope), { prefix });
  };
  const main: Listener = { name: "main", mounts: [], section: "", app, host: config.host, port: config.port, table: mainTable, tls: config.tls.key !== "" };
  const listeners: Listener[] = [main];
  rootRoute(app, { version: SESSIONHUB_VERSION, console: config.ui.enabled ? "/admin/" : null, apis: () => main.mounts });
  for (const family of families) {
    const companions = family.companions?.(ctx) ?? [];
    for (const c of companions) await mount(main, c.api.name ?? family.name, c.prefix, c.api);
    const api = family.api?.(ctx);
    if (!api) continue;
    if (family.claimsSharedRoot) mainTable.add("", api.edge);
    for (const prefix of family.sharedPrefixes?.(ctx) ?? []) await mount(main, family.name, prefix, api);
    const own = family.ownListener?.(ctx);
    if (!own) continue;
    const table = new ApiTable(api.edge);
    const familyApp = createApp({ ...listenerOptions, listener: family.name, table, tls: loadTls(own.tls, `${family.name}.tls`) });
    const listener: Listener = { name: family.name, mounts: [], section: own.section, app: familyApp, host: own.host, port: own.port, table, tls: own.tls.key !== "" };
    for (const prefix of own.prefixes) await mount(listener, family.name, prefix, api);
    for (const c of companions) await mount(listener, c.api.name ?? family.name, c.prefix, c.api);
    listeners.push(listener);
  }
  for (const l of listeners) {
    if (!l.tls && !isLoopback(l.host) && l.table.apis().some((api) => api.takesPasswords)) {
      logger.warn(
        { listener: l.name, host: l.host },
        `the ${l.name} listener on ${l.host} serves plain HTTP: passwords (HTTP Basic, login forms) travel in clear; ` +
          `configure ${setting(l, "tls")}.key and .cert`,
      );
    }
  }

  let started = false;
  let bootstrapToken: string | null = null;
  const stopListeners = async () => {
    // In-flight requests finish; connections still open after the grace period
    // (a stalled client, an event stream) are closed so shutdown cannot hang.
    const apps = listeners.map((l) => l.app);
    const force = setTimeout(() => apps.forEach((a) => a.server.closeAllConnections()), Math.min(config.shutdownGraceMs, 5000));
    await Promise.allSettled(apps.map((a) => a.close()));
    clearTimeout(force);
  };
  const server: Server = {
    config,
    nodeId,
    store,
    hub,
    auth,
    users,
    app,
    metrics,
    get bootstrapToken() {
      return bootstrapToken;
    },
    // Every listener is bound before the first user is made: a busy port must not cost
    // the one-time admin token.
    async start() {
      await hub.start();
      started = true;
      const urls: Listening[] = [];
      for (const l of listeners) {
        try {
          const url = await l.app.listen({ host: l.host, port: l.port });
          urls.push({ name: l.name, url, apis: l.mounts.map((m) => ({ name: m.name, url: url + m.path })) });
        } catch (e) {
          // Nothing stays open: the same process may try again, on another port.
          await server.stop();
          throw listenError(l, e as NodeJS.ErrnoException);
        }
      }
      const bootstrap = await users.bootstrap(config.adminToken || undefined);
      bootstrapToken = bootstrap.secret;
      if (bootstrap.secret) {
        (options.announce ?? ((line) => process.stdout.write(`${line}\n`)))(
          `sessionhub: created user "admin"; its API token, shown this once:\n\n    ${bootstrap.secret}\n`,
        );
      }
      return urls;
    },
    async stop() {
      await stopListeners();
      for (const family of families) await family.stop?.(ctx);
      if (started) await hub.stop();
      await store.close();
      lock.release();
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
    },
  };
  return server;
}

import { WindowLimiter } from "../../auth/limiter.js";
import type { Family } from "../family.js";
import { perServer } from "../per-server.js";
import type { Api } from "./api.js";
import { MAXSCALE_DEFAULTS, MAXSCALE_ENVIRONMENT, MAXSCALE_FLAGS, checkMaxscaleConfig, maxscaleConfig } from "./config.js";
import { maxscaleEdge } from "./edge.js";
import { LOG_FLAG_INDEXES } from "./log-flags.js";
import { NodeLoad } from "./node-load.js";
import { maxscaleApi } from "./plugin.js";
import { ReverseDns } from "./rdns.js";
import { SessionLog } from "./session-log.js";
import { SessionReader } from "./session-reader.js";

/** The session log's subscription goes with the server's event bus; the load meter is stopped with the family. */
const api = perServer((ctx): Api => {
  const config = maxscaleConfig(ctx.config);
  return {
    hub: ctx.hub,
    users: ctx.users,
    config,
    reader: new SessionReader(ctx.hub, config, new ReverseDns(config.dnsServers, ctx.hub.clock)),
    sessionLog: new SessionLog(ctx.hub, ctx.log),
    authFailures: new WindowLimiter(config.authFailuresPerMinute, 60_000, ctx.hub.clock),
    startedAt: ctx.startedAt,
    adminRoles: ctx.config.jwt.adminRoles,
    logLevel: () => ctx.log.level,
    load: new NodeLoad(),
  };
});

/**
 * MaxScale's REST API over the hub's sessions: `/v1/...` on the shared listener, and the
 * same with or without `/v1` on a listener of its own (maxctrl's default 8989).
 */
export const maxscaleFamily: Family = {
  name: "maxscale",
  defaults: { maxscale: MAXSCALE_DEFAULTS },
  environment: MAXSCALE_ENVIRONMENT,
  flags: MAXSCALE_FLAGS,
  migrations: [LOG_FLAG_INDEXES],
  // Checked here, before the server opens anything, so a bad setting stops it cleanly.
  enabled: ({ config }) => {
    const section = maxscaleConfig(config);
    if (section.enabled) checkMaxscaleConfig(section);
    return section.enabled;
  },
  init: async (ctx) => {
    await api(ctx).sessionLog.start();
    api(ctx).load.start();
  },
  stop: async (ctx) => {
    api(ctx).load.stop();
  },
  api: (ctx) => ({
    edge: maxscaleEdge(api(ctx).authFailures),
    routes: (scope) => maxscaleApi(scope, api(ctx)),
  }),
  sharedPrefixes: () => ["/v1"],
  ownListener: (ctx) => {
    const config = maxscaleConfig(ctx.config);
    if (config.port < 0) return null;
    return { section: "maxscale", host: config.host, port: config.port, tls: config.tls, prefixes: ["/v1", ""] };
  },
};

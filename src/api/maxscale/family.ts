import { WindowLimiter } from "../../auth/limiter.js";
import type { Family } from "../family.js";
import { perServer } from "../per-server.js";
import type { Api } from "./api.js";
import { MAXSCALE_DEFAULTS, MAXSCALE_ENVIRONMENT, MAXSCALE_FLAGS, checkMaxscaleConfig, maxscaleConfig } from "./config.js";
import { NodeLoad } from "./node-load.js";
import { maxscaleApi } from "./plugin.js";
import { ReverseDns } from "./rdns.js";
import { SessionLog } from "./session-log.js";
import { SessionReader } from "./session-reader.js";

const LOOPBACK = /^(127\.|::1$|localhost$|\[::1\]$)/;

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
  mount: async (app, ctx) => {
    await app.register((scope) => maxscaleApi(scope, api(ctx), ctx.auth), { prefix: "/v1" });
  },
  ownListener: (ctx) => {
    const config = maxscaleConfig(ctx.config);
    if (config.port < 0) return null;
    if (!LOOPBACK.test(config.host)) {
      ctx.log.warn({ host: config.host }, "the MaxScale API listens on plain HTTP beyond loopback: Basic passwords travel in clear");
    }
    return {
      host: config.host,
      port: config.port,
      register: async (app) => {
        await app.register((scope) => maxscaleApi(scope, api(ctx), ctx.auth), { prefix: "/v1" });
        await app.register((scope) => maxscaleApi(scope, api(ctx), ctx.auth));
      },
    };
  },
};

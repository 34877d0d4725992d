import { ConfigError } from "../../config.js";
import type { Family } from "../family.js";
import { GAME_DEFAULTS, GAME_ENVIRONMENT, GAME_FLAGS, gameConfig } from "./config.js";
import { gameEdge } from "./edge.js";
import { gameApi } from "./plugin.js";
import { GAME_KIND, GameService } from "./service.js";

/**
 * The game "Session Routes" family (AcceleratXR session_services): `/sessions…` on the
 * shared listener, serving one service of kind `game`.
 */
export const gameFamily: Family = {
  name: "game",
  defaults: { game: GAME_DEFAULTS },
  environment: GAME_ENVIRONMENT,
  flags: GAME_FLAGS,
  enabled: ({ config }) => gameConfig(config).enabled,
  serviceKinds: [GAME_KIND],
  init: async ({ config, hub, log }) => {
    const { maxUsersPerSession, inactiveTimeoutSeconds, serviceId } = gameConfig(config);
    if (!Number.isInteger(maxUsersPerSession) || maxUsersPerSession < 1) throw new ConfigError("game.maxUsersPerSession must be an integer ≥ 1");
    const service = await hub.services.ensure({
      id: serviceId,
      kind: GAME_KIND.kind,
      name: "Game sessions",
      defaultInactiveTimeoutSeconds: inactiveTimeoutSeconds,
    });
    if (service.kind !== GAME_KIND.kind) log.warn({ serviceId, kind: service.kind }, "the game API serves a service of another kind");
  },
  api: (ctx) => {
    const service = new GameService(ctx, gameConfig(ctx.config).serviceId);
    return { edge: gameEdge, routes: (scope) => gameApi(scope, ctx, service) };
  },
  sharedPrefixes: () => ["/sessions"],
  claimsSharedRoot: true,
};

import type { Config } from "../../config.js";

/** The game family's section of the config (`game.*`). */
export interface GameConfig {
  enabled: boolean;
  /** The service (game title) this mount serves; created with kind `game` on first start. */
  serviceId: string;
  /** Inactivity timeout (seconds) of that service when it is created; 0 = never. */
  inactiveTimeoutSeconds: number;
  /** Server-wide hard limit on the users of one session; capacity 0 means "up to this". */
  maxUsersPerSession: number;
}

declare module "../../config.js" {
  interface Config {
    /** Optional in the type because the core's defaults do not know it; loadConfig fills it from the family's. */
    game?: GameConfig;
  }
}

export const GAME_DEFAULTS: GameConfig = {
  enabled: true,
  serviceId: "game",
  inactiveTimeoutSeconds: 3600,
  maxUsersPerSession: 10_000,
};

export const GAME_ENVIRONMENT: Record<string, string> = {
  SESSIONHUB_GAME_ENABLED: "game.enabled",
  SESSIONHUB_GAME_SERVICE: "game.serviceId",
  SESSIONHUB_GAME_TIMEOUT_SECONDS: "game.inactiveTimeoutSeconds",
  SESSIONHUB_GAME_MAX_USERS_PER_SESSION: "game.maxUsersPerSession",
};

export const GAME_FLAGS: Record<string, string> = {
  "game-service": "game.serviceId",
  "game-max-users-per-session": "game.maxUsersPerSession",
};

/** The game section of a config, whole: a config built without the family's defaults gets them here. */
export const gameConfig = (config: Config): GameConfig => ({ ...GAME_DEFAULTS, ...config.game });

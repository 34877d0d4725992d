import { ConfigError, type Config } from "../../config.js";
import { NO_TLS, type TlsSettings } from "../../http/tls.js";

/** The `roundware` section of the config (contract §8). */
export interface RoundwareConfig {
  enabled: boolean;
  /** A listener of its own when set (Roundware clients expect 8888); null = the main listener only. */
  port: number | string | null;
  /** Host of its own listener; empty = the main listener's host. */
  host: string;
  /** Certificate and key of its own listener; empty: plain HTTP. */
  tls: TlsSettings;
  /** `*` or a list of origins that CORS answers. */
  corsOrigins: string[];
  /** false: R1 gives tokens to existing device users only. */
  allowDeviceRegistration: boolean;
  /** Per client address and minute; 0 = off. */
  rateLimits: { users: number; loginFailures: number };
}

declare module "../../config.js" {
  interface Config {
    /** Optional in the type because the core's defaults do not know it; loadConfig always fills it. */
    roundware?: RoundwareConfig;
  }
}

export const ROUNDWARE_DEFAULTS: RoundwareConfig = {
  enabled: true,
  port: null,
  host: "",
  tls: NO_TLS,
  corsOrigins: ["*"],
  allowDeviceRegistration: true,
  rateLimits: { users: 600, loginFailures: 20 },
};

export const ROUNDWARE_ENVIRONMENT: Record<string, string> = {
  SESSIONHUB_ROUNDWARE_ENABLED: "roundware.enabled",
  SESSIONHUB_ROUNDWARE_PORT: "roundware.port",
  SESSIONHUB_ROUNDWARE_HOST: "roundware.host",
  SESSIONHUB_ROUNDWARE_TLS_KEY: "roundware.tls.key",
  SESSIONHUB_ROUNDWARE_TLS_CERT: "roundware.tls.cert",
  SESSIONHUB_ROUNDWARE_CORS_ORIGINS: "roundware.corsOrigins",
  SESSIONHUB_ROUNDWARE_ALLOW_DEVICE_REGISTRATION: "roundware.allowDeviceRegistration",
  SESSIONHUB_ROUNDWARE_USERS_PER_MINUTE: "roundware.rateLimits.users",
  SESSIONHUB_ROUNDWARE_LOGIN_FAILURES_PER_MINUTE: "roundware.rateLimits.loginFailures",
};

export const ROUNDWARE_FLAGS: Record<string, string> = { "roundware-port": "roundware.port" };

/** The family's section, as loaded (the family's defaults are merged in by loadConfig). */
export const roundwareConfig = (config: Config): RoundwareConfig => config.roundware ?? ROUNDWARE_DEFAULTS;

/**
 * The port of the family's own listener, or null. An unset port has no type to convert
 * environment and flag text to, so the text is checked here.
 */
export function listenerPort(config: RoundwareConfig): number | null {
  const raw = config.port;
  if (raw === null || raw === undefined || raw === "") return null;
  const port = typeof raw === "number" ? raw : /^\d{1,5}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`roundware.port must be 0–65535, got ${String(raw)}`);
  return port;
}

import { ConfigError, type Config } from "../../config.js";
import { NO_TLS, type TlsSettings } from "../../http/tls.js";

/**
 * The `maxscale` section of the configuration, added to the server's config by
 * declaration merging so that the core config file knows nothing of this family.
 */
export interface MaxscaleConfig {
  enabled: boolean;
  /** Address of the family's own listener. */
  host: string;
  /** Port of the family's own listener (maxctrl expects 8989); 0 = any free port; -1 = no own listener. */
  port: number;
  /** Certificate and key of the own listener (maxctrl `--secure`); empty: plain HTTP. */
  tls: TlsSettings;
  /** Base of every link when set (behind a proxy); otherwise the request's Host. */
  publicUrl: string;
  /** Jobs shown per session as `queries`. */
  retainLastStatements: number;
  /** Log lines shown per session as `log`. */
  sessionLogLines: number;
  /** Origins allowed to call the API from a browser (`*`: any); any other `Origin` is refused. */
  corsOrigins: string[];
  /** Failed authentications per address within a minute before 429; 0 = no limit. */
  authFailuresPerMinute: number;
  /** DNS servers for `rdns=true`, as `address[:port]`; empty = the system's. */
  dnsServers: string[];
}

declare module "../../config.js" {
  interface Config {
    /** Optional in the type because the core's defaults do not know it; `maxscaleConfig` makes it whole. */
    maxscale?: MaxscaleConfig;
  }
}

export const MAXSCALE_DEFAULTS: MaxscaleConfig = {
  enabled: true,
  host: "127.0.0.1",
  port: 8989,
  tls: NO_TLS,
  publicUrl: "",
  retainLastStatements: 10,
  sessionLogLines: 100,
  corsOrigins: [],
  authFailuresPerMinute: 20,
  dnsServers: [],
};

export const MAXSCALE_ENVIRONMENT: Record<string, string> = {
  SESSIONHUB_MAXSCALE_ENABLED: "maxscale.enabled",
  SESSIONHUB_MAXSCALE_HOST: "maxscale.host",
  SESSIONHUB_MAXSCALE_PORT: "maxscale.port",
  SESSIONHUB_MAXSCALE_TLS_KEY: "maxscale.tls.key",
  SESSIONHUB_MAXSCALE_TLS_CERT: "maxscale.tls.cert",
  SESSIONHUB_MAXSCALE_PUBLIC_URL: "maxscale.publicUrl",
  SESSIONHUB_MAXSCALE_RETAIN_LAST_STATEMENTS: "maxscale.retainLastStatements",
  SESSIONHUB_MAXSCALE_SESSION_LOG_LINES: "maxscale.sessionLogLines",
  SESSIONHUB_MAXSCALE_CORS_ORIGINS: "maxscale.corsOrigins",
  SESSIONHUB_MAXSCALE_AUTH_FAILURES_PER_MINUTE: "maxscale.authFailuresPerMinute",
  SESSIONHUB_MAXSCALE_DNS_SERVERS: "maxscale.dnsServers",
};

export const MAXSCALE_FLAGS: Record<string, string> = { "maxscale-port": "maxscale.port" };

/** The section, whole: a config built without the family's defaults gets them here. */
export const maxscaleConfig = (config: Config): MaxscaleConfig => ({ ...MAXSCALE_DEFAULTS, ...config.maxscale });

const wholeAtLeast = (value: unknown, min: number) => Number.isInteger(value) && (value as number) >= min;

/** Refuses settings the family cannot run with, naming the setting. */
export function checkMaxscaleConfig(c: MaxscaleConfig): void {
  if (!wholeAtLeast(c.port, -1) || c.port > 65535) throw new ConfigError(`maxscale.port must be -1 (no listener), 0 (any free port) or 1–65535, got ${c.port}`);
  if (!wholeAtLeast(c.retainLastStatements, 0)) throw new ConfigError(`maxscale.retainLastStatements must be an integer ≥ 0, got ${c.retainLastStatements}`);
  if (!wholeAtLeast(c.sessionLogLines, 0)) throw new ConfigError(`maxscale.sessionLogLines must be an integer ≥ 0, got ${c.sessionLogLines}`);
  if (!wholeAtLeast(c.authFailuresPerMinute, 0)) throw new ConfigError(`maxscale.authFailuresPerMinute must be an integer ≥ 0, got ${c.authFailuresPerMinute}`);
  if (c.publicUrl !== "" && !/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/i.test(c.publicUrl)) {
    throw new ConfigError(`maxscale.publicUrl must be an http(s) URL without query or fragment, got ${c.publicUrl}`);
  }
}

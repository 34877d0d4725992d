/** A registered OAuth client of SAS Logon's token endpoint. */
export interface ClientConfig {
  id: string;
  /** Empty: the client authenticates with its id alone, as SAS's own CLI clients do. */
  secret: string;
  grants: ("password" | "refresh_token" | "client_credentials")[];
  /** The sessionhub user a `client_credentials` token acts as (default: a user named like the client). */
  user?: string;
}

/** The `sasLogon` section of the config. */
export interface SasLogonConfig {
  enabled: boolean;
  /** Lifetime of access tokens (UAA's default: 12 hours). */
  accessTokenSeconds: number;
  /** Lifetime of refresh tokens (UAA's default: 30 days). */
  refreshTokenSeconds: number;
  /** Failed password grants per user and minute before the user is locked out for the minute. */
  failuresPerMinute: number;
  /** Clients besides the built-in ones (`sas.cli`, `sas.ec`, `sas.tkmtrb`, `SASPy`). */
  clients: ClientConfig[];
}

declare module "../../config.js" {
  interface Config {
    sasLogon?: Partial<SasLogonConfig>;
  }
}

export const SAS_LOGON_DEFAULTS: SasLogonConfig = {
  enabled: true,
  accessTokenSeconds: 43_200,
  refreshTokenSeconds: 2_592_000,
  failuresPerMinute: 10,
  clients: [],
};

export const SAS_LOGON_ENVIRONMENT: Record<string, string> = {
  SESSIONHUB_SAS_LOGON_ENABLED: "sasLogon.enabled",
  SESSIONHUB_SAS_LOGON_ACCESS_TOKEN_SECONDS: "sasLogon.accessTokenSeconds",
  SESSIONHUB_SAS_LOGON_REFRESH_TOKEN_SECONDS: "sasLogon.refreshTokenSeconds",
};

/**
 * SAS's own clients, which authenticate with an empty secret: the CLI and Environment
 * Manager (`sas.cli`, `sas.ec`), saspy's password login (`sas.tkmtrb`) and its token
 * refresh (`SASPy`).
 */
const BUILT_IN: ClientConfig[] = [
  { id: "sas.cli", secret: "", grants: ["password", "refresh_token"] },
  { id: "sas.ec", secret: "", grants: ["password", "refresh_token"] },
  { id: "sas.tkmtrb", secret: "", grants: ["password", "refresh_token"] },
  { id: "SASPy", secret: "", grants: ["password", "refresh_token"] },
];

export function sasLogonConfig(config: { sasLogon?: Partial<SasLogonConfig> }): SasLogonConfig {
  const given = config.sasLogon ?? {};
  return { ...SAS_LOGON_DEFAULTS, ...given, clients: [...BUILT_IN, ...(given.clients ?? [])] };
}

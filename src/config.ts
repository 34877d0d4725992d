import { readFileSync } from "node:fs";
import type { JwtConfig } from "./auth/jwt.js";
import { NO_TLS, type TlsSettings } from "./http/tls.js";

/**
 * One config object, from defaults < config file < environment (SESSIONHUB_*) <
 * command-line flags. Every setting has one name, a dotted path, used by all four.
 */
export interface Config {
  host: string;
  port: number;
  /** The main listener's certificate and key (PEM files); empty: plain HTTP. */
  tls: TlsSettings;
  dataDir: string;
  /** postgres://… selects PostgreSQL; empty means the embedded SQLite file in dataDir. */
  databaseUrl: string;
  /** Used as the admin token on first start (automation); never printed. */
  adminToken: string;
  logLevel: string;
  bodyLimitBytes: number;
  /** What one request may carry, enforced at the edge of every API and again by the core. */
  limits: Limits;
  /** Origins allowed by CORS on the native API; empty = CORS off. */
  corsOrigins: string[];
  /** Public base URL used in links where a family needs one. */
  publicUrl: string;
  shutdownGraceMs: number;
  jwt: JwtConfig;
  sqlite: { synchronous: "NORMAL" | "FULL" };
  sessions: {
    defaultInactiveTimeoutSeconds: number;
    maxMembersPerSession: number;
    closedStatuses: string[];
    passwordAttemptsPerMinute: number;
    idempotencyTtlSeconds: number;
  };
  reaper: { intervalMs: number; retentionSeconds: number; eventRetentionSeconds: number; activityFlushMs: number };
  native: { enabled: boolean };
  ui: { enabled: boolean };
}

export interface Limits {
  /** Nesting of any JSON a client sends or the core stores (objects and arrays). */
  jsonDepth: number;
  /** The request target, path and query together. */
  urlBytes: number;
  /** One segment of the path, between slashes. */
  pathSegmentBytes: number;
  /** The request line and headers together. */
  headerBytes: number;
  /** Body bytes read and thrown away after an early answer (413, 401), before the connection closes. */
  drainBytes: number;
  /** Conditions in one filter, after each API's syntax is parsed into the core's query model. */
  filterTerms: number;
  /** Nesting of and/or/not in one filter. */
  filterDepth: number;
  /** Values in one `in` list. */
  filterValues: number;
}

export const DEFAULTS: Config = {
  host: "127.0.0.1",
  port: 8080,
  tls: NO_TLS,
  dataDir: "./data",
  databaseUrl: "",
  adminToken: "",
  logLevel: "info",
  bodyLimitBytes: 1024 * 1024,
  limits: {
    jsonDepth: 32,
    urlBytes: 8192,
    pathSegmentBytes: 512,
    headerBytes: 16 * 1024,
    drainBytes: 8 * 1024 * 1024,
    filterTerms: 64,
    filterDepth: 8,
    filterValues: 256,
  },
  corsOrigins: [],
  publicUrl: "",
  shutdownGraceMs: 10_000,
  jwt: { algorithms: ["HS256"], clockToleranceSeconds: 30, adminRoles: ["admin"] },
  sqlite: { synchronous: "NORMAL" },
  sessions: {
    defaultInactiveTimeoutSeconds: 1800,
    maxMembersPerSession: 10_000,
    closedStatuses: ["closed", "locked", "ended", "completed"],
    passwordAttemptsPerMinute: 10,
    idempotencyTtlSeconds: 24 * 3600,
  },
  reaper: { intervalMs: 5000, retentionSeconds: 24 * 3600, eventRetentionSeconds: 3600, activityFlushMs: 1000 },
  native: { enabled: true },
  ui: { enabled: true },
};

/** Environment variables and flags, each mapped to its config path. */
export const ENVIRONMENT: Record<string, string> = {
  SESSIONHUB_HOST: "host",
  SESSIONHUB_PORT: "port",
  SESSIONHUB_TLS_KEY: "tls.key",
  SESSIONHUB_TLS_CERT: "tls.cert",
  SESSIONHUB_DATA_DIR: "dataDir",
  SESSIONHUB_DATABASE_URL: "databaseUrl",
  SESSIONHUB_ADMIN_TOKEN: "adminToken",
  SESSIONHUB_LOG_LEVEL: "logLevel",
  SESSIONHUB_CORS_ORIGINS: "corsOrigins",
  SESSIONHUB_PUBLIC_URL: "publicUrl",
  SESSIONHUB_JWT_SECRET: "jwt.secret",
  SESSIONHUB_JWT_PUBLIC_KEY: "jwt.publicKey",
  SESSIONHUB_JWT_JWKS_URL: "jwt.jwksUrl",
  SESSIONHUB_JWT_ALGORITHMS: "jwt.algorithms",
  SESSIONHUB_JWT_AUDIENCE: "jwt.audience",
  SESSIONHUB_JWT_ISSUER: "jwt.issuer",
  SESSIONHUB_SQLITE_SYNCHRONOUS: "sqlite.synchronous",
  SESSIONHUB_REAPER_INTERVAL_MS: "reaper.intervalMs",
  SESSIONHUB_RETENTION_SECONDS: "reaper.retentionSeconds",
  SESSIONHUB_DEFAULT_TIMEOUT_SECONDS: "sessions.defaultInactiveTimeoutSeconds",
  SESSIONHUB_BODY_LIMIT_BYTES: "bodyLimitBytes",
  SESSIONHUB_LIMIT_JSON_DEPTH: "limits.jsonDepth",
  SESSIONHUB_LIMIT_URL_BYTES: "limits.urlBytes",
  SESSIONHUB_LIMIT_PATH_SEGMENT_BYTES: "limits.pathSegmentBytes",
  SESSIONHUB_LIMIT_HEADER_BYTES: "limits.headerBytes",
  SESSIONHUB_LIMIT_DRAIN_BYTES: "limits.drainBytes",
  SESSIONHUB_LIMIT_FILTER_TERMS: "limits.filterTerms",
  SESSIONHUB_LIMIT_FILTER_DEPTH: "limits.filterDepth",
  SESSIONHUB_LIMIT_FILTER_VALUES: "limits.filterValues",
};

export const FLAGS: Record<string, string> = {
  host: "host",
  port: "port",
  "tls-key": "tls.key",
  "tls-cert": "tls.cert",
  "data-dir": "dataDir",
  "database-url": "databaseUrl",
  "log-level": "logLevel",
  "reaper-interval-ms": "reaper.intervalMs",
};

type Tree = Record<string, unknown>;

function isTree(v: unknown): v is Tree {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function merge(base: Tree, over: Tree): Tree {
  const out: Tree = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isTree(v) && isTree(base[k]) ? merge(base[k] as Tree, v) : v;
  return out;
}

function lookup(tree: Tree, path: string): unknown {
  return path.split(".").reduce<unknown>((node, key) => (isTree(node) ? node[key] : undefined), tree);
}

/** A string from the environment or a flag, converted to the type of the setting it sets. */
function convert(path: string, raw: string, like: unknown): unknown {
  if (typeof like === "number") {
    const n = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(n)) throw new Error(`${path} must be a number, got "${raw}"`);
    return n;
  }
  if (typeof like === "boolean") {
    if (!/^(true|false|1|0|yes|no|on|off)$/i.test(raw)) throw new Error(`${path} must be true or false, got "${raw}"`);
    return /^(true|1|yes|on)$/i.test(raw);
  }
  if (Array.isArray(like)) return raw.split(",").map((s) => s.trim()).filter(Boolean);
  return raw;
}

function setPath(tree: Tree, path: string, value: unknown): Tree {
  const [head, ...rest] = path.split(".");
  if (!head) return tree;
  return { ...tree, [head]: rest.length === 0 ? value : setPath(isTree(tree[head]) ? (tree[head] as Tree) : {}, rest.join("."), value) };
}

export interface ConfigSources {
  file?: string;
  env?: NodeJS.ProcessEnv;
  flags?: Record<string, string>;
  /** Extra environment and flag names that families add. */
  environment?: Record<string, string>;
  flagNames?: Record<string, string>;
  defaults?: Tree;
}

export function loadConfig(sources: ConfigSources = {}): Config {
  let tree: Tree = merge(DEFAULTS as unknown as Tree, sources.defaults ?? {});
  const env = sources.env ?? {};
  const file = sources.flags?.config ?? env.SESSIONHUB_CONFIG ?? sources.file;
  if (file) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, "utf8"));
    } catch (e) {
      throw new Error(`cannot read config file ${file}: ${(e as Error).message}`);
    }
    if (!isTree(parsed)) throw new Error(`config file ${file} must hold a JSON object`);
    tree = merge(tree, parsed);
  }
  const environment = { ...ENVIRONMENT, ...sources.environment };
  for (const [name, path] of Object.entries(environment)) {
    const raw = env[name];
    if (raw !== undefined && raw !== "") tree = setPath(tree, path, convert(path, raw, lookup(tree, path)));
  }
  const flagNames = { ...FLAGS, ...sources.flagNames };
  for (const [flag, raw] of Object.entries(sources.flags ?? {})) {
    const path = flagNames[flag];
    if (path) tree = setPath(tree, path, convert(path, raw, lookup(tree, path)));
  }
  const config = tree as unknown as Config;
  if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535) throw new Error(`port must be 0–65535, got ${config.port}`);
  return config;
}

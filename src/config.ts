import { readFileSync } from "node:fs";
import type { JwtConfig } from "./auth/jwt.js";
import { NO_TLS, type TlsSettings } from "./http/tls.js";
import { nearest } from "./nearest.js";

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
  /** `pretty` lines for people, `json` for machines; `auto`: pretty on a terminal, JSON otherwise. */
  logFormat: "auto" | "json" | "pretty";
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
  /** Connections each node keeps to PostgreSQL (the pool's maximum). */
  postgres: { poolSize: number };
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
  /** Bytes an event stream may owe a reader that does not read; past them the stream is cut. */
  sseBacklogBytes: number;
}

export const DEFAULTS: Config = {
  host: "127.0.0.1",
  port: 8080,
  tls: NO_TLS,
  dataDir: "./data",
  databaseUrl: "",
  adminToken: "",
  logLevel: "info",
  logFormat: "auto",
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
    sseBacklogBytes: 1024 * 1024,
  },
  corsOrigins: [],
  publicUrl: "",
  shutdownGraceMs: 10_000,
  jwt: { algorithms: ["HS256"], clockToleranceSeconds: 30, adminRoles: ["admin"] },
  sqlite: { synchronous: "NORMAL" },
  postgres: { poolSize: 10 },
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
  SESSIONHUB_LOG_FORMAT: "logFormat",
  SESSIONHUB_CORS_ORIGINS: "corsOrigins",
  SESSIONHUB_PUBLIC_URL: "publicUrl",
  SESSIONHUB_JWT_SECRET: "jwt.secret",
  SESSIONHUB_JWT_PUBLIC_KEY: "jwt.publicKey",
  SESSIONHUB_JWT_JWKS_URL: "jwt.jwksUrl",
  SESSIONHUB_JWT_ALGORITHMS: "jwt.algorithms",
  SESSIONHUB_JWT_AUDIENCE: "jwt.audience",
  SESSIONHUB_JWT_ISSUER: "jwt.issuer",
  SESSIONHUB_SQLITE_SYNCHRONOUS: "sqlite.synchronous",
  SESSIONHUB_POSTGRES_POOL_SIZE: "postgres.poolSize",
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
  SESSIONHUB_LIMIT_SSE_BACKLOG_BYTES: "limits.sseBacklogBytes",
};

export const FLAGS: Record<string, string> = {
  host: "host",
  port: "port",
  "tls-key": "tls.key",
  "tls-cert": "tls.cert",
  "data-dir": "dataDir",
  "database-url": "databaseUrl",
  "log-level": "logLevel",
  "log-format": "logFormat",
  "reaper-interval-ms": "reaper.intervalMs",
};

/** Environment variables sessionhub reads outside the server's config: the CLI's and the config file's. */
export const OTHER_ENVIRONMENT = ["SESSIONHUB_CONFIG", "SESSIONHUB_URL", "SESSIONHUB_TOKEN"];

/** Settings that take one of a few words; the first spelling listed is the one kept. */
const CHOICES: Record<string, string[]> = {
  logLevel: ["fatal", "error", "warn", "info", "debug", "trace", "silent"],
  logFormat: ["auto", "json", "pretty"],
  "sqlite.synchronous": ["NORMAL", "FULL"],
};

/** A setting that cannot be used, named in the message; `sessionhub serve` exits 2 with it. */
export class ConfigError extends Error {}

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

function kindOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (isTree(v)) return "an object";
  return typeof v === "number" ? "a number" : typeof v === "boolean" ? "true or false" : "a string";
}

/** The spelling kept for a setting that takes one of a few words. */
function choose(path: string, value: unknown): unknown {
  const choices = CHOICES[path];
  if (!choices) return value;
  const choice = choices.find((c) => typeof value === "string" && c.toLowerCase() === value.toLowerCase());
  if (!choice) throw new ConfigError(`${path} must be ${choices.join(", ")}; got ${JSON.stringify(value)}`);
  return choice;
}

/** A string from the environment or a flag, converted to the type of the setting it sets. */
function convert(path: string, raw: string, like: unknown): unknown {
  if (CHOICES[path]) return choose(path, raw);
  if (typeof like === "number") {
    const n = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(n)) throw new ConfigError(`${path} must be a number, got "${raw}"`);
    return n;
  }
  if (typeof like === "boolean") {
    if (!/^(true|false|1|0|yes|no|on|off)$/i.test(raw)) throw new ConfigError(`${path} must be true or false, got "${raw}"`);
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

const didYouMean = (word: string, candidates: Iterable<string>) => {
  const near = nearest(word, candidates);
  return near ? ` (did you mean ${near}?)` : "";
};

/**
 * Refuses what a config file sets that sessionhub does not know, or sets to the wrong
 * type: a misspelt key would otherwise be ignored without a word. `known` holds the
 * paths the environment and flags can set (some settings have no default).
 */
function checkFile(file: string, given: Tree, defaults: Tree, known: Set<string>, prefix = ""): void {
  for (const [key, value] of Object.entries(given)) {
    const path = prefix + key;
    const like = defaults[key];
    if (isTree(like) && isTree(value)) checkFile(file, value, like, known, `${path}.`);
    else if (like !== undefined && like !== null && kindOf(like) !== kindOf(value)) {
      throw new ConfigError(`config file ${file}: ${path} must be ${kindOf(like)}, got ${JSON.stringify(value)}`);
    } else if (like === undefined && !known.has(path)) {
      if (isTree(value) && [...known].some((k) => k.startsWith(`${path}.`))) checkFile(file, value, {}, known, `${path}.`);
      else throw new ConfigError(`config file ${file}: unknown setting ${path}${didYouMean(path, settingPaths(defaults, known, prefix))}`);
    }
  }
}

/** Every setting path under a prefix, for suggestions. */
function settingPaths(defaults: Tree, known: Set<string>, prefix: string): string[] {
  return [...Object.keys(defaults).map((k) => prefix + k), ...known];
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

/** Throws a ConfigError naming the setting (and where it came from) when one cannot be used. */
export function loadConfig(sources: ConfigSources = {}): Config {
  let tree: Tree = merge(DEFAULTS as unknown as Tree, sources.defaults ?? {});
  const env = sources.env ?? {};
  const environment = { ...ENVIRONMENT, ...sources.environment };
  const flagNames = { ...FLAGS, ...sources.flagNames };
  const known = new Set([...Object.values(environment), ...Object.values(flagNames)]);
  const file = sources.flags?.config ?? env.SESSIONHUB_CONFIG ?? sources.file;
  if (file) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, "utf8"));
    } catch (e) {
      throw new ConfigError(`cannot read config file ${file}: ${(e as Error).message}`);
    }
    if (!isTree(parsed)) throw new ConfigError(`config file ${file} must hold a JSON object`);
    checkFile(file, parsed, tree, known);
    tree = merge(tree, parsed);
  }
  for (const name of Object.keys(env)) {
    if (name.startsWith("SESSIONHUB_") && !(name in environment) && !OTHER_ENVIRONMENT.includes(name)) {
      throw new ConfigError(`unknown environment variable ${name}${didYouMean(name, [...Object.keys(environment), ...OTHER_ENVIRONMENT])}`);
    }
  }
  for (const [name, path] of Object.entries(environment)) {
    const raw = env[name];
    if (raw === undefined || raw === "") continue;
    tree = setPath(tree, path, named(name, () => convert(path, raw, lookup(tree, path))));
  }
  for (const [flag, raw] of Object.entries(sources.flags ?? {})) {
    if (flag === "config") continue;
    const path = flagNames[flag];
    if (!path) throw new ConfigError(`unknown flag --${flag}${didYouMean(`--${flag}`, Object.keys(flagNames).map((f) => `--${f}`))}`);
    tree = setPath(tree, path, named(`--${flag}`, () => convert(path, raw, lookup(tree, path))));
  }
  for (const path of Object.keys(CHOICES)) tree = setPath(tree, path, choose(path, lookup(tree, path)));
  const config = tree as unknown as Config;
  if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535) throw new ConfigError(`port must be 0–65535, got ${config.port}`);
  const { poolSize } = config.postgres;
  if (!Number.isInteger(poolSize) || poolSize < 1) throw new ConfigError(`postgres.poolSize must be a whole number of 1 or more, got ${poolSize}`);
  return config;
}

/** Prefixes a conversion's error with where the text came from (an environment variable or a flag). */
function named<T>(source: string, convert: () => T): T {
  try {
    return convert();
  } catch (e) {
    throw new ConfigError(`${source}: ${(e as Error).message}`);
  }
}

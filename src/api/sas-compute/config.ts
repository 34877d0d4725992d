import type { JsonObject, Service } from "../../core/types.js";
import { MAX_TIMEOUT_SECONDS } from "../../core/bounds.js";
import { DEFAULT_LIMITS, LIMIT_MAXIMUMS, type Limits } from "../../compute/types.js";
import { NO_TLS, type TlsSettings } from "../../http/tls.js";

/** The `sasCompute` section of the config (contract §2, §9.4). */
export interface SasComputeConfig {
  enabled: boolean;
  /** 0: served on the shared listener; else a listener of its own on this port. */
  port: number;
  host: string;
  /** Certificate and key of its own listener; empty: plain HTTP. */
  tls: TlsSettings;
  limits: Limits;
}

declare module "../../config.js" {
  interface Config {
    /** Optional in the type: the defaults come from this family, merged in by `sasConfig`. */
    sasCompute?: Partial<SasComputeConfig>;
  }
}

export const SAS_DEFAULTS: SasComputeConfig = { enabled: true, port: 0, host: "127.0.0.1", tls: NO_TLS, limits: { ...DEFAULT_LIMITS } };

/** The section as configured, every missing member filled from the defaults. */
export function sasConfig(config: { sasCompute?: Partial<SasComputeConfig> }): SasComputeConfig {
  const given = config.sasCompute ?? {};
  return { ...SAS_DEFAULTS, ...given, limits: { ...DEFAULT_LIMITS, ...given.limits } };
}

export const SAS_ENVIRONMENT: Record<string, string> = {
  SESSIONHUB_SAS_COMPUTE_ENABLED: "sasCompute.enabled",
  SESSIONHUB_SAS_COMPUTE_PORT: "sasCompute.port",
  SESSIONHUB_SAS_COMPUTE_HOST: "sasCompute.host",
  SESSIONHUB_SAS_COMPUTE_TLS_KEY: "sasCompute.tls.key",
  SESSIONHUB_SAS_COMPUTE_TLS_CERT: "sasCompute.tls.cert",
  SESSIONHUB_SAS_JOB_SECONDS: "sasCompute.limits.jobSeconds",
  SESSIONHUB_SAS_MEMORY_MB: "sasCompute.limits.memoryMb",
  SESSIONHUB_SAS_CANCEL_GRACE_MS: "sasCompute.limits.cancelGraceMs",
  SESSIONHUB_SAS_WORK_AREA_BYTES: "sasCompute.limits.workAreaBytes",
  SESSIONHUB_SAS_SESSIONS_PER_USER: "sasCompute.limits.sessionsPerUser",
  SESSIONHUB_SAS_SESSIONS_TOTAL: "sasCompute.limits.sessionsTotal",
  SESSIONHUB_SAS_CREATE_WAIT_SECONDS: "sasCompute.limits.createWaitSeconds",
  SESSIONHUB_SAS_MAX_WAIT_SECONDS: "sasCompute.limits.maxWaitSeconds",
};

export const SAS_FLAGS: Record<string, string> = {
  "sas-compute-port": "sasCompute.port",
  "sas-job-seconds": "sasCompute.limits.jobSeconds",
};

export type ExecutorName = "none" | "sas" | "script" | "quickjs";
const EXECUTOR_NAMES: readonly string[] = ["none", "sas", "script", "quickjs"];

/** A context's settings (a `sas-compute` service), read leniently: the validator guards writes. */
export interface ContextSettings {
  executor: ExecutorName;
  sessionInactiveTimeout: number | null;
  options: string[];
  autoExecLines: string[];
  limits: Partial<Limits>;
}

/** The strings of an array (anything else: none). */
export const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

export function contextSettings(service: Service): ContextSettings {
  const s = service.settings;
  const executor = EXECUTOR_NAMES.includes(s.executor as string) ? (s.executor as ExecutorName) : "none";
  const timeout = typeof s.sessionInactiveTimeout === "number" ? s.sessionInactiveTimeout : null;
  const limits = (typeof s.limits === "object" && s.limits !== null && !Array.isArray(s.limits) ? s.limits : {}) as Partial<Limits>;
  return { executor, sessionInactiveTimeout: timeout, options: strings(s.options), autoExecLines: strings(s.autoExecLines), limits };
}

/** Whether a value is one `key` may be set to (see LIMIT_MAXIMUMS). */
const isLimit = (key: keyof Limits, value: unknown): value is number =>
  typeof value === "number" && Number.isFinite(value) && value >= 0 && value <= LIMIT_MAXIMUMS[key];

/** The limits in force for a context: the configured ones with the context's overrides (out-of-range ones stored earlier are ignored). */
export function limitsOf(global: Limits, settings: ContextSettings): Limits {
  const out: Limits = { ...global };
  for (const [key, value] of Object.entries(settings.limits)) {
    if (key in out && isLimit(key as keyof Limits, value)) out[key as keyof Limits] = value;
  }
  return out;
}

/** Field errors of a context's settings (the service kind's validator). */
export function validateSettings(settings: JsonObject): { pointer: string; detail: string }[] {
  const errors: { pointer: string; detail: string }[] = [];
  const { executor, sessionInactiveTimeout, options, autoExecLines, limits } = settings;
  if (executor !== undefined && !EXECUTOR_NAMES.includes(executor as string)) {
    errors.push({ pointer: "/settings/executor", detail: "none, sas, script or quickjs" });
  }
  const timeout = sessionInactiveTimeout as number;
  if (sessionInactiveTimeout !== undefined && !(Number.isInteger(timeout) && timeout >= 0 && timeout <= MAX_TIMEOUT_SECONDS)) {
    errors.push({ pointer: "/settings/sessionInactiveTimeout", detail: `an integer from 0 to ${MAX_TIMEOUT_SECONDS}` });
  }
  for (const [name, value] of [["options", options], ["autoExecLines", autoExecLines]] as const) {
    if (value !== undefined && !(Array.isArray(value) && value.length <= 100 && value.every((x) => typeof x === "string" && x.length <= 1024))) {
      errors.push({ pointer: `/settings/${name}`, detail: "at most 100 strings of at most 1024 characters" });
    }
  }
  if (limits !== undefined) {
    if (typeof limits !== "object" || limits === null || Array.isArray(limits)) errors.push({ pointer: "/settings/limits", detail: "an object" });
    else {
      for (const [key, value] of Object.entries(limits)) {
        if (!(key in DEFAULT_LIMITS)) errors.push({ pointer: `/settings/limits/${key}`, detail: "not a known limit" });
        else if (!isLimit(key as keyof Limits, value)) {
          errors.push({ pointer: `/settings/limits/${key}`, detail: `a number from 0 to ${LIMIT_MAXIMUMS[key as keyof Limits]}` });
        }
      }
    }
  }
  return errors;
}

import type { Hub } from "../../core/hub.js";
import type { Condition } from "../../core/query.js";
import type { JsonObject, Service, Session } from "../../core/types.js";
import { quickJsExecutor } from "../../compute/quickjs/executor.js";
import { type ComputeProfile, Runner } from "../../compute/runner.js";
import { sasExecutor } from "../../compute/sas/executor.js";
import { scriptExecutor } from "../../compute/script/executor.js";
import { SessionData } from "../../compute/session-data.js";
import type { Executor, Limits } from "../../compute/types.js";
import { type SasComputeConfig, contextSettings, limitsOf, strings } from "./config.js";
import { sasId } from "./ids.js";

export const KIND = "sas-compute";
/** The sessions of every compute context, however many contexts there are. */
export const COMPUTE_SESSIONS: Condition = { field: "serviceKind", op: "eq", value: KIND };
/** Key of this family's data in a session's attributes (contract §8). */
export const ATTRIBUTE_KEY = "sas";

const EXECUTORS: Record<string, Executor> = { sas: sasExecutor, script: scriptExecutor, quickjs: quickJsExecutor };

/** What this family keeps in a session's `attributes.sas`. */
export interface SasAttributes {
  attributes: JsonObject;
  environment: { options: string[]; autoExecLines: string[] };
  executor: string;
}

export function sasAttributes(s: Session): SasAttributes {
  const own = (s.attributes[ATTRIBUTE_KEY] ?? {}) as JsonObject;
  const env = (own.environment ?? {}) as JsonObject;
  return {
    attributes: (own.attributes ?? {}) as JsonObject,
    environment: { options: strings(env.options), autoExecLines: strings(env.autoExecLines) },
    executor: typeof own.executor === "string" ? own.executor : "none",
  };
}

/**
 * One server's SAS compute: its contexts (services of kind `sas-compute`), the limits in
 * force for each, the data of its sessions and the job runner of this node.
 */
export class SasCompute {
  readonly runner: Runner;

  constructor(
    readonly hub: Hub,
    readonly config: SasComputeConfig,
    onError: (e: unknown) => void,
  ) {
    this.runner = new Runner(
      hub,
      {
        serviceIds: async () => (await this.contexts()).map((c) => c.id),
        profile: (s) => this.profile(s),
        data: (id, limits) => this.data(id, limits),
      },
      ATTRIBUTE_KEY,
      onError,
    );
  }

  async contexts(): Promise<readonly Service[]> {
    return this.hub.services.ofKind(KIND);
  }

  async context(id: string): Promise<Service | null> {
    const s = await this.hub.services.get(id);
    return s && s.kind === KIND ? s : null;
  }

  limits(context: Service | null): Limits {
    return context ? limitsOf(this.config.limits, contextSettings(context)) : this.config.limits;
  }

  async limitsOfSession(s: Session): Promise<Limits> {
    return this.limits(await this.context(s.serviceId));
  }

  data(sessionId: string, limits: Limits): SessionData {
    return new SessionData(this.hub.records(ATTRIBUTE_KEY), sessionId, () => limits, this.hub.clock);
  }

  async profile(s: Session): Promise<ComputeProfile | null> {
    const context = await this.context(s.serviceId);
    if (!context) return null;
    const settings = contextSettings(context);
    const own = sasAttributes(s);
    return {
      executor: EXECUTORS[settings.executor] ?? null,
      executorName: settings.executor,
      limits: this.limits(context),
      options: [...settings.options, ...own.environment.options],
      startupCode: [...settings.autoExecLines, ...own.environment.autoExecLines],
      label: sasId(s),
      automatic: { SYSJOBID: String(s.number), SYS_COMPUTE_SESSION_ID: sasId(s), SYSUSERID: s.owner ?? "" },
    };
  }
}

import { DEFAULTS } from "../../src/config.js";
import type { HubOptions } from "../../src/core/hub.js";

/** The options of a hub built directly over a store in a core test, with what the test sets. */
export function hubOptions(nodeId: string, over: Partial<HubOptions> = {}): HubOptions {
  return {
    nodeId,
    clock: Date.now,
    filterLimits: DEFAULTS.limits,
    maxMembersPerSession: 100,
    closedStatuses: ["closed"],
    idempotencyTtlMs: 60_000,
    passwordAttemptsPerMinute: 10,
    jsonDepth: 32,
    defaultInactiveTimeoutSeconds: 0,
    activityFlushMs: 1000,
    reaper: { intervalMs: 60_000, retentionSeconds: 60, eventRetentionSeconds: 60 },
    ...over,
  };
}

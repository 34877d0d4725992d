import type { Service, SessionState } from "../../core/types.js";
import type { Links } from "./links.js";
import type { Resource } from "./resource.js";
import { httpDate } from "./time-format.js";

/** Sessions of one service by state, as the store counts them. */
export type StateCounts = Partial<Record<SessionState, number>>;

export interface ServiceRendering {
  links: Links;
  /** When this node started: a service is "started" no earlier. */
  startedAt: number;
  /** Service kinds whose family runs on this node. */
  activeKinds: ReadonlySet<string>;
}

/**
 * A service as MaxScale shows one (contract §3.5). `connections` counts live sessions;
 * `total_connections` every stored session (live, and ended within retention) — an
 * approximation of MaxScale's counter since start, which the hub does not keep.
 */
export function renderService(s: Service, counts: StateCounts, r: ServiceRendering): Resource {
  const live = (counts.pending ?? 0) + (counts.idle ?? 0) + (counts.running ?? 0);
  const total = live + (counts.ended ?? 0);
  const running = counts.running ?? 0;
  return {
    id: s.id,
    type: "services",
    relationships: {},
    attributes: {
      router: s.kind,
      state: r.activeKinds.has(s.kind) ? "Started" : "Stopped",
      started: httpDate(Math.max(s.createdAt, r.startedAt)),
      connections: live,
      total_connections: total,
      statistics: { connections: live, total_connections: total, active_operations: running },
      parameters: s.settings,
      // No MaxScale listener points to a service here (`list listeners <service>` reads this).
      listeners: [],
    },
    links: { self: r.links.service(s.id) },
  };
}

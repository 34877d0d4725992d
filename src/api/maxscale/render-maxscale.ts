import os from "node:os";
import type { Links } from "./links.js";
import type { Resource } from "./resource.js";
import { httpDate } from "./time-format.js";
import { SESSIONHUB_VERSION } from "../../version.js";

export interface MaxscaleRendering {
  links: Links;
  now: number;
  /** When this node started (epoch ms); it is active from then on, never passive. */
  startedAt: number;
  retainLastStatements: number;
}

/** The machine, system and process this node runs on, in the shape of MaxScale's `system`. */
function system() {
  const cores = os.cpus().length;
  return {
    machine: {
      cores_available: os.availableParallelism(),
      cores_physical: cores,
      cores_virtual: cores,
      memory_available: os.freemem(),
      memory_physical: os.totalmem(),
    },
    maxscale: { query_classifier_cache_size: 0, threads: 1 },
    os: { machine: os.machine(), nodename: os.hostname(), release: os.release(), sysname: os.type(), version: os.version() },
  };
}

/** The node as MaxScale's `maxscale` resource. No configuration cluster: `config_sync` is null. */
export function renderMaxscale(r: MaxscaleRendering): Resource {
  return {
    attributes: {
      activated_at: httpDate(r.startedAt),
      config_sync: null,
      parameters: { retain_last_statements: r.retainLastStatements },
      started_at: httpDate(r.startedAt),
      system: system(),
      uptime: Math.max(0, Math.floor((r.now - r.startedAt) / 1000)),
      version: SESSIONHUB_VERSION,
    },
    id: "maxscale",
    links: { self: r.links.maxscale() },
    type: "maxscale",
  };
}

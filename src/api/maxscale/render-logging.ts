import { levels } from "pino";
import type { Links } from "./links.js";
import type { Resource } from "./resource.js";

/** MaxScale's priorities, most severe first, with the pino level each needs to be written. */
const PRIORITIES: [string, number][] = [
  ["alert", levels.values.fatal!],
  ["error", levels.values.error!],
  ["warning", levels.values.warn!],
  ["notice", levels.values.info!],
  ["info", levels.values.info!],
  ["debug", levels.values.debug!],
];

/**
 * This node's logging as MaxScale's `logs` resource: the priorities its level lets
 * through (pino has no notice level: notices are written at info), to its own log on
 * standard output, with millisecond timestamps, unthrottled and never to syslog.
 */
export function renderLogging(level: string, links: Links): Resource {
  const threshold = levels.values[level] ?? Number.POSITIVE_INFINITY;
  const enabled = (name: string) => PRIORITIES.some(([p, at]) => p === name && at >= threshold);
  return {
    attributes: {
      log_file: "/dev/stdout",
      log_priorities: PRIORITIES.filter(([name]) => enabled(name)).map(([name]) => name),
      parameters: {
        log_debug: enabled("debug"),
        log_info: enabled("info"),
        log_notice: enabled("notice"),
        log_throttling: { count: 0, suppress: 0, window: 0 },
        log_warning: enabled("warning"),
        maxlog: true,
        ms_timestamp: true,
        syslog: false,
      },
    },
    id: "logs",
    links: { self: links.to("maxscale", "logs") },
    type: "logs",
  };
}

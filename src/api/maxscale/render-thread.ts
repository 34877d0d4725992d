import { readdirSync } from "node:fs";
import type { Links } from "./links.js";
import type { NodeLoad } from "./node-load.js";
import type { Resource } from "./resource.js";
import { THREAD } from "./render-session.js";

/** This process's open file descriptors (the listing's own one left out), where the system tells. */
function openDescriptors(): number {
  try {
    return readdirSync("/proc/self/fd").length - 1;
  } catch {
    return process.getActiveResourcesInfo().length;
  }
}

/**
 * This node's one worker thread as a MaxScale routing worker: its load and longest delay
 * from the event loop, its descriptors from the process, its sessions those live ones
 * this node created, its memory the JavaScript heap in use. sessionhub counts no epoll
 * events, keeps no zombies and has no query classifier, so those figures are 0; it does
 * not count descriptors over time either, so the total is the current count.
 */
export function renderThread(load: NodeLoad, sessions: number, links: Links): Resource {
  const descriptors = openDescriptors();
  const heap = process.memoryUsage().heapUsed;
  return {
    attributes: {
      stats: {
        accepts: 0,
        avg_event_queue_length: 0,
        current_descriptors: descriptors,
        errors: 0,
        hangups: 0,
        listening: true,
        load: { last_hour: load.load(3600), last_minute: load.load(60), last_second: load.load(1) },
        max_event_queue_length: 0,
        max_exec_time: load.longestDelayMs(),
        max_queue_time: load.longestDelayMs(),
        memory: { query_classifier: 0, sessions: heap, total: heap, zombies: 0 },
        query_classifier_cache: { evictions: 0, hits: 0, inserts: 0, misses: 0, size: 0 },
        reads: 0,
        sessions,
        state: "Active",
        total_descriptors: descriptors,
        writes: 0,
        zombies: 0,
      },
    },
    id: String(THREAD),
    links: { self: links.to("maxscale", "threads", THREAD) },
    type: "threads",
  };
}

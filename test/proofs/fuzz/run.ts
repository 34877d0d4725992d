import type { Listener } from "../../helpers/error-formats.js";
import { RawConnection } from "../../helpers/raw-http.js";
import { type Failure, check } from "./check.js";
import type { FuzzRequest, Listeners } from "./generate.js";

export interface RunOptions {
  count: number;
  concurrency: number;
  /** How long one request may take before it counts as a hang. */
  timeoutMs: number;
}

export interface RunResult {
  sent: number;
  /** Requests not sent because their route had already hung `HANGS_PER_ROUTE` times. */
  skipped: number;
  failures: Failure[];
  statuses: Map<number, number>;
  ms: number;
  /** Time spent per route (the label without its tags), for spotting what slows a run. */
  timeByRoute: Map<string, number>;
}

/**
 * Sends requests `0 … count-1` with bounded concurrency, each worker over kept-alive
 * connections of its own (one per listener), and checks every answer.
 */
/** A route that hangs this often is not sent again: each hang costs a worker the whole timeout. */
const HANGS_PER_ROUTE = 3;

export async function run(ports: Listeners, make: (index: number) => FuzzRequest, options: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const failures: Failure[] = [];
  const statuses = new Map<number, number>();
  const timeByRoute = new Map<string, number>();
  const hangs = new Map<string, number>();
  let next = 0;
  let sent = 0;
  let skipped = 0;
  const worker = async () => {
    const connections = Object.fromEntries(
      (Object.keys(ports) as Listener[]).map((l) => [l, new RawConnection("127.0.0.1", ports[l])]),
    ) as Record<Listener, RawConnection>;
    try {
      while (next < options.count) {
        const req = make(next);
        next += 1;
        const route = req.label.replace(/ \[.*$/, "");
        if ((hangs.get(route) ?? 0) >= HANGS_PER_ROUTE) {
          skipped += 1;
          continue;
        }
        sent += 1;
        const outcome = await connections[req.listener].send({ head: req.head, body: req.body, method: req.method.toUpperCase() }, options.timeoutMs);
        if (outcome.kind === "answer") statuses.set(outcome.response.status, (statuses.get(outcome.response.status) ?? 0) + 1);
        failures.push(...check(req, outcome));
        if (outcome.kind === "timeout") hangs.set(route, (hangs.get(route) ?? 0) + 1);
        timeByRoute.set(route, (timeByRoute.get(route) ?? 0) + outcome.ms);
      }
    } finally {
      for (const c of Object.values(connections)) c.close();
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { sent, skipped, failures, statuses, ms: Date.now() - started, timeByRoute };
}

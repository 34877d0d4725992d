import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { App } from "./app.js";

/**
 * Prometheus metrics: requests and latency per listener and route, sessions by state.
 * One registry per server; every listener reports into it.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly requests: Counter<"listener" | "method" | "route" | "status">;
  private readonly latency: Histogram<"listener" | "method" | "route">;

  constructor(sessionCounts: () => Promise<{ state: string; count: number }[]>) {
    collectDefaultMetrics({ register: this.registry, prefix: "sessionhub_process_" });
    this.requests = new Counter({
      name: "sessionhub_http_requests_total",
      help: "HTTP requests answered, by listener, method, route and status.",
      labelNames: ["listener", "method", "route", "status"],
      registers: [this.registry],
    });
    this.latency = new Histogram({
      name: "sessionhub_http_request_duration_seconds",
      help: "Time to answer HTTP requests, by listener, method and route.",
      labelNames: ["listener", "method", "route"],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    new Gauge({
      name: "sessionhub_sessions",
      help: "Stored sessions by state.",
      labelNames: ["state"],
      registers: [this.registry],
      async collect() {
        const totals = new Map<string, number>([["pending", 0], ["idle", 0], ["running", 0], ["ended", 0]]);
        for (const row of await sessionCounts()) totals.set(row.state, (totals.get(row.state) ?? 0) + row.count);
        for (const [state, count] of totals) this.set({ state }, count);
      },
    });
  }

  /** Counts every response of `app` under the listener name. */
  instrument(app: App, listener: string): void {
    app.addHook("onResponse", (req, reply, done) => {
      const route = req.routeOptions.url ?? "unmatched";
      const labels = { listener, method: req.method, route };
      this.requests.inc({ ...labels, status: String(reply.statusCode) });
      this.latency.observe(labels, reply.elapsedTime / 1000);
      done();
    });
  }
}

import { Gauge, Registry, collectDefaultMetrics } from "prom-client";
import type { FastifyReply, FastifyRequest } from "fastify";

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

interface Series {
  labels: Record<string, string>;
  count: number;
  sum: number;
  buckets: Float64Array;
}

type MetricValue = { labels: Record<string, string | number>; value: number; metricName?: string };

/**
 * Request counts and latencies per listener, method, route and status. prom-client's
 * own Counter and Histogram hash their label objects on every observation, which shows
 * on the hot path; these series are keyed once per distinct label set and only turned
 * into Prometheus samples when /metrics is scraped.
 */
class RequestMetrics {
  private readonly series: Series[] = [];
  /** listener → method → route → status: found without building a key string per request. */
  private readonly index = new Map<string, Map<string, Map<string, Map<number, Series>>>>();

  observe(listener: string, method: string, route: string, status: number, seconds: number): void {
    const byStatus = branch(branch(branch(this.index, listener), method), route);
    let s = byStatus.get(status);
    if (!s) {
      s = { labels: { listener, method, route, status: String(status) }, count: 0, sum: 0, buckets: new Float64Array(BUCKETS.length) };
      this.series.push(s);
      byStatus.set(status, s);
    }
    s.count += 1;
    s.sum += seconds;
    for (let i = 0; i < BUCKETS.length; i += 1) if (seconds <= BUCKETS[i]!) s.buckets[i]! += 1;
  }

  register(registry: Registry): void {
    const counts = () => this.series.map((s): MetricValue => ({ labels: s.labels, value: s.count }));
    const latency = () => {
      const merged = new Map<string, { labels: Record<string, string>; count: number; sum: number; buckets: Float64Array }>();
      for (const s of this.series) {
        const { status: _status, ...labels } = s.labels;
        const key = `${labels.listener}\u0000${labels.method}\u0000${labels.route}`;
        const m = merged.get(key) ?? { labels, count: 0, sum: 0, buckets: new Float64Array(BUCKETS.length) };
        m.count += s.count;
        m.sum += s.sum;
        s.buckets.forEach((n, i) => (m.buckets[i]! += n));
        merged.set(key, m);
      }
      const values: MetricValue[] = [];
      for (const m of merged.values()) {
        BUCKETS.forEach((le, i) => values.push({ metricName: "sessionhub_http_request_duration_seconds_bucket", labels: { le, ...m.labels }, value: m.buckets[i]! }));
        values.push({ metricName: "sessionhub_http_request_duration_seconds_bucket", labels: { le: "+Inf", ...m.labels }, value: m.count });
        values.push({ metricName: "sessionhub_http_request_duration_seconds_sum", labels: m.labels, value: m.sum });
        values.push({ metricName: "sessionhub_http_request_duration_seconds_count", labels: m.labels, value: m.count });
      }
      return values;
    };
    const metric = (name: string, help: string, type: "counter" | "histogram", values: () => MetricValue[]) => ({
      name,
      help,
      type,
      aggregator: "sum" as const,
      get: async () => ({ name, help, type, aggregator: "sum", values: values() }),
      reset: () => {
        this.series.length = 0;
        this.index.clear();
      },
    });
    registry.registerMetric(
      metric("sessionhub_http_requests_total", "HTTP requests answered, by listener, method, route and status.", "counter", counts) as never,
    );
    registry.registerMetric(
      metric("sessionhub_http_request_duration_seconds", "Time to answer HTTP requests, by listener, method and route.", "histogram", latency) as never,
    );
  }
}

function branch<V extends Map<unknown, unknown>>(map: Map<string, V>, key: string): V {
  let next = map.get(key);
  if (!next) {
    next = new Map() as V;
    map.set(key, next);
  }
  return next;
}

const STATES = ["pending", "idle", "running", "ended"];

/** Prometheus metrics: requests and latency per listener and route, sessions by state and by service. */
export class Metrics {
  readonly registry = new Registry();
  private readonly requests = new RequestMetrics();

  constructor(sessionCounts: () => Promise<{ serviceId: string; state: string; count: number }[]>) {
    // prom-client's own names already start with process_ and nodejs_.
    collectDefaultMetrics({ register: this.registry, prefix: "sessionhub_" });
    // Both gauges are collected at once on a scrape; they share one query.
    let inFlight: ReturnType<typeof sessionCounts> | null = null;
    const counts = () => (inFlight ??= sessionCounts().finally(() => (inFlight = null)));
    this.requests.register(this.registry);
    new Gauge({
      name: "sessionhub_sessions",
      help: "Stored sessions by state.",
      labelNames: ["state"],
      registers: [this.registry],
      async collect() {
        const totals = new Map<string, number>(STATES.map((s) => [s, 0]));
        for (const row of await counts()) totals.set(row.state, (totals.get(row.state) ?? 0) + row.count);
        for (const [state, count] of totals) this.set({ state }, count);
      },
    });
    new Gauge({
      name: "sessionhub_service_sessions",
      help: "Stored sessions by service and state.",
      labelNames: ["service", "state"],
      registers: [this.registry],
      async collect() {
        // A service whose sessions all went away drops out rather than sticking at its last count.
        this.reset();
        const rows = await counts();
        for (const service of new Set(rows.map((r) => r.serviceId))) for (const state of STATES) this.set({ service, state }, 0);
        for (const row of rows) this.inc({ service: row.serviceId, state: row.state }, row.count);
      },
    });
  }

  /** Counts a request the edge answered before any route: its route label is `edge`. */
  observeEdge(listener: string, method: string, status: number, seconds: number): void {
    this.requests.observe(listener, method, "edge", status, seconds);
  }

  /** Counts one answered request under its listener's name. */
  observe(listener: string, req: FastifyRequest, reply: FastifyReply): void {
    this.requests.observe(listener, req.method, req.routeOptions.url ?? "unmatched", reply.statusCode, reply.elapsedTime / 1000);
  }
}

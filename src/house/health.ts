import type { App } from "../http/app.js";
import type { Metrics } from "../http/metrics.js";
import type { Store } from "../core/store.js";

/** `/healthz` (alive), `/readyz` (the database answers) and Prometheus `/metrics`. */
export function healthRoutes(app: App, store: Store, metrics: Metrics): void {
  app.get("/healthz", { schema: { hide: true } }, async () => ({ status: "ok" }));
  app.get("/readyz", { schema: { hide: true } }, async (_req, reply) => {
    try {
      await store.ping();
      return { status: "ready" };
    } catch {
      return reply.code(503).send({ status: "unavailable", detail: "the database does not answer" });
    }
  });
  app.get("/metrics", { schema: { hide: true } }, async (_req, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}

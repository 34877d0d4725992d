import type { App } from "../http/app.js";

export interface RootInfo {
  version: string;
  /** The console's path, when it is served. */
  console: string | null;
  /** Each API on this listener and the path it is served under. */
  apis: () => { name: string; path: string }[];
}

/**
 * `GET /` leads a browser to the console (or the docs when there is none) and tells a
 * program where everything is.
 */
export function rootRoute(app: App, info: RootInfo): void {
  app.get("/", { schema: { hide: true }, config: { public: true } }, async (req, reply) => {
    if (/\btext\/html\b/.test(req.headers.accept ?? "")) return reply.redirect(info.console ?? "/docs", 302);
    return {
      name: "sessionhub",
      version: info.version,
      links: { console: info.console, docs: "/docs", openapi: "/api/v1/openapi.json", health: "/healthz", metrics: "/metrics" },
      apis: info.apis(),
    };
  });
}

import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { App } from "../http/app.js";

/**
 * The native API's OpenAPI document at /api/v1/openapi.json, rendered at /docs. Only the
 * native API is described here; the other families follow documents of their own.
 */
export async function documentation(app: App): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "sessionhub native API",
        version: "1",
        description: "Sessions, members, presence, logs and live events over one core. Errors are RFC 9457 problem details.",
      },
      servers: [{ url: "/" }],
      components: {
        securitySchemes: {
          bearer: { type: "http", scheme: "bearer", description: "An API token or a JWT" },
          basic: { type: "http", scheme: "basic" },
        },
      },
      security: [{ bearer: [] }, { basic: [] }],
    },
    transform: ({ schema, url }) => ({ schema: url.startsWith("/api/v1/") ? schema : { ...schema, hide: true }, url }),
  });
  await app.register(swaggerUi, {
    routePrefix: "/docs",
    staticCSP: true,
    // Served over plain HTTP beyond loopback, the page must not ask the browser to switch to https://.
    transformStaticCSP: (csp) => csp.replace(/\s*upgrade-insecure-requests;?/, ""),
    uiConfig: { validatorUrl: null, deepLinking: true },
  });
  app.get("/api/v1/openapi.json", { schema: { hide: true }, config: { public: true } }, async () => app.swagger());
}

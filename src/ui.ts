import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { App } from "./http/app.js";

/** Where the admin page's static files are, from src/ (tsx) and from dist/ alike. */
const UI_DIR = fileURLToPath(new URL("../ui/", import.meta.url));

const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/**
 * The admin page at /admin/: static files that talk to the native API with the
 * token the operator pastes in. A strict Content Security Policy forbids inline
 * scripts and any other origin, so nothing a client stored can run in it.
 */
export async function adminUi(app: App): Promise<void> {
  await app.register(fastifyStatic, {
    root: UI_DIR,
    prefix: "/admin/",
    decorateReply: true,
    index: false,
    setHeaders: (res) => {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    },
  });
  // The router ignores trailing slashes, so /admin and /admin/ meet here; the page's
  // relative URLs need the slash.
  app.get("/admin", { schema: { hide: true } }, (req, reply) =>
    req.url.split("?")[0]!.endsWith("/") ? reply.headers(SECURITY_HEADERS).sendFile("index.html") : reply.redirect("/admin/", 301),
  );
}

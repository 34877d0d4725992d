import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { App } from "./http/app.js";

/**
 * Where the built console is (ui/ built by Vite into dist/ui), from src/ (tsx) and from
 * dist/ alike: both sit beside dist/ in the package.
 */
const UI_DIR = fileURLToPath(new URL("../dist/ui/", import.meta.url));

const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/** Built assets carry a hash of their content in their names, so they never change; the page itself is checked each time. */
const IMMUTABLE = "public, max-age=31536000, immutable";
const REVALIDATE = "no-cache";

const cacheControl = (path: string) => (/[\\/]assets[\\/]/.test(path) ? IMMUTABLE : REVALIDATE);

/**
 * The console at /admin/: static files that talk to the native API with the token the
 * operator pastes in. A strict Content Security Policy forbids inline scripts and styles
 * and any other origin, so nothing a client stored can run in it.
 */
export async function adminUi(app: App): Promise<void> {
  if (!existsSync(join(UI_DIR, "index.html"))) {
    app.log.warn({ dir: UI_DIR }, "the console is not built: run `npm run build`");
    const notBuilt = "The sessionhub console is not built. Run `npm run build` (npm install does it), then restart the server.\n";
    app.get("/admin", { schema: { hide: true } }, (_req, reply) => reply.code(503).type("text/plain; charset=utf-8").send(notBuilt));
    app.get("/admin/*", { schema: { hide: true } }, (_req, reply) => reply.code(503).type("text/plain; charset=utf-8").send(notBuilt));
    return;
  }
  await app.register(fastifyStatic, {
    root: UI_DIR,
    prefix: "/admin/",
    decorateReply: true,
    index: false,
    cacheControl: false,
    setHeaders: (res, path) => {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
      res.setHeader("cache-control", cacheControl(path));
    },
  });
  // The router ignores trailing slashes, so /admin and /admin/ meet here; the page's
  // relative URLs need the slash.
  app.get("/admin", { schema: { hide: true } }, (req, reply) =>
    req.url.split("?")[0]!.endsWith("/")
      ? reply.headers({ ...SECURITY_HEADERS, "cache-control": REVALIDATE }).sendFile("index.html")
      : reply.redirect("/admin/", 301),
  );
}

import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

/**
 * The console, built from ui/ into dist/ui (served at /admin/ by src/ui.ts). Assets get
 * content hashes in their names, so the server can let browsers keep them forever, and
 * none is inlined as a data: URL, so the page's CSP can stay at 'self'.
 */
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/admin/",
  build: {
    outDir: fileURLToPath(new URL("../dist/ui", import.meta.url)),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    target: "es2022",
  },
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  // `npm run dev:ui` serves the page with reloads and sends API calls to a server on the default port.
  server: { proxy: { "/api": "http://127.0.0.1:8080" } },
});

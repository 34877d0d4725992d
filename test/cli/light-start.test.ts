import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";
import { ROOT, ensureBuilt } from "../helpers/process.js";

/** Every module the built file loads before it runs (static imports; `import()` is loaded later, when asked for). */
function staticGraph(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const walk = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const m of readFileSync(file, "utf8").matchAll(/^(?:import|export)\s(?:[^;]*?\sfrom\s)?["']([^"']+)["'];/gm)) {
      const spec = m[1]!;
      if (spec.startsWith(".")) walk(resolve(dirname(file), spec));
      else packages.add(spec);
    }
  };
  walk(entry);
  return { files: [...files].map((f) => relative(join(ROOT, "dist"), f)), packages: [...packages] };
}

test("the built CLI loads only the client and Node's own modules before a command asks for more", async () => {
  await ensureBuilt();
  const { files, packages } = staticGraph(join(ROOT, "dist", "cli", "main.js"));
  assert.deepEqual(packages.filter((p) => !p.startsWith("node:")), [], "no package: no Fastify, pino, better-sqlite3, typebox");
  assert.deepEqual(files.filter((f) => !/^(cli|client)\/|^nearest\.js$/.test(f)), [], "no server, store, core or API family");
  assert.ok(files.includes("client/session-hub.js"));
});

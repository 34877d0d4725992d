import { readFileSync } from "node:fs";

/** sessionhub's version, from its package.json (the same path from src/ and from dist/). */
export const SESSIONHUB_VERSION: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : "unknown";
  } catch {
    return "unknown";
  }
})();

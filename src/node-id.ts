import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UUID_RE, uuidv7 } from "./core/ids.js";

/**
 * The stable identity of this node: a UUID kept in the data directory, made on first
 * start. Several nodes over one PostgreSQL database each have their own data directory.
 */
export function loadNodeId(dataDir: string): string {
  const file = join(dataDir, "node-id");
  try {
    const id = readFileSync(file, "utf8").trim();
    if (UUID_RE.test(id)) return id;
  } catch {
    /* first start */
  }
  // The data directory holds the database: readable by the server's user only.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const id = uuidv7();
  writeFileSync(file, `${id}\n`, { mode: 0o600 });
  return id;
}

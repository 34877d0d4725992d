import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "../../src/store/sqlite/index.js";
import { storeConformance } from "./conformance.js";

const dir = mkdtempSync(join(tmpdir(), "sessionhub-sqlite-"));

storeConformance({
  name: "SQLite (file on disk)",
  open: async (nodeId, clock, filterLimits) => new SqliteStore({ file: join(dir, "conformance.db"), nodeId, clock, filterLimits }),
  teardown: async () => rmSync(dir, { recursive: true, force: true }),
});

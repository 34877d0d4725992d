import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import Database from "better-sqlite3";
import { FAMILIES } from "../../src/api/families.js";
import { LOG_FLAGS, logFlagField } from "../../src/api/maxscale/log-flags.js";
import { DEFAULTS } from "../../src/config.js";
import type { Condition } from "../../src/core/query.js";
import { compileSessionCount, compileSessionPage } from "../../src/store/sql/session-query.js";
import { sqliteDialect } from "../../src/store/sqlite/dialect.js";
import { EVENT_TIMES, RECENT_JOBS, SqliteStore, TAIL_LOGS } from "../../src/store/sqlite/index.js";

/**
 * SQLite's plans for the reads that a million sessions made slow: each must come from an
 * index, not a scan of the sessions (SQLite plans without statistics, so an empty
 * database plans as a full one does).
 */
describe("SQLite plans at scale", () => {
  const dir = mkdtempSync(join(tmpdir(), "sessionhub-plans-"));
  let db: Database.Database;

  before(async () => {
    const file = join(dir, "plans.db");
    const store = new SqliteStore({ file, nodeId: "node", migrations: FAMILIES.flatMap((f) => f.migrations ?? []) });
    await store.migrate();
    await store.close();
    db = new Database(file, { readonly: true });
  });
  after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const plan = ({ sql, params }: { sql: string; params: unknown[] }) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(" | ");

  test("a count of what a user may read of one service reads one covering index", () => {
    const where: Condition = { and: [{ field: "serviceId", op: "eq", value: "svc" }, { readableBy: "alice" }] };
    assert.match(plan(compileSessionCount(sqliteDialect, where, DEFAULTS.limits)), /^SEARCH s USING COVERING INDEX sessions_service_visibility \(service_id=\?\)/);
  });

  test("the sessions MaxScale follows at start are found from its flag indexes", () => {
    const flagged: Condition = {
      and: [{ field: "state", op: "ne", value: "ended" }, { or: LOG_FLAGS.map((f) => ({ field: logFlagField(f), op: "eq" as const, value: true })) }],
    };
    const found = plan(compileSessionPage(sqliteDialect, { where: flagged, limit: 500, sort: [{ field: "number", dir: "asc" }] }, DEFAULTS.limits));
    for (const f of LOG_FLAGS) assert.match(found, new RegExp(`SEARCH s USING INDEX sessions_maxscale_${f} `));
    assert.doesNotMatch(found, /SCAN s\b/);
  });

  test("a page of one state in creation order reads an index in that order and stops at the page", () => {
    const page = (dir: "asc" | "desc") =>
      plan(compileSessionPage(sqliteDialect, { where: { field: "state", op: "eq", value: "idle" }, limit: 1, sort: [{ field: "createdAt", dir }] }, DEFAULTS.limits));
    assert.equal(page("asc"), "SEARCH s USING COVERING INDEX sessions_state_created (state=?)");
    // Newest first, the id tie-break still ascends: only sessions created in the same millisecond are sorted.
    assert.equal(page("desc"), "SEARCH s USING COVERING INDEX sessions_state_created (state=?) | USE TEMP B-TREE FOR LAST TERM OF ORDER BY");
  });

  test("the batch reads of a page's sessions enter each session's range of an index and stop at its limit", () => {
    const ids = JSON.stringify(["a", "b"]);
    assert.equal(
      plan({ sql: TAIL_LOGS, params: [{ ids, stream: "log", limit: 3 }] }),
      "SCAN ids VIRTUAL TABLE INDEX 1: | SEARCH l USING PRIMARY KEY (session_id=? AND stream=? AND position>?) | CORRELATED SCALAR SUBQUERY 1 | SEARCH t USING PRIMARY KEY (session_id=? AND stream=?) | USE TEMP B-TREE FOR ORDER BY",
    );
    assert.equal(
      plan({ sql: RECENT_JOBS, params: [{ ids, limit: 3 }] }),
      "SCAN ids VIRTUAL TABLE INDEX 1: | SEARCH j USING INDEX sqlite_autoindex_jobs_2 (session_id=? AND seq>?) | CORRELATED SCALAR SUBQUERY 1 | SEARCH t USING COVERING INDEX sqlite_autoindex_jobs_2 (session_id=?) | USE TEMP B-TREE FOR ORDER BY",
    );
    assert.match(plan({ sql: EVENT_TIMES, params: [64, 0, ids] }), /^SEARCH events USING COVERING INDEX events_session \(session_id=\? AND at>\?\)/);
  });
});

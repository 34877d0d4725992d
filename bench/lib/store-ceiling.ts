import { randomUUID } from "node:crypto";
import { join } from "node:path";
import Database from "better-sqlite3";
import { TOUCH_SESSION } from "../../src/store/sqlite/index.js";

/** Writes per second SQLite itself makes on the node's file, with none of sessionhub's work around them. */
export interface StoreCeiling {
  /** A copy of one of the service's rows and its event, each pair its own transaction. */
  insert: number;
  /** The same, fifty pairs to a transaction: what grouping commits could reach at most. */
  insertGrouped: number;
  /** A heartbeat's writes: the row's activity and expiry, and an event, each its own transaction. */
  touch: number;
}

const SECONDS = 2;

function rate(write: () => void, perCall = 1): number {
  const until = performance.now() + SECONDS * 1000;
  let n = 0;
  const t0 = performance.now();
  while (performance.now() < until) {
    write();
    n += perCall;
  }
  return n / ((performance.now() - t0) / 1000);
}

/**
 * What the store's file allows for the writes behind create and heartbeat, measured on
 * the running node's own file (WAL lets a second connection write while the node idles):
 * the statements sessionhub's SQLite store runs, with the session table's indexes and
 * triggers, and nothing else. A write's HTTP rate cannot exceed these.
 */
export function storeCeiling(dataDir: string, serviceId: string): StoreCeiling {
  const db = new Database(join(dataDir, "sessionhub.db"));
  try {
    db.pragma("busy_timeout = 5000");
    db.pragma("synchronous = NORMAL");
    const row = db.prepare("SELECT * FROM sessions WHERE service_id = ? ORDER BY number DESC LIMIT 1").get(serviceId) as Record<string, unknown>;
    const columns = Object.keys(row).filter((c) => c !== "number");
    const insert = db.prepare(`INSERT INTO sessions (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`);
    const event = db.prepare("INSERT INTO events (type, session_id, service_id, node_id, at, data, access) VALUES (?, ?, ?, ?, ?, ?, NULL)");
    const data = JSON.stringify(row);
    const created = () => {
      const id = randomUUID();
      const at = Date.now();
      insert.run(...columns.map((c) => (c === "id" ? id : c === "created_at" ? at : row[c])));
      event.run("session.created", id, serviceId, row.node_id, at, data);
      return id;
    };
    const ids: string[] = [];
    const one = db.transaction(() => ids.push(created()));
    const fifty = db.transaction(() => {
      for (let i = 0; i < 50; i += 1) ids.push(created());
    });
    const touch = db.prepare(TOUCH_SESSION);
    let next = 0;
    const touched = db.transaction(() => {
      const at = Date.now();
      const id = ids[next++ % ids.length]!;
      touch.run(at, at, id);
      event.run("session.activity", id, serviceId, row.node_id, at, "{}");
    });
    return {
      insert: rate(() => one.immediate()),
      insertGrouped: rate(() => fifty.immediate(), 50),
      touch: rate(() => touched.immediate()),
    };
  } finally {
    db.close();
  }
}

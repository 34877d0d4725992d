import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { FAMILIES } from "../../src/api/families.js";
import { uuidv7 } from "../../src/core/ids.js";
import type { Session } from "../../src/core/types.js";
import { loadNodeId } from "../../src/node-id.js";
import { CORE_MIGRATIONS } from "../../src/store/migrations.js";
import { SESSION_WRITE_COLUMNS, sessionValues } from "../../src/store/sql/rows.js";
import type { NewSession } from "../../src/core/store.js";
import { Hub, parallel } from "./hub.js";
import { ROOT } from "./procs.js";

/**
 * The scale data set: SESSIONS sessions spread round-robin over SERVICES services, plus
 * the users the scenarios act as. Built once per schema version into bench/out/cache
 * (git-ignored) and copied for each run, so a run starts from the same bytes.
 *
 * Services and users are made through the API of a real node; the sessions through the
 * SQLite store's own row mapping (its column list and `sessionValues`) with one
 * prepared INSERT in transactions of BATCH rows — what the store writes, written in bulk.
 */
export const SERVICES = 100;
export const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 1_000_000);
const BATCH = 50_000;
/** Bump when the generated content changes, so an old cache is not reused. */
const GENERATOR = 1;

export const serviceId = (k: number) => `svc-${String(k).padStart(3, "0")}`;
export const ownerId = (k: number) => `owner-${String(k).padStart(3, "0")}`;
export const JOINERS = 200;

export interface Dataset {
  /** The pristine data directory (never served from: runs copy it). */
  dir: string;
  key: string;
  sessions: number;
  /** How long building it took, when this run built it. */
  builtSeconds: number | null;
  /** Seconds the bulk INSERT of the sessions took (when it was built). */
  insertSeconds: number;
  tokens: { reader: string; owners: string[]; joiners: string[] };
}

/** The schema version: every migration's id and SQL, the session columns, the generator. */
function schemaKey(): string {
  const migrations = [...CORE_MIGRATIONS, ...FAMILIES.flatMap((f) => f.migrations ?? [])];
  const h = createHash("sha256").update(JSON.stringify({ migrations, columns: SESSION_WRITE_COLUMNS, GENERATOR, SESSIONS }));
  return h.digest("hex").slice(0, 12);
}

function session(i: number, t0: number, nodeId: string): NewSession {
  const k = i % SERVICES;
  const at = t0 + i;
  return {
    id: uuidv7(at),
    serviceId: serviceId(k),
    owner: ownerId(k),
    nodeId,
    state: "idle",
    endReason: null,
    status: i % 4 === 0 ? "open" : null,
    name: `session ${i}`,
    description: null,
    visibility: "public",
    passwordHash: null,
    capacity: 16,
    members: [],
    teams: null,
    invited: [],
    client: { address: "127.0.0.1", userAgent: "sessionhub-bench/1" },
    attributes: { tier: ["free", "pro", "team"][i % 3]!, region: `r${i % 7}` },
    // 0 = never idle out: the cached copy must not expire between runs.
    inactiveTimeoutSeconds: 0,
    timeoutSeconds: 0,
    expiresAt: null,
    endAt: null,
    endAtReason: null,
    createdAt: at,
    updatedAt: at,
    stateChangedAt: at,
    lastActivityAt: at,
    endedAt: null,
    version: 0,
  } satisfies Omit<Session, "number">;
}

function insertSessions(file: string, nodeId: string): number {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  // Room for the indexes being built, so the load does not spill pages between batches.
  db.pragma("cache_size = -524288");
  const insert = db.prepare(`INSERT INTO sessions (${SESSION_WRITE_COLUMNS.join(", ")}) VALUES (${SESSION_WRITE_COLUMNS.map(() => "?").join(", ")})`);
  const batch = db.transaction((from: number, to: number, t0: number) => {
    for (let i = from; i < to; i += 1) insert.run(...sessionValues(session(i, t0, nodeId)));
  });
  const t0 = Date.now() - SESSIONS - 60_000;
  const started = performance.now();
  for (let from = 0; from < SESSIONS; from += BATCH) batch(from, Math.min(SESSIONS, from + BATCH), t0);
  const seconds = (performance.now() - started) / 1000;
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  return seconds;
}

async function build(dir: string, key: string): Promise<Dataset> {
  const started = performance.now();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const log = `${dir}.log`;
  const hub = await Hub.start({ dataDir: dir, logFile: log });
  const tokens = { reader: "", owners: [] as string[], joiners: [] as string[] };
  try {
    await parallel(SERVICES, 8, (k) => hub.api("POST", "/api/v1/services", { id: serviceId(k), name: `Service ${k}` }));
    const user = async (id: string) => {
      await hub.api("POST", "/api/v1/users", { id });
      return (await hub.api<{ secret: string }>("POST", "/api/v1/tokens", { userId: id, name: "bench" })).secret;
    };
    tokens.reader = await user("reader");
    await parallel(SERVICES, 8, async (k) => void (tokens.owners[k] = await user(ownerId(k))));
    await parallel(JOINERS, 8, async (j) => void (tokens.joiners[j] = await user(`joiner-${j}`)));
  } finally {
    await hub.stop();
  }
  rmSync(log, { force: true });
  const insertSeconds = insertSessions(join(dir, "sessionhub.db"), loadNodeId(dir));
  const dataset: Dataset = { dir, key, sessions: SESSIONS, builtSeconds: (performance.now() - started) / 1000, insertSeconds, tokens };
  writeFileSync(join(dir, "dataset.json"), JSON.stringify({ ...dataset, builtSeconds: null }));
  return dataset;
}

/** The cached data set for this schema, built first if there is none. */
export async function dataset(): Promise<Dataset> {
  const key = schemaKey();
  const dir = join(ROOT, "bench", "out", "cache", `sqlite-${SESSIONS}-${key}`);
  if (existsSync(join(dir, "dataset.json"))) return { ...(JSON.parse(readFileSync(join(dir, "dataset.json"), "utf8")) as Dataset), dir };
  const building = `${dir}.building`;
  const built = await build(building, key);
  rmSync(dir, { recursive: true, force: true });
  renameSync(building, dir);
  return { ...built, dir };
}

/** A working copy of the data set for one run (the run writes to it). */
export function workingCopy(data: Dataset, to: string): string {
  rmSync(to, { recursive: true, force: true });
  cpSync(data.dir, to, { recursive: true });
  return to;
}

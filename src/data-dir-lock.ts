import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";

export interface DataDirLock {
  release(): void;
}

const isBusy = (e: unknown) => (e as { code?: unknown } | null)?.code === "SQLITE_BUSY";

/**
 * Holds the data directory for this process's lifetime, so that two processes never
 * serve one directory (one SQLite file, one node id) at once: an exclusive lock on a
 * file in it, taken with SQLite's file locking (no wait) and never let go until
 * `release`. The operating system drops the lock with the process, however it ends, so
 * a process killed with SIGKILL never leaves a lock that blocks the next start. The
 * holder's pid is written beside it, for the message a second process gives.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  // The data is the operator's alone: the directory 700, its files 600.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const pidFile = join(dataDir, "sessionhub.pid");
  const lockFile = join(dataDir, "sessionhub.lock");
  closeSync(openSync(lockFile, "a", 0o600));
  const db = new Database(lockFile, { timeout: 0 });
  try {
    db.exec("BEGIN EXCLUSIVE");
  } catch (e) {
    db.close();
    if (!isBusy(e)) throw e;
    let holder = "another process";
    try {
      holder = `process ${readFileSync(pidFile, "utf8").trim()}`;
    } catch {
      /* it has not written its pid yet */
    }
    throw new Error(`the data directory ${resolve(dataDir)} is in use by ${holder}; one process serves a data directory at a time`);
  }
  writeFileSync(pidFile, `${process.pid}\n`, { mode: 0o600 });
  return {
    release() {
      if (!db.open) return;
      rmSync(pidFile, { force: true });
      db.close();
    },
  };
}

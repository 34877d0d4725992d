import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { familyConfigSources } from "../../src/api/families.js";
import { type Config, loadConfig } from "../../src/config.js";
import { type Server, createServer } from "../../src/server.js";

export const ADMIN_TOKEN = "shk_test-admin-token-0123456789abcdefghijklmnopq";
export const JWT_SECRET = "test-secret";

/** A controllable clock: real time plus an offset that tests advance. */
export class TestClock {
  offset = 0;
  now = () => Date.now() + this.offset;
  advance(ms: number) {
    this.offset += ms;
  }
}

export interface TestServer {
  url: string;
  /** Every listener's URL by name (`main`, and a family's own listener when configured). */
  urls: Record<string, string>;
  server: Server;
  dataDir: string;
  clock: TestClock;
  /** Lines the server logged, parsed (for "no secret in any log line" checks). */
  logs: string[];
  stop(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  config?: Record<string, unknown>;
  dataDir?: string;
  keepData?: boolean;
}

/** A real server on a free loopback port, SQLite on disk in a fresh directory. */
export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "sessionhub-test-"));
  const clock = new TestClock();
  const sources = familyConfigSources();
  const config: Config = loadConfig({
    env: {
      SESSIONHUB_PORT: "0",
      SESSIONHUB_DATA_DIR: dataDir,
      SESSIONHUB_ADMIN_TOKEN: ADMIN_TOKEN,
      SESSIONHUB_JWT_SECRET: JWT_SECRET,
      SESSIONHUB_LOG_LEVEL: "info",
      SESSIONHUB_REAPER_INTERVAL_MS: "100",
      SESSIONHUB_MAXSCALE_PORT: "0",
      ...options.env,
    },
    ...sources,
    defaults: { ...sources.defaults, ...(options.config ?? {}) },
  });
  const logs: string[] = [];
  const logger = pino({ level: config.logLevel }, { write: (line: string) => void logs.push(line) });
  const server = await createServer(config, { clock: clock.now, logger, announce: (line) => logs.push(line) });
  const listening = await server.start();
  const url = listening.find((l) => l.name === "main")!.url;
  return {
    url,
    urls: Object.fromEntries(listening.map((l) => [l.name, l.url])),
    server,
    dataDir,
    clock,
    logs,
    async stop() {
      await server.stop();
      if (!options.keepData && !options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/**
 * Resolves once the server's reaper has made a whole pass that began after this call (the
 * pass in progress, if any, is finished first): whatever it would end or delete by now, it
 * has, and a test may assert what it left alone.
 */
export async function reaperPass(t: Pick<TestServer, "server">): Promise<void> {
  await t.server.hub.reaper.sweep();
  await t.server.hub.reaper.sweep();
}

/** One HTTP request; JSON bodies are sent and parsed. */
export async function http<T = any>(
  base: string,
  method: string,
  path: string,
  opts: { token?: string | null; body?: unknown; raw?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token !== null) headers.authorization ??= `Bearer ${opts.token ?? ADMIN_TOKEN}`;
  let body: string | Buffer | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["content-type"] ??= "application/json";
  }
  const res = await fetch(base + path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}

/** A bound client for one server and one token. */
export function client(base: string, token?: string) {
  return (method: string, path: string, opts: Parameters<typeof http>[3] = {}) => http(base, method, path, { token, ...opts });
}

/** Creates users through the native API (as the admin) and returns an API token for each, by user id. */
export async function usersWithTokens(base: string, ids: string[]): Promise<Record<string, string>> {
  const admin = client(base, ADMIN_TOKEN);
  const tokens: Record<string, string> = {};
  for (const id of ids) {
    const user = await admin("POST", "/api/v1/users", { body: { id } });
    if (user.status !== 201) throw new Error(`creating user ${id}: ${user.status} ${user.text}`);
    const issued = await admin("POST", "/api/v1/tokens", { body: { userId: id } });
    if (issued.status !== 201) throw new Error(`a token for ${id}: ${issued.status} ${issued.text}`);
    tokens[id] = issued.body.secret;
  }
  return tokens;
}

import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { CliError, usage } from "./exit.js";

/**
 * Logins kept by `sessionhub login`: the default server and a token per server, in
 * $XDG_CONFIG_HOME/sessionhub/config.json (else ~/.config/…), readable by the user only.
 * A token is only ever sent to the server it was stored for.
 */
export interface Logins {
  url?: string;
  tokens: Record<string, string>;
}

export function loginFile(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  return join(base, "sessionhub", "config.json");
}

export function readLogins(env: NodeJS.ProcessEnv): Logins {
  const file = loginFile(env);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { tokens: {} };
    throw new CliError(`cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as Partial<Logins>;
    return { ...(typeof parsed.url === "string" ? { url: parsed.url } : {}), tokens: { ...parsed.tokens } };
  } catch {
    throw new CliError(`${file} is not JSON; fix or delete it`);
  }
}

export function writeLogins(env: NodeJS.ProcessEnv, logins: Logins): string {
  const file = loginFile(env);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  chmodSync(dirname(file), 0o700);
  if (!logins.url && Object.keys(logins.tokens).length === 0) {
    rmSync(file, { force: true });
    return file;
  }
  // Written whole and renamed, so a crash never leaves half a file; created 0600 before any token is in it.
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(logins, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, file);
  return file;
}

/**
 * A server URL as people type it: `localhost:8080` means http://localhost:8080; a path
 * prefix (behind a proxy) is kept, and a trailing /api/v1 dropped.
 */
export function normalizeUrl(raw: string, source: string): string {
  const text = raw.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw usage(`${source}: "${raw}" is not a URL; give one like http://127.0.0.1:8080`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw usage(`${source}: "${raw}" must be an http:// or https:// URL`);
  if (url.search || url.hash) throw usage(`${source}: "${raw}" must not have a query or fragment`);
  return `${url.origin}${url.pathname.replace(/\/+$/, "").replace(/\/api\/v1$/, "")}`;
}

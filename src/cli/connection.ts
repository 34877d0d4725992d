import { SessionHub } from "../client/index.js";
import { CliError, EXIT } from "./exit.js";
import { type Logins, loginFile, normalizeUrl, readLogins } from "./login.js";
import type { Flags } from "./spec.js";

export const DEFAULT_URL = "http://127.0.0.1:8080";

export interface Connection {
  url: string;
  token: string | undefined;
  /** Where the token came from, for `whoami` and error messages. */
  tokenFrom: string;
}

/** The server and token: flags, then SESSIONHUB_URL / SESSIONHUB_TOKEN, then the stored login. */
export function connection(flags: Flags, env: NodeJS.ProcessEnv): Connection {
  // The login file is read only when a flag or the environment leaves something open.
  let logins: Logins | undefined;
  const stored = () => (logins ??= readLogins(env));
  const url =
    typeof flags.url === "string"
      ? normalizeUrl(flags.url, "--url")
      : env.SESSIONHUB_URL
        ? normalizeUrl(env.SESSIONHUB_URL, "SESSIONHUB_URL")
        : (stored().url ?? DEFAULT_URL);
  if (typeof flags.token === "string") return { url, token: flags.token, tokenFrom: "--token" };
  if (env.SESSIONHUB_TOKEN) return { url, token: env.SESSIONHUB_TOKEN, tokenFrom: "SESSIONHUB_TOKEN" };
  return { url, token: stored().tokens[url], tokenFrom: `the login in ${loginFile(env)}` };
}

export function clientFor(c: Connection): SessionHub {
  if (!c.token) {
    throw new CliError(`No token for ${c.url}: run "sessionhub login", pass --token or set SESSIONHUB_TOKEN.`, EXIT.auth);
  }
  return new SessionHub({ url: c.url, token: c.token });
}

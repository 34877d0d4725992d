import { SessionHubError } from "../client/errors.js";

/**
 * Exit codes, as documented in `sessionhub help` and the README: scripts can tell a
 * mistake in the command from a refusal and from a missing thing.
 */
export const EXIT = {
  ok: 0,
  /** Anything else: the server refused (400, 409, 5xx…), cannot be reached, or is not sessionhub. */
  error: 1,
  /** The command line or the configuration is wrong: nothing was sent. */
  usage: 2,
  /** The session, service, user or token does not exist (404). */
  notFound: 3,
  /** No token, or the token is not valid (401) or not allowed (403). */
  auth: 4,
} as const;

export const EXIT_CODES_HELP = `Exit codes:
  0  success
  1  error: the server refused the request, cannot be reached, or is not sessionhub
  2  usage: a wrong command, flag, argument or setting (nothing was sent)
  3  not found: the session, service, user or token does not exist
  4  authentication: no token, or the token is not valid or not allowed to do this`;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.error,
    /** Details for `-o json` errors (the server's problem, when there is one). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const usage = (message: string) => new CliError(message, EXIT.usage);

/** The exit code of an HTTP refusal. */
export const exitCodeOf = (status: number | null) => (status === 404 ? EXIT.notFound : status === 401 || status === 403 ? EXIT.auth : EXIT.error);

/** The exit code and message of any failure. */
export function asCliError(e: unknown): CliError {
  if (e instanceof CliError) return e;
  if (e instanceof SessionHubError) {
    return new CliError(e.message, exitCodeOf(e.status), { kind: e.kind, ...(e.status !== null ? { status: e.status } : {}), ...(e.problem ? { problem: e.problem } : {}) });
  }
  return new CliError((e as Error)?.message ?? String(e));
}

import { type FlagSpec, type Flags, command, group } from "../spec.js";
import { text } from "../values.js";

/** The flags `serve` passes to the configuration (a test keeps this list equal to the config's and the families'). */
export const SERVE_FLAGS: Record<string, FlagSpec> = {
  host: { type: "string", value: "HOST", help: "address of the main listener (default 127.0.0.1)" },
  port: { type: "string", value: "PORT", help: "port of the main listener (default 8080; 0 any free port)" },
  "data-dir": { type: "string", value: "DIR", help: "the SQLite file and the node id (default ./data)" },
  "database-url": { type: "string", value: "URL", help: "postgres://… for PostgreSQL (several nodes); default SQLite" },
  config: { type: "string", value: "FILE", help: "a JSON config file (or SESSIONHUB_CONFIG)" },
  "log-level": { type: "string", value: "LEVEL", help: "fatal, error, warn, info (default), debug, trace or silent" },
  "log-format": { type: "string", value: "FORMAT", help: "auto (default: pretty on a terminal, JSON otherwise), json or pretty" },
  "tls-key": { type: "string", value: "FILE", help: "the main listener's TLS key (PEM); with --tls-cert it serves HTTPS" },
  "tls-cert": { type: "string", value: "FILE", help: "the main listener's TLS certificate (PEM)" },
  "reaper-interval-ms": { type: "string", value: "MS", help: "how often idle sessions are ended (default 5000)" },
  "maxscale-port": { type: "string", value: "PORT", help: "the MaxScale API's own listener (default 8989; -1 none)" },
  "roundware-port": { type: "string", value: "PORT", help: "a listener of the Roundware API's own (e.g. 8888)" },
  "game-service": { type: "string", value: "ID", help: "the service the game API serves (default game)" },
  "game-max-users-per-session": { type: "string", value: "N", help: "the game API's limit of users per session" },
  "sas-compute-port": { type: "string", value: "PORT", help: "a listener of the SAS Compute API's own (default: the main one)" },
  "sas-job-seconds": { type: "string", value: "S", help: "how long one SAS job may run (default 60)" },
};

const settings = (flags: Flags, names: string[]) =>
  Object.fromEntries(names.flatMap((n) => (typeof flags[n] === "string" ? [[n, flags[n] as string]] : []))) as Record<string, string>;

export const serve = command({
  summary: "Run the server",
  description: `Run the server until SIGTERM or SIGINT. Settings come from defaults < config file < environment
(SESSIONHUB_*) < these flags; an unknown or bad setting stops it with exit code 2.
On the first start with an empty database it creates the user admin and prints its token once.`,
  flags: SERVE_FLAGS,
  examples: ["sessionhub serve", "sessionhub serve --host 0.0.0.0 --port 8080 --data-dir /var/lib/sessionhub", "sessionhub serve --maxscale-port -1"],
  async run({ flags }) {
    const { serve: run } = await import("./serve.js");
    await run(settings(flags, Object.keys(SERVE_FLAGS)));
  },
});

const token = command({
  summary: "Issue a new admin token from the server's machine, without the server",
  description: `Open the server's database directly — the same --data-dir, --database-url, --config and
SESSIONHUB_* settings as serve — and issue a new API token for an administrator (admin unless
--user; created when missing). The token is printed once. For an operator who lost the admin token.`,
  flags: {
    "data-dir": SERVE_FLAGS["data-dir"]!,
    "database-url": SERVE_FLAGS["database-url"]!,
    config: SERVE_FLAGS.config!,
    user: { type: "string", value: "USER", help: "the administrator (default admin)" },
    name: { type: "string", value: "NAME", help: "a name for the token (default recovery)" },
  },
  examples: ["sessionhub admin token --data-dir /var/lib/sessionhub", "sessionhub admin token --database-url postgres://hub@db/sessionhub -o json"],
  async run({ flags, env, out }) {
    const { recoverToken } = await import("../recover-token.js");
    const r = await recoverToken(env, settings(flags, ["data-dir", "database-url", "config"]), text(flags, "user") ?? "admin", text(flags, "name") ?? "recovery");
    const created = r.createdUser ? ` (created user ${r.token.userId} as an administrator)` : "";
    out.done(r, `token ${r.token.id} for ${r.token.userId}${created}, shown this once:\n${r.secret}`, r.secret);
  },
});

export const admin = group({ summary: "Work on the server's database directly, on its machine", children: { token } });

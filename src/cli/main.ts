import { parseArgs } from "node:util";
import { CliError, NativeClient } from "./client.js";
import * as admin from "./commands/admin.js";
import { roundware } from "./commands/roundware.js";
import { serve } from "./commands/serve.js";

const HELP = `sessionhub — one session service, every session API

  sessionhub serve [--host H] [--port P] [--data-dir D] [--database-url URL] [--config FILE]
  sessionhub users add <id> [--role admin] [--password-stdin] | users list
  sessionhub tokens create [--name N] [--user U] [--expires-in S] | tokens list | tokens revoke <id>
  sessionhub services list | services create <id> [--kind K] [--number N] [--name N] [--settings JSON] [--timeout S] | services update <id> ...
  sessionhub sessions list [--service S] [--state S] [--all] | sessions show <id> | sessions end <id> | sessions delete <id>
  sessionhub roundware languages list | add <code> <name> [--id N] | update <id> [--code C] [--name N] | remove <id>

Client commands talk to a running server: --url (or SESSIONHUB_URL, default http://127.0.0.1:8080)
and --token (or SESSIONHUB_TOKEN). --json prints JSON for scripts.`;

const OPTIONS = {
  help: { type: "boolean", short: "h" },
  json: { type: "boolean" },
  all: { type: "boolean" },
  url: { type: "string" },
  token: { type: "string" },
  config: { type: "string" },
  host: { type: "string" },
  port: { type: "string" },
  "data-dir": { type: "string" },
  "database-url": { type: "string" },
  "log-level": { type: "string" },
  "reaper-interval-ms": { type: "string" },
  "maxscale-port": { type: "string" },
  "roundware-port": { type: "string" },
  role: { type: "string" },
  password: { type: "string" },
  "password-stdin": { type: "boolean" },
  "device-id": { type: "string" },
  name: { type: "string" },
  user: { type: "string" },
  "expires-in": { type: "string" },
  kind: { type: "string" },
  number: { type: "string" },
  description: { type: "string" },
  settings: { type: "string" },
  timeout: { type: "string" },
  service: { type: "string" },
  state: { type: "string" },
  owner: { type: "string" },
  limit: { type: "string" },
  reason: { type: "string" },
  id: { type: "string" },
  code: { type: "string" },
} as const;

export async function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(`${s}\n`)): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new CliError(`${(e as Error).message}\n\n${HELP}`, 2);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command) return out(HELP);
  const flags = values as Record<string, string | boolean>;
  if (command === "serve") {
    const serveFlags = Object.fromEntries(Object.entries(flags).filter(([, v]) => typeof v === "string")) as Record<string, string>;
    return serve(serveFlags);
  }
  const client = new NativeClient({
    url: (values.url ?? process.env.SESSIONHUB_URL ?? "http://127.0.0.1:8080").replace(/\/$/, ""),
    token: values.token ?? process.env.SESSIONHUB_TOKEN,
  });
  switch (command) {
    case "users":
      return admin.users(client, rest, flags, out);
    case "tokens":
      return admin.tokens(client, rest, flags, out);
    case "services":
      return admin.services(client, rest, flags, out);
    case "sessions":
      return admin.sessions(client, rest, flags, out);
    case "roundware":
      return roundware(client.options, rest, flags, out);
    default:
      throw new CliError(`unknown command ${command}\n\n${HELP}`, 2);
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`sessionhub: ${(e as Error).message}\n`);
  process.exit(e instanceof CliError ? e.exitCode : 1);
});

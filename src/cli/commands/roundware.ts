import { CliError, type ClientOptions } from "../client.js";
import { table } from "../table.js";

type Flags = Record<string, string | boolean>;
type Out = (text: string) => void;

const USAGE = "usage: sessionhub roundware languages list | add <code> <name> [--id N] | update <id> [--code C] [--name N] | remove <id>";

/** DRF error bodies as one line: `detail`, or each field with its messages. */
function describe(body: unknown, fallback: string): string {
  if (typeof body !== "object" || body === null) return fallback;
  const b = body as Record<string, unknown>;
  if (typeof b.detail === "string") return b.detail;
  return Object.entries(b)
    .map(([field, messages]) => `${field}: ${Array.isArray(messages) ? messages.join(" ") : String(messages)}`)
    .join("; ");
}

/** Roundware's own API (R7–R10) with `Authorization: token <key>`, as its admin tools call it. */
async function request<T>(options: ClientOptions, method: string, path: string, body?: unknown): Promise<T> {
  if (!options.token) throw new CliError("No token: pass --token or set SESSIONHUB_TOKEN.", 2);
  let res: Response;
  try {
    res = await fetch(new URL(`/api/2/${path}`, options.url), {
      method,
      headers: { authorization: `token ${options.token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new CliError(`Cannot reach ${options.url}: ${(e as Error).cause ?? (e as Error).message}`);
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) throw new CliError(`${res.status} ${describe(parsed, text || res.statusText)}`);
  return parsed as T;
}

function languageId(args: string[]): string {
  const id = args[2];
  if (!id || !/^\d+$/.test(id)) throw new CliError(`missing or bad language id\n${USAGE}`, 2);
  return id;
}

/** `sessionhub roundware languages …`: Roundware's languages, through R7–R10. */
export async function roundware(options: ClientOptions, args: string[], flags: Flags, out: Out): Promise<void> {
  const [resource, verb] = args;
  if (resource !== "languages") throw new CliError(USAGE, 2);
  const print = (data: unknown, human: () => string) => out(flags.json ? JSON.stringify(data, null, 2) : human());
  type Language = { id: number; name: string; language_code: string };
  const show = (l: Language) => `language ${l.id}: ${l.language_code} "${l.name}"`;
  if (verb === "list") {
    const items = await request<Language[]>(options, "GET", "languages/");
    return print(items, () => table(items, ["id", "language_code", "name"]));
  }
  if (verb === "add") {
    const [, , code, name] = args;
    if (!code || name === undefined) throw new CliError(USAGE, 2);
    const id = typeof flags.id === "string" ? flags.id : undefined;
    if (id !== undefined && !/^\d+$/.test(id)) throw new CliError("--id takes a whole number", 2);
    const created = await request<Language>(options, "POST", "languages/", { language_code: code, name, ...(id ? { id: Number(id) } : {}) });
    return print(created, () => `created ${show(created)}`);
  }
  if (verb === "update") {
    const id = languageId(args);
    const change = {
      ...(typeof flags.code === "string" ? { language_code: flags.code } : {}),
      ...(typeof flags.name === "string" ? { name: flags.name } : {}),
    };
    if (Object.keys(change).length === 0) throw new CliError(`nothing to update: give --code and/or --name\n${USAGE}`, 2);
    const updated = await request<Language>(options, "PATCH", `languages/${id}/`, change);
    return print(updated, () => `updated ${show(updated)}`);
  }
  if (verb === "remove") {
    const id = languageId(args);
    await request(options, "DELETE", `languages/${id}/`);
    return print({ removed: Number(id) }, () => `removed language ${id}`);
  }
  throw new CliError(USAGE, 2);
}

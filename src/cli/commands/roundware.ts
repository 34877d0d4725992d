import { notSessionhub, unreachable } from "../../client/errors.js";
import { connection } from "../connection.js";
import { CliError, EXIT, exitCodeOf, usage } from "../exit.js";
import { type Column, type Output } from "../output.js";
import { type Flags, type RunContext, command, group } from "../spec.js";
import { text, whole } from "../values.js";

interface Language {
  id: number;
  name: string;
  language_code: string;
}

const COLUMNS: Column<Language>[] = [
  { header: "ID", value: (l) => l.id, text: (l) => String(l.id) },
  { header: "CODE", value: (l) => l.language_code },
  { header: "NAME", value: (l) => l.name },
];

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
async function request<T>(flags: Flags, env: NodeJS.ProcessEnv, method: string, path: string, body?: unknown): Promise<T> {
  const { url, token } = connection(flags, env);
  if (!token) throw new CliError(`No token for ${url}: run "sessionhub login", pass --token or set SESSIONHUB_TOKEN.`, EXIT.auth);
  let res: Response;
  try {
    res = await fetch(`${url}/api/2/${path}`, {
      method,
      headers: { authorization: `token ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (e) {
    throw unreachable(url, e);
  }
  const contentType = res.headers.get("content-type") ?? "";
  const raw = await res.text();
  if (raw !== "" && !/json/i.test(contentType)) throw notSessionhub(url, res.status, contentType);
  const parsed = raw ? (JSON.parse(raw) as unknown) : undefined;
  if (!res.ok) throw new CliError(`${res.status} ${describe(parsed, raw || res.statusText)}`, exitCodeOf(res.status), { status: res.status, body: parsed });
  return parsed as T;
}

const show = (l: Language) => `language ${l.id}: ${l.language_code} "${l.name}"`;

function languageId(ctx: RunContext): string {
  const id = ctx.args[0]!;
  if (!/^\d+$/.test(id)) throw usage(`a language id is a whole number; got "${id}"`);
  return id;
}

const say = (out: Output, l: Language, verb: string) => out.done(l, `${verb} ${show(l)}`, l.id);

const languages = group({
  summary: "Roundware's languages",
  children: {
    list: command({
      summary: "List the languages",
      examples: ["sessionhub roundware languages list"],
      async run({ flags, env, out }) {
        out.list(await request<Language[]>(flags, env, "GET", "languages/"), COLUMNS);
      },
    }),
    add: command({
      summary: "Add a language",
      args: ["<code>", "<name>"],
      flags: { id: { type: "string", value: "N", help: "its id (default: the next free one)" } },
      examples: ["sessionhub roundware languages add fr Français"],
      async run({ args, flags, env, out }) {
        const id = whole(flags, "id", 1);
        say(out, await request<Language>(flags, env, "POST", "languages/", { language_code: args[0], name: args[1], ...(id ? { id } : {}) }), "created");
      },
    }),
    update: command({
      summary: "Change a language",
      args: ["<id>"],
      flags: {
        code: { type: "string", value: "CODE", help: "its language code" },
        name: { type: "string", value: "NAME", help: "its name" },
      },
      examples: ["sessionhub roundware languages update 2 --name Deutsch"],
      async run(ctx) {
        const change = { ...(text(ctx.flags, "code") ? { language_code: text(ctx.flags, "code") } : {}), ...(text(ctx.flags, "name") !== undefined ? { name: text(ctx.flags, "name") } : {}) };
        if (Object.keys(change).length === 0) throw usage("nothing to change: give --code and/or --name");
        say(ctx.out, await request<Language>(ctx.flags, ctx.env, "PATCH", `languages/${languageId(ctx)}/`, change), "updated");
      },
    }),
    remove: command({
      summary: "Remove a language",
      args: ["<id>"],
      examples: ["sessionhub roundware languages remove 2"],
      async run(ctx) {
        const id = languageId(ctx);
        await request(ctx.flags, ctx.env, "DELETE", `languages/${id}/`);
        ctx.out.done({ removed: Number(id) }, `removed language ${id}`, id);
      },
    }),
  },
});

export const roundware = group({ summary: "Roundware's own resources, through its API", children: { languages } });

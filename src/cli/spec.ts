import type { SessionHub } from "../client/index.js";
import type { Output } from "./output.js";

export interface FlagSpec {
  type: "string" | "boolean";
  short?: string;
  /** The placeholder of its value in help: `N`, `URL`. */
  value?: string;
  help: string;
  /** The only values it takes. */
  choices?: readonly string[];
}

export type Flags = Record<string, string | boolean | undefined>;

export interface RunContext {
  args: string[];
  flags: Flags;
  out: Output;
  /** The client for the server of --url / SESSIONHUB_URL / the stored login, with its token. */
  hub(): SessionHub;
  env: NodeJS.ProcessEnv;
}

export interface Command {
  kind: "command";
  summary: string;
  /** Longer text for its help; the summary when absent. */
  description?: string;
  /** Positional arguments in order, as `<id>`; a trailing `?` marks one as optional. */
  args?: string[];
  flags?: Record<string, FlagSpec>;
  examples?: string[];
  run(ctx: RunContext): Promise<void>;
}

export interface Group {
  kind: "group";
  summary: string;
  description?: string;
  children: Record<string, Node>;
  /** Headed lists of the children in its help; one "Commands" list when absent. */
  sections?: [string, string[]][];
}

export type Node = Command | Group;

export const command = (c: Omit<Command, "kind">): Command => ({ kind: "command", ...c });
export const group = (g: Omit<Group, "kind">): Group => ({ kind: "group", ...g });

/** Flags every command takes. */
export const GLOBAL_FLAGS: Record<string, FlagSpec> = {
  output: { type: "string", short: "o", value: "FORMAT", help: "table, wide, json or tsv (default table)", choices: ["table", "wide", "json", "tsv"] },
  json: { type: "boolean", help: "the same as -o json" },
  url: { type: "string", value: "URL", help: "the server (default: SESSIONHUB_URL, the login, http://127.0.0.1:8080)" },
  token: { type: "string", value: "TOKEN", help: "an API token (default: SESSIONHUB_TOKEN, the login)" },
  help: { type: "boolean", short: "h", help: "help for this command" },
  version: { type: "boolean", help: "the version of sessionhub" },
};

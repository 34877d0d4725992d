import { EXIT_CODES_HELP } from "./exit.js";
import { type Command, type FlagSpec, GLOBAL_FLAGS, type Group, type Node } from "./spec.js";

const ENVIRONMENT_HELP = `Environment:
  SESSIONHUB_URL     the server, when --url is not given (then the login's, then http://127.0.0.1:8080)
  SESSIONHUB_TOKEN   an API token, when --token is not given (then the login's)
  SESSIONHUB_*       the server's settings, for serve and admin token (see the README)`;

const commandLine = (path: string[]) => ["sessionhub", ...path].join(" ");

function table(rows: [string, string][], width = Math.max(...rows.map(([left]) => left.length))): string {
  return rows.map(([left, right]) => `  ${left.padEnd(width)}   ${right}`).join("\n");
}

function flagRows(flags: Record<string, FlagSpec>): [string, string][] {
  return Object.entries(flags).map(([name, f]) => [`${f.short ? `-${f.short}, ` : "    "}--${name}${f.value ? ` ${f.value}` : ""}`, f.help]);
}

function groupHelp(path: string[], g: Group): string {
  const sections = g.sections ?? [["Commands", Object.keys(g.children)]];
  const width = Math.max(...Object.keys(g.children).map((n) => n.length));
  const parts = [
    g.description ?? g.summary,
    `Usage:\n  ${commandLine(path)} <command> [flags]`,
    ...sections.map(([title, names]) => `${title}:\n${table(names.map((n) => [n, g.children[n]!.summary]), width)}`),
  ];
  if (path.length === 0) parts.push(`Flags:\n${table(flagRows(GLOBAL_FLAGS))}`, ENVIRONMENT_HELP, EXIT_CODES_HELP);
  parts.push(`Run "${commandLine([...path, "<command>"])} --help" for its flags and examples.`);
  return parts.join("\n\n");
}

function commandHelp(path: string[], c: Command): string {
  const parts = [c.description ?? c.summary, `Usage:\n  ${[commandLine(path), ...(c.args ?? []).map((a) => (a.endsWith("?") ? `[${a.slice(0, -1)}]` : a)), "[flags]"].join(" ")}`];
  if (c.flags && Object.keys(c.flags).length > 0) parts.push(`Flags:\n${table(flagRows(c.flags))}`);
  parts.push(`Global flags:\n${table(flagRows(GLOBAL_FLAGS))}`);
  if (c.examples?.length) parts.push(`Examples:\n${c.examples.map((e) => `  ${e}`).join("\n")}`);
  return parts.join("\n\n");
}

export const helpFor = (path: string[], node: Node): string => (node.kind === "group" ? groupHelp(path, node) : commandHelp(path, node));

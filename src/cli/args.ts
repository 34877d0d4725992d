import { nearest } from "../nearest.js";
import { usage } from "./exit.js";
import { type Command, type FlagSpec, type Flags, GLOBAL_FLAGS, type Group, type Node } from "./spec.js";

export interface Parsed {
  /** The words that led to the node: `["sessions", "list"]`. */
  path: string[];
  node: Node;
  args: string[];
  flags: Flags;
}

const commandLine = (path: string[]) => ["sessionhub", ...path].join(" ");

function unknownCommand(word: string, path: string[], group: Group): Error {
  const near = nearest(word, Object.keys(group.children));
  const hint = near ? `; did you mean "${commandLine([...path, near])}"?` : "";
  return usage(`unknown command "${word}" for "${commandLine(path)}"${hint}\nRun "${commandLine(path)} --help" for its commands.`);
}

function unknownFlag(name: string, path: string[], known: Record<string, FlagSpec>): Error {
  const near = nearest(name, Object.keys(known));
  const hint = near ? `; did you mean --${near}?` : "";
  return usage(`unknown flag ${name.length === 1 ? "-" : "--"}${name} for "${commandLine(path)}"${hint}\nRun "${commandLine(path)} --help" for its flags.`);
}

/**
 * Reads a command line against the command tree: words pick the group and command,
 * flags are checked against the command's (those before the command against the global
 * ones). A flag that takes a value takes the next word whatever it looks like, so
 * `--maxscale-port -1` and `--sort -createdAt` work.
 */
export function parse(argv: string[], root: Group): Parsed {
  let node: Node = root;
  const path: string[] = [];
  const args: string[] = [];
  const flags: Flags = {};
  for (let i = 0; i < argv.length; i += 1) {
    const word = argv[i]!;
    if (word === "--") {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (word.startsWith("-") && word !== "-") {
      const known: Record<string, FlagSpec> = { ...GLOBAL_FLAGS, ...(node.kind === "command" ? node.flags : {}) };
      const long = word.startsWith("--");
      const [rawName, inline] = long ? splitOnce(word.slice(2), "=") : [word.slice(1, 2), word.length > 2 ? word.slice(2).replace(/^=/, "") : undefined];
      const name = long ? rawName : Object.keys(known).find((k) => known[k]!.short === rawName);
      const spec = name === undefined ? undefined : known[name];
      if (name === undefined || !spec) throw unknownFlag(rawName, path, known);
      if (spec.type === "boolean") {
        if (inline !== undefined) throw usage(`--${name} takes no value`);
        flags[name] = true;
        continue;
      }
      const value = inline ?? argv[++i];
      if (value === undefined) throw usage(`--${name} needs a value${spec.value ? ` (${spec.value})` : ""}`);
      if (spec.choices && !spec.choices.includes(value)) throw usage(`--${name} must be ${spec.choices.join(", ")}; got "${value}"`);
      flags[name] = value;
      continue;
    }
    if (node.kind === "group" && args.length === 0) {
      const child: Node | undefined = node.children[word];
      if (!child) throw unknownCommand(word, path, node);
      node = child;
      path.push(word);
      continue;
    }
    args.push(word);
  }
  if (flags.json) flags.output = "json";
  return { path, node, args, flags };
}

function splitOnce(text: string, sep: string): [string, string | undefined] {
  const at = text.indexOf(sep);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** Refuses missing and extra positional arguments, naming them. */
export function checkArgs(path: string[], command: Command, args: string[]): void {
  const spec = command.args ?? [];
  const required = spec.filter((a) => !a.endsWith("?"));
  if (args.length < required.length) {
    throw usage(`"${commandLine(path)}" needs ${required.slice(args.length).join(" ")}\nUsage: ${commandLine(path)} ${spec.join(" ")}`.trimEnd());
  }
  // A last argument spelt `<name…>` takes any number of words.
  if (args.length > spec.length && !spec.at(-1)?.includes("…")) {
    throw usage(`unexpected argument "${args[spec.length]}" for "${commandLine(path)}"\nRun "${commandLine(path)} --help" for its usage.`);
  }
}

/** The output format named on a command line, read before it is parsed, so a usage error can be JSON too. */
export function outputFormatOf(argv: string[]): string {
  let format = "table";
  argv.forEach((word, i) => {
    if (word === "--json" || word === "-ojson" || word === "-o=json" || word === "--output=json") format = "json";
    else if ((word === "-o" || word === "--output") && argv[i + 1]) format = argv[i + 1]!;
  });
  return format;
}

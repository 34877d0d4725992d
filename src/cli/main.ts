import { checkArgs, outputFormatOf, parse } from "./args.js";
import { clientFor, connection } from "./connection.js";
import { EXIT, asCliError } from "./exit.js";
import { helpFor } from "./help.js";
import { type Format, Output } from "./output.js";
import type { SessionHub } from "../client/index.js";
import { ROOT } from "./tree.js";

type Write = (line: string) => void;

/**
 * The `sessionhub` command. It loads only what it needs: a client command reads its
 * flags and talks HTTP; `serve` and `admin token` load the server's modules when run.
 */
export async function main(argv: string[], env: NodeJS.ProcessEnv, stdout: Write, stderr: Write): Promise<number> {
  const parsed = parse(argv, ROOT);
  if (parsed.flags.version) {
    const { SESSIONHUB_VERSION } = await import("../version.js");
    stdout(`sessionhub ${SESSIONHUB_VERSION}`);
    return EXIT.ok;
  }
  if (parsed.flags.help || parsed.node.kind === "group") {
    stdout(helpFor(parsed.path, parsed.node));
    return EXIT.ok;
  }
  checkArgs(parsed.path, parsed.node, parsed.args);
  const out = new Output((parsed.flags.output as Format | undefined) ?? "table", stdout, stderr);
  let hub: SessionHub | undefined;
  await parsed.node.run({
    args: parsed.args,
    flags: parsed.flags,
    out,
    env,
    hub: () => (hub ??= clientFor(connection(parsed.flags, env))),
  });
  return EXIT.ok;
}

const argv = process.argv.slice(2);
const write = (stream: NodeJS.WriteStream) => (line: string) => void stream.write(`${line}\n`);
main(argv, process.env, write(process.stdout), write(process.stderr)).then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    const error = asCliError(e);
    if (outputFormatOf(argv) === "json") {
      process.stderr.write(`${JSON.stringify({ error: { message: error.message, exitCode: error.exitCode, ...error.details } })}\n`);
    } else process.stderr.write(`sessionhub: ${error.message}\n`);
    process.exitCode = error.exitCode;
  },
);

import { pino, type Logger } from "pino";
import type { Config } from "../config.js";
import { LogDestination } from "./destination.js";
import { prettyStream } from "./pretty.js";

/** Whether log lines are for people: `pretty`, or `auto` on a terminal. */
export const isPretty = (config: Pick<Config, "logFormat">) =>
  config.logFormat === "pretty" || (config.logFormat === "auto" && process.stdout.isTTY === true);

/**
 * The server's logger: JSON lines with secrets redacted, or the same lines made readable
 * when `logFormat` says so (`auto`: when standard output is a terminal).
 */
export function createLogger(config: Pick<Config, "logLevel" | "logFormat">): Logger {
  return pino(
    {
      level: config.logLevel,
      redact: {
        paths: ["req.headers.authorization", "req.headers.cookie", "*.password", "*.passwordHash", "*.secret", "*.token", "headers.authorization"],
        censor: "[REDACTED]",
      },
    },
    isPretty(config)
      ? prettyStream(process.stdout)
      : standardOutput(),
  );
}

let stdout: LogDestination | null = null;

/**
 * Standard output as a log destination: one per process, however many loggers write to it,
 * so that their batches cannot overtake each other. What it still holds is written on exit.
 */
function standardOutput(): LogDestination {
  if (!stdout) {
    const destination = new LogDestination(1);
    process.on("exit", () => destination.flushSync());
    stdout = destination;
  }
  return stdout;
}

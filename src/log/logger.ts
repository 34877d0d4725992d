import { pino, type Logger } from "pino";
import type { Config } from "../config.js";
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
      : // Buffered, asynchronous writes: a synchronous write per request line costs a third
        // of the throughput of a fast route. Flushed on shutdown (and by pino on exit).
        pino.destination({ dest: 1, sync: false, minLength: 4096 }),
  );
}

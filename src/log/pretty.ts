import { Writable } from "node:stream";

const LEVELS: Record<number, [string, string]> = {
  10: ["TRACE", "\x1b[90m"],
  20: ["DEBUG", "\x1b[36m"],
  30: ["INFO ", "\x1b[32m"],
  40: ["WARN ", "\x1b[33m"],
  50: ["ERROR", "\x1b[31m"],
  60: ["FATAL", "\x1b[35m"],
};
const DIM = "\x1b[2m";
const RESET = "\x1b[0m";

/** Keys every line has, or that the line's own layout already shows. */
const SHOWN = new Set(["level", "time", "pid", "hostname", "msg", "reqId", "method", "url", "status", "ms", "ip", "userAgent"]);

function clock(time: unknown): string {
  const d = new Date(typeof time === "number" ? time : Date.now());
  return d.toTimeString().slice(0, 8);
}

/** One pino JSON line as people read it: time, level, message, then the other fields. */
export function prettyLine(line: string, color: boolean): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const [label, hue] = LEVELS[Number(entry.level)] ?? ["INFO ", ""];
  const paint = (text: string, code: string) => (color ? `${code}${text}${RESET}` : text);
  const head = `${paint(clock(entry.time), DIM)} ${paint(label, hue)}`;
  if (entry.msg === "request completed") {
    const request = `${entry.method} ${entry.url} → ${entry.status} ${paint(`${entry.ms} ms`, DIM)}`;
    return `${head} ${request}\n`;
  }
  const rest = Object.entries(entry)
    .filter(([k]) => !SHOWN.has(k))
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`);
  const err = entry.err as { stack?: string; message?: string } | undefined;
  const tail = err?.stack ? `\n${paint(err.stack, DIM)}` : "";
  return `${head} ${String(entry.msg ?? "")}${rest.length ? ` ${paint(rest.filter((r) => !r.startsWith("err=")).join(" "), DIM)}` : ""}${tail}\n`;
}

/** A stream that takes pino's JSON lines and writes them for a terminal. */
export function prettyStream(out: NodeJS.WriteStream): Writable {
  const color = out.isTTY === true && !process.env.NO_COLOR;
  let pending = "";
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      pending += chunk.toString();
      let end: number;
      let text = "";
      while ((end = pending.indexOf("\n")) >= 0) {
        text += prettyLine(pending.slice(0, end), color);
        pending = pending.slice(end + 1);
      }
      if (text) out.write(text);
      done();
    },
  });
}

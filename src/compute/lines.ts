import type { LineType, LogStream } from "../core/types.js";
import type { OutLine } from "./types.js";

/** A line as stored: one stream, no line breaks, no control characters, at most maxLineBytes. */
export interface StoredLine {
  stream: LogStream;
  type: LineType;
  text: string;
}

const PREFIX: Partial<Record<LineType, string>> = { note: "NOTE: ", warning: "WARNING: ", error: "ERROR: " };
/** SAS's numbered messages (`ERROR 180-322: …`) carry their prefix already. */
const NUMBERED = /^(ERROR|WARNING) \d+-\d+: /;
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g;
const encoder = new TextEncoder();

/** Splits at CRLF, LF or CR, dropping the empty piece after a final break. */
export function splitLines(text: string): string[] {
  const parts = text.split(/\r\n|\n|\r/);
  if (parts.length > 1 && parts.at(-1) === "") parts.pop();
  return parts;
}

/** Cuts text to at most `max` bytes of UTF-8, at a character boundary. */
export function truncateUtf8(text: string, max: number): string {
  if (text.length * 3 <= max) return text;
  const buffer = new Uint8Array(max);
  const { read } = encoder.encodeInto(text, buffer);
  return text.slice(0, read);
}

const clean = (text: string, maxBytes: number) => truncateUtf8(text.replace(CONTROL, ""), maxBytes);

/**
 * An executor's line as the server stores it (contract §9.2): one group per line of its
 * text, the type's prefix on the first unless present; a group holds the `normal` line
 * of `both` in listing and log, and only `normal` lines ever reach the listing. Each
 * group counts once against `maxLines`.
 */
export function storedLines(line: OutLine, maxLineBytes: number): StoredLine[][] {
  const prefix = PREFIX[line.type] ?? "";
  const streams: LogStream[] =
    line.type !== "normal" || line.stream === "log" ? ["log"] : line.stream === "listing" ? ["listing"] : ["listing", "log"];
  return splitLines(line.text).map((part, i) => {
    const text = clean(i === 0 && prefix && !part.startsWith(prefix) && !NUMBERED.test(part) ? prefix + part : part, maxLineBytes);
    return streams.map((stream) => ({ stream, type: line.type, text }));
  });
}

/** The numbered echo of code: `1    print hello`, `12345 x`. */
export function sourceLines(code: string, first: number, maxLineBytes: number): StoredLine[] {
  return splitLines(code).map((text, i) => {
    const n = String(first + i);
    return { stream: "log", type: "source", text: clean(`${n.padEnd(5)}${n.length >= 5 ? " " : ""}${text}`, maxLineBytes) };
  });
}

import { Transform, type TransformCallback } from "node:stream";

/** A body nested deeper than the limit: a 400 in the API's format. */
export class JsonTooDeep extends Error {
  readonly statusCode = 400;
  readonly code = "SESSIONHUB_JSON_TOO_DEEP";

  constructor(limit: number) {
    super(`The JSON body is nested deeper than ${limit} levels.`);
    this.name = "JsonTooDeep";
  }
}

export const isJsonTooDeep = (e: unknown): e is JsonTooDeep => (e as { code?: unknown } | null)?.code === "SESSIONHUB_JSON_TOO_DEEP";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * Passes a body through while counting the nesting of JSON objects and arrays outside
 * strings, and fails it as soon as the nesting passes the limit — before any parser,
 * validator or store walks it recursively. It judges bytes only: whether they are JSON
 * at all is the parser's business.
 */
export class JsonDepthGuard extends Transform {
  private depth = 0;
  private inString = false;
  private escaped = false;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    for (let i = 0; i < chunk.length; i += 1) {
      const b = chunk[i]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === BACKSLASH) this.escaped = true;
        else if (b === QUOTE) this.inString = false;
      } else if (b === QUOTE) {
        this.inString = true;
      } else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
        this.depth += 1;
        if (this.depth > this.limit) return done(new JsonTooDeep(this.limit));
      } else if ((b === CLOSE_BRACE || b === CLOSE_BRACKET) && this.depth > 0) {
        this.depth -= 1;
      }
    }
    done(null, chunk);
  }
}

const JSON_MEDIA = /^application\/(?:[\w.+-]*\+)?json$|^application\/json-patch\+json$/i;

/** Whether a Content-Type names JSON (`application/json`, `application/merge-patch+json`, `…+json`). */
export function isJsonMedia(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  return JSON_MEDIA.test(contentType.split(";", 1)[0]!.trim());
}

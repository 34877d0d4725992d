import type { FastifyReply } from "fastify";
import type { Session } from "../core/types.js";

/**
 * What makes a session's rendering differ: its version moves with every change of content
 * or membership, and activity moves `lastActivityAt` and `expiresAt` without it.
 */
export const sessionStamp = (s: Pick<Session, "version" | "lastActivityAt" | "expiresAt">): string => `${s.version}:${s.lastActivityAt}:${s.expiresAt}`;

/** The content type Fastify gives the JSON it serialises, for texts serialised ahead. */
export const JSON_TYPE = "application/json; charset=utf-8";

/** Sends JSON serialised ahead as it is: Fastify passes a string with a JSON type through untouched. */
export function sendSerialised(reply: FastifyReply, text: string): FastifyReply {
  return reply.type(JSON_TYPE).send(text);
}

/** The serialiser the route's schema compiler makes for `schema`, so the text is the bytes Fastify would send. */
export function serialiserOf(reply: FastifyReply, schema: object): (value: object) => string {
  return reply.compileSerializationSchema(schema as Record<string, unknown>) as (value: object) => string;
}

/** Texts larger than this are rendered each time: a few large sessions must not evict the many. */
const LARGEST_KEPT = 64 * 1024;

/**
 * The serialised text of each session as last rendered, by id, kept while its stamp holds.
 * Exact, since the stamp covers everything the text is made from; bounded by entries and
 * characters, the least recently used going first.
 */
export class RenderedSessions {
  private readonly texts = new Map<string, { stamp: string; text: string }>();
  private chars = 0;

  constructor(
    private readonly maxEntries = 10_000,
    private readonly maxChars = 16 * 1024 * 1024,
  ) {}

  /** The text of `key` at `stamp`, rendered by `render` when it is not kept. */
  text(key: string, stamp: string, render: () => string): string {
    const kept = this.texts.get(key);
    if (kept !== undefined) {
      this.texts.delete(key);
      if (kept.stamp === stamp) {
        this.texts.set(key, kept);
        return kept.text;
      }
      this.chars -= kept.text.length;
    }
    const text = render();
    if (text.length <= LARGEST_KEPT) {
      this.texts.set(key, { stamp, text });
      this.chars += text.length;
      for (const [oldest, entry] of this.texts) {
        if (this.texts.size <= this.maxEntries && this.chars <= this.maxChars) break;
        this.texts.delete(oldest);
        this.chars -= entry.text.length;
      }
    }
    return text;
  }
}

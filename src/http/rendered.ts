import type { FastifyReply } from "fastify";
import type { Session } from "../core/types.js";

/**
 * What makes a session's rendering differ: its version moves with every change of content
 * or membership, and activity moves `lastActivityAt` and `expiresAt` without it.
 */
export const sessionStamp = (s: Pick<Session, "version" | "lastActivityAt" | "expiresAt">): string => `${s.version}:${s.lastActivityAt}:${s.expiresAt}`;

/** The content type Fastify gives the JSON it serialises, for texts serialised ahead. */
export const JSON_TYPE = "application/json; charset=utf-8";

/** Sends JSON serialised ahead as it is: Fastify passes a string or bytes with a JSON type through untouched. */
export function sendSerialised(reply: FastifyReply, json: string | Buffer): FastifyReply {
  return reply.type(JSON_TYPE).send(json);
}

const COMMA = Buffer.from(",");

/**
 * `open`, the items separated by commas, `close`: a JSON array or object made from texts
 * rendered ahead, in one copy of their bytes (joining strings would walk each one's
 * pieces again and encode the whole page once more on its way to the socket).
 */
export function joinJson(open: string, items: readonly Buffer[], close: string): Buffer {
  const parts: Buffer[] = [Buffer.from(open)];
  items.forEach((item, i) => {
    if (i > 0) parts.push(COMMA);
    parts.push(item);
  });
  parts.push(Buffer.from(close));
  return Buffer.concat(parts);
}

/** The serialiser the route's schema compiler makes for `schema`, so the text is the bytes Fastify would send. */
export function serialiserOf(reply: FastifyReply, schema: object): (value: object) => string {
  return reply.compileSerializationSchema(schema as Record<string, unknown>) as (value: object) => string;
}

/**
 * A text's bytes in memory of their own. A small `Buffer.from` is a slice of a shared 8 KiB
 * pool, and a kept slice holds its whole pool alive: the bytes bound would not bound memory.
 */
function ownBytes(text: string): Buffer {
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  bytes.write(text);
  return bytes;
}

/** Texts larger than this are rendered each time: a few large sessions must not evict the many. */
const LARGEST_KEPT = 64 * 1024;

/**
 * The serialised bytes of each session as last rendered, by id, kept while its stamp
 * holds. Exact, since the stamp covers everything the text is made from; bounded by
 * entries and bytes. Bytes, not strings: pages are assembled from them (joinJson) and
 * written to sockets as they are.
 *
 * What goes first is chosen as CLOCK does: the oldest entry, unless it was read since it
 * was kept or last passed over, in which case it moves to the back. That is close to least
 * recently used without moving an entry on every hit, which showed on the GET path.
 */
export class RenderedSessions {
  private readonly kept = new Map<string, { stamp: string; bytes: Buffer; used: boolean }>();
  private size = 0;

  constructor(
    private readonly maxEntries = 10_000,
    private readonly maxBytes = 16 * 1024 * 1024,
  ) {}

  /** The bytes of `key` at `stamp`, rendered by `render` when they are not kept. */
  bytes(key: string, stamp: string, render: () => string): Buffer {
    const kept = this.kept.get(key);
    if (kept !== undefined) {
      if (kept.stamp === stamp) {
        kept.used = true;
        return kept.bytes;
      }
      this.kept.delete(key);
      this.size -= kept.bytes.length;
    }
    const bytes = ownBytes(render());
    if (bytes.length <= LARGEST_KEPT) {
      this.kept.set(key, { stamp, bytes, used: false });
      this.size += bytes.length;
      this.evict(key);
    }
    return bytes;
  }

  /** Makes room, keeping `newest`. Entries moved to the back come round again in this same walk, unmarked. */
  private evict(newest: string): void {
    for (const [key, entry] of this.kept) {
      if ((this.kept.size <= this.maxEntries && this.size <= this.maxBytes) || this.kept.size === 1) break;
      this.kept.delete(key);
      if (key === newest || entry.used) {
        entry.used = false;
        this.kept.set(key, entry);
      } else {
        this.size -= entry.bytes.length;
      }
    }
  }
}

/**
 * Bytes made from a page of sessions, kept by the page's identity. A store that has seen
 * no write since the last read hands out the same frozen page (store/sqlite/page-cache.ts),
 * so the bytes made from it are the same too, as long as `variant` names everything else
 * they are made from. Any other page is a new key; kept bytes go with their page.
 */
export class RenderedPages {
  private readonly kept = new WeakMap<object, { variant: string; bytes: Buffer }>();

  bytes(page: object, variant: string, render: () => Buffer): Buffer {
    const kept = this.kept.get(page);
    if (kept !== undefined && kept.variant === variant) return kept.bytes;
    const bytes = render();
    this.kept.set(page, { variant, bytes });
    return bytes;
  }
}

import type pg from "pg";
import type { HubEvent } from "../../core/events.js";

/** The channel every transaction that writes events notifies, with its node id as payload. */
export const EVENTS_CHANNEL = "sessionhub_events";

export interface EventFeedOptions {
  nodeId: string;
  /** The highest event seq when the feed starts: it delivers what commits after. */
  start: number;
  /** A new, unconnected client for the LISTEN connection, whose queries time out. */
  client: () => pg.Client;
  /**
   * How often the LISTEN connection is asked to answer. A connection that the server or
   * the network lost without a word (a half-open socket) looks idle, not broken, and a
   * listener on it would wait forever.
   */
  heartbeatMs: number;
  /** Committed events with seq above `after` or in `missing`, in seq order. */
  read: (after: number, missing: number[], limit: number) => Promise<HubEvent[]>;
  onEvents: (events: HubEvent[]) => void;
}

const BATCH = 500;
/**
 * How long a hole in the sequence may still be filled by a late commit. Sequence
 * values are taken in order but committed in any order (and rolled-back ones never
 * appear); every statement is bounded by statement_timeout, so a transaction that
 * wrote events commits or aborts well within this.
 */
const SETTLE_MS = 60_000;
/** Holes tracked per jump of the sequence: a bigger jump is rolled-back work. */
const MAX_HOLES = 1000;
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5000;

/**
 * Delivers the events other nodes commit: a LISTEN connection says when to look, and
 * the events table says what is new. What was delivered is tracked as a high-water
 * mark plus the holes below it, so an event whose transaction commits after a later
 * one is still delivered, once. A dropped connection is re-established with backoff,
 * and what was committed meanwhile is read on reconnection.
 */
export class EventFeed {
  private high: number;
  /** seq → when the hole was first seen (performance.now()). */
  private readonly holes = new Map<number, number>();
  private client: pg.Client | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private retryMs = RETRY_MIN_MS;
  private polling: Promise<void> | null = null;
  private pollAgain = false;
  private closed = false;

  constructor(private readonly options: EventFeedOptions) {
    this.high = options.start;
  }

  /** Resolves once listening, or once a first attempt failed and retries are scheduled. */
  start(): Promise<void> {
    return this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.stopHeartbeat();
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
    await this.polling;
  }

  private async connect(): Promise<void> {
    const client = this.options.client();
    this.client = client;
    client.on("error", () => this.drop(client));
    client.on("end", () => this.drop(client));
    client.on("notification", (n) => {
      if (n.payload !== this.options.nodeId) this.poll();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    } catch {
      this.drop(client);
      return;
    }
    if (this.client !== client) return;
    this.retryMs = RETRY_MIN_MS;
    this.heartbeat = setInterval(() => void client.query("SELECT 1").catch(() => this.drop(client)), this.options.heartbeatMs);
    this.heartbeat.unref();
    // Whatever committed while this node was not listening.
    this.poll();
  }

  private drop(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    this.stopHeartbeat();
    void client.end().catch(() => {});
    if (this.closed || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.closed) void this.connect();
    }, this.retryMs);
    this.reconnectTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  private poll(): void {
    if (this.closed) return;
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    this.polling = (async () => {
      do {
        this.pollAgain = false;
        await this.drain();
      } while (this.pollAgain && !this.closed);
    })()
      .catch(() => {
        // The database is failing: start over from a new connection, which reads again.
        if (this.client) this.drop(this.client);
      })
      .finally(() => {
        this.polling = null;
      });
  }

  private async drain(): Promise<void> {
    for (;;) {
      const rows = await this.options.read(this.high, [...this.holes.keys()], BATCH);
      const now = performance.now();
      const fresh: HubEvent[] = [];
      for (const e of rows) {
        if (e.seq > this.high) {
          for (let s = Math.max(this.high + 1, e.seq - MAX_HOLES); s < e.seq; s += 1) this.holes.set(s, now);
          this.high = e.seq;
        } else {
          this.holes.delete(e.seq);
        }
        if (e.nodeId !== this.options.nodeId) fresh.push(e);
      }
      for (const [seq, since] of this.holes) if (now - since > SETTLE_MS) this.holes.delete(seq);
      if (fresh.length > 0 && !this.closed) {
        try {
          this.options.onEvents(fresh);
        } catch {
          /* a faulty subscriber must not stop the feed */
        }
      }
      if (rows.length < BATCH) return;
    }
  }
}

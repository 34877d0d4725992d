import { SessionHubError, failureOf, notSessionhub, unreachable } from "./errors.js";
import { ROUTES } from "./routes.js";
import type { Transport } from "./transport.js";
import type { EventsQuery, HubEvent } from "./types.js";

export interface WatchOptions extends EventsQuery {
  /** Resume after this event (its `seq`): events since then are sent first. */
  lastEventId?: string | number;
  /** Wait before reconnecting, unless the server says otherwise (`retry:`); doubles per failed attempt up to 30 s. */
  retryMs?: number;
}

interface Frame {
  id?: string;
  data: string[];
  retry?: number;
}

/** Splits an SSE byte stream into messages (WHATWG "event stream interpretation"). */
async function* frames(body: ReadableStream<Uint8Array>): AsyncGenerator<Frame> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let frame: Frame = { data: [] };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.search(/\r\n|\r|\n/)) >= 0) {
        // A lone \r at the end of the buffer may be the first half of \r\n.
        if (buffer[end] === "\r" && end === buffer.length - 1) break;
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + (buffer.startsWith("\r\n", end) ? 2 : 1));
        if (line === "") {
          if (frame.data.length > 0 || frame.id !== undefined) yield frame;
          frame = { data: [] };
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "data") frame.data.push(value);
        else if (field === "id" && !value.includes("\0")) frame.id = value;
        else if (field === "retry" && /^\d+$/.test(value)) frame.retry = Number(value);
      }
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * A live stream of the events the caller may read, opened at once (like EventSource) and
 * read with `for await`. After a dropped connection it reconnects by itself and resumes
 * with Last-Event-ID, so no event is lost or repeated. Leaving the loop, or `close()`,
 * ends it. A first connection that fails, or an answer that is a refusal (401, 403, 404),
 * ends it with a SessionHubError.
 */
export class EventStream implements AsyncIterable<HubEvent> {
  /** Resolves when the stream is first open: events from then on are delivered. */
  readonly opened: Promise<void>;
  /** The `seq` of the last event received, sent as Last-Event-ID on reconnecting. */
  lastEventId: string | null;

  private readonly abort = new AbortController();
  private readonly queue: HubEvent[] = [];
  private wake: (() => void) | null = null;
  private failure: SessionHubError | null = null;
  private done = false;

  constructor(
    private readonly transport: Transport,
    private readonly options: WatchOptions = {},
  ) {
    this.lastEventId = options.lastEventId === undefined ? null : String(options.lastEventId);
    let opened!: () => void;
    let failed!: (e: SessionHubError) => void;
    this.opened = new Promise<void>((resolve, reject) => ((opened = resolve), (failed = reject)));
    // Whoever does not await `opened` learns of a failure from the iterator instead.
    this.opened.catch(() => {});
    void this.run(opened).catch((e: SessionHubError) => {
      this.failure = e;
      failed(e);
      this.finish();
    });
  }

  close(): void {
    this.abort.abort();
    this.finish();
  }

  private finish(): void {
    this.done = true;
    this.wake?.();
  }

  private async run(opened: () => void): Promise<void> {
    const { lastEventId: _resume, retryMs: _retry, ...query } = this.options;
    const href = this.transport.href(ROUTES.events, { query });
    let retryMs = this.options.retryMs ?? 1000;
    let failures = 0;
    let everOpened = false;
    while (!this.done) {
      try {
        const res = await fetch(href, {
          headers: this.transport.headers({ accept: "text/event-stream", ...(this.lastEventId ? { "last-event-id": this.lastEventId } : {}) }),
          signal: this.abort.signal,
        });
        const contentType = res.headers.get("content-type") ?? "";
        if (!res.ok) {
          const body = await res.json().catch(() => undefined);
          const error = failureOf(this.transport.url, res.status, contentType, body);
          if (res.status < 500 && res.status !== 429) throw error;
          if (!everOpened) throw error;
        } else if (!contentType.startsWith("text/event-stream") || !res.body) {
          throw notSessionhub(this.transport.url, res.status, contentType);
        } else {
          everOpened = true;
          failures = 0;
          opened();
          for await (const frame of frames(res.body)) {
            if (frame.retry !== undefined) retryMs = frame.retry;
            if (frame.id !== undefined) this.lastEventId = frame.id;
            if (frame.data.length > 0) this.push(JSON.parse(frame.data.join("\n")) as HubEvent);
          }
        }
      } catch (e) {
        if (this.done) return;
        if (e instanceof SessionHubError) throw e;
        if (!everOpened) throw unreachable(this.transport.url, e);
      }
      if (this.done) return;
      await this.pause(Math.min(retryMs * 2 ** failures, 30_000));
      failures += 1;
    }
  }

  /** Waits before a reconnection; close() cuts it short. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.abort.signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
    });
  }

  private push(event: HubEvent): void {
    this.queue.push(event);
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<HubEvent> {
    try {
      for (;;) {
        const next = this.queue.shift();
        if (next) {
          yield next;
          continue;
        }
        if (this.failure) throw this.failure;
        if (this.done) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = null;
      }
    } finally {
      this.close();
    }
  }
}

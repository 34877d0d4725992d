import { API, authHeaders } from "./api.js";
import { Observable } from "./observable.js";
import type { HubEvent } from "./types.js";

export type StreamState = "connecting" | "live" | "reconnecting" | "closed";

const RECENT = 100;
const RETRY_MS = 2000;

/**
 * The live events of the native API over fetch (EventSource cannot send the token in a
 * header). It opens with the most recent events, so the page never starts empty, and
 * resumes after a drop from the last event it saw (Last-Event-ID), so nothing is lost.
 */
export class EventStream {
  readonly state = new Observable<StreamState>("connecting");
  /** The events so far, newest first, at most `keep`. */
  readonly recent = new Observable<HubEvent[]>([]);
  private readonly listeners = new Set<(e: HubEvent) => void>();
  private readonly controller = new AbortController();
  private lastId = "";

  constructor(private readonly keep = 300) {
    void this.run();
  }

  subscribe(listener: (e: HubEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.controller.abort();
    this.state.set("closed");
  }

  private async run(): Promise<void> {
    while (!this.controller.signal.aborted) {
      try {
        const res = await fetch(`${API}/events${this.lastId ? "" : `?recent=${RECENT}`}`, {
          headers: { ...authHeaders(), accept: "text/event-stream", ...(this.lastId ? { "last-event-id": this.lastId } : {}) },
          signal: this.controller.signal,
        });
        // A token revoked or expired will not start working again: stop asking.
        if (res.status === 401) return this.close();
        if (!res.ok || !res.body) throw new Error(`events: HTTP ${res.status}`);
        this.state.set("live");
        await this.read(res.body);
      } catch {
        if (this.controller.signal.aborted) return;
      }
      this.state.set("reconnecting");
      await new Promise((r) => setTimeout(r, RETRY_MS));
    }
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        this.frame(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  }

  private frame(block: string): void {
    let data = "";
    for (const line of block.split("\n")) {
      if (line.startsWith("id:")) this.lastId = line.slice(3).trim();
      else if (line.startsWith("data:")) data += line.slice(5).trimStart();
    }
    if (!data) return;
    const event = JSON.parse(data) as HubEvent;
    this.recent.set([event, ...this.recent.get()].slice(0, this.keep));
    for (const listener of this.listeners) listener(event);
  }
}

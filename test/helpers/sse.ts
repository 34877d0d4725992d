import { PATIENCE_MS, until } from "./wait.js";

export interface SseEvent {
  id: string;
  event: string;
  data: any;
}

/** A Server-Sent Events client over fetch, collecting parsed events. */
export async function openEventStream(url: string, token: string, lastEventId?: string) {
  const controller = new AbortController();
  const res = await fetch(url, {
    headers: { authorization: `Bearer ${token}`, accept: "text/event-stream", ...(lastEventId ? { "last-event-id": lastEventId } : {}) },
    signal: controller.signal,
  });
  if (res.status !== 200 || !res.body) throw new Error(`event stream answered ${res.status}`);
  const events: SseEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = "";
  const reading = (async () => {
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields: Record<string, string> = {};
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) continue;
            const colon = line.indexOf(":");
            if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1).trimStart();
          }
          if (fields.data) events.push({ id: fields.id ?? "", event: fields.event ?? "message", data: JSON.parse(fields.data) });
        }
      }
    } catch {
      /* aborted */
    }
  })();
  return {
    status: res.status,
    headers: res.headers,
    events,
    /** Resolves with the first event matching, once it has arrived. */
    async waitFor(match: (e: SseEvent) => boolean, ms = PATIENCE_MS): Promise<SseEvent> {
      return until("an event on the stream", () => events.find(match), ms);
    },
    /**
     * Every event up to and including the first one matching. Events arrive in order, so a
     * marker (an event caused after the ones under test) shows that whatever was to come
     * before it has come: what is not among these did not arrive.
     */
    async through(marker: (e: SseEvent) => boolean, ms = PATIENCE_MS): Promise<SseEvent[]> {
      const last = await this.waitFor(marker, ms);
      return events.slice(0, events.indexOf(last) + 1);
    },
    close() {
      controller.abort();
      void reading;
    },
  };
}

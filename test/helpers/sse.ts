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
    /** Waits `ms`, then returns what arrived so far. */
    async collect(ms: number): Promise<SseEvent[]> {
      await new Promise((r) => setTimeout(r, ms));
      return [...events];
    },
    /** Resolves with the first event matching, or rejects after `ms`. */
    async waitFor(match: (e: SseEvent) => boolean, ms = 2000): Promise<SseEvent> {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        const hit = events.find(match);
        if (hit) return hit;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error("event did not arrive in time");
    },
    close() {
      controller.abort();
      void reading;
    },
  };
}

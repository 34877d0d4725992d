// The live-events load generator, a process of its own: many concurrent Server-Sent
// Events streams on raw sockets. For every event frame it reads it records the delay from
// the event's commit time (`at`, set by the store in the writing transaction) to now.
// Driven by its parent over IPC.
import { connect } from "node:net";

const streams = new Set();
/** seq → delays in ms, one per stream that received it. */
let delays = new Map();
let closedByServer = 0;
let failed = 0;

const FRAME = /"seq":(\d+),"type":"[^"]*","at":"([^"]+)"/g;

function openOne({ port, path, token, paused }) {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    const stream = { socket, carry: "", open: false, ending: false };
    socket.setEncoding("utf8");
    socket.on("connect", () =>
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nAccept: text/event-stream\r\n\r\n`),
    );
    socket.on("data", (chunk) => {
      const now = Date.now();
      if (!stream.open) {
        if (!chunk.startsWith("HTTP/1.1 200")) {
          failed += 1;
          socket.destroy();
          return resolve(false);
        }
        stream.open = true;
        streams.add(stream);
        if (paused) socket.pause();
        resolve(true);
      }
      const text = stream.carry + chunk;
      let end = 0;
      for (const m of text.matchAll(FRAME)) {
        const seq = Number(m[1]);
        let list = delays.get(seq);
        if (!list) delays.set(seq, (list = []));
        list.push(now - Date.parse(m[2]));
        end = m.index + m[0].length;
      }
      stream.carry = text.slice(Math.max(end, text.length - 300));
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      if (stream.open && !stream.ending) closedByServer += 1;
      streams.delete(stream);
      if (!stream.open) {
        failed += 1;
        resolve(false);
      }
    });
  });
}

const commands = {
  /** Opens `count` streams, `width` connections at a time. */
  async open({ port, path, token, count, paused = false, width = 250 }) {
    const t0 = performance.now();
    let next = 0;
    let ok = 0;
    await Promise.all(
      Array.from({ length: width }, async () => {
        while (next < count) {
          next += 1;
          if (await openOne({ port, path, token, paused })) ok += 1;
        }
      }),
    );
    return { opened: ok, failed, ms: performance.now() - t0 };
  },
  /** Delivery of each event so far: how many streams got it and how late. */
  stats() {
    const events = [];
    for (const [seq, list] of delays) {
      list.sort((a, b) => a - b);
      events.push({ seq, count: list.length, p50: list[Math.floor(list.length / 2)], p99: list[Math.floor(list.length * 0.99)], max: list.at(-1) });
    }
    const all = [...delays.values()].flat().sort((a, b) => a - b);
    return { open: streams.size, closedByServer, failed, deliveries: all.length, p99: all[Math.floor(all.length * 0.99)] ?? null, events };
  },
  /**
   * Reads again on every paused stream: a stream the server cut ends once what it was sent
   * is read (a paused socket reports no end), and `closedByServer` then counts it.
   */
  resume() {
    for (const s of streams) s.socket.resume();
  },
  reset() {
    delays = new Map();
    closedByServer = 0;
    failed = 0;
  },
  close() {
    for (const s of streams) {
      s.ending = true;
      s.socket.destroy();
    }
    streams.clear();
  },
};

process.on("message", async ({ id, cmd, ...args }) => {
  try {
    process.send({ id, ok: true, result: await commands[cmd](args) });
  } catch (e) {
    process.send({ id, ok: false, error: String(e?.stack ?? e) });
  }
});
process.on("disconnect", () => process.exit(0));
process.send({ ready: true });

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

/**
 * One read buffer for every socket: a read is handled before the next one is made, and a
 * stream keeps only the few bytes of a frame that spans two reads. Reading into it spares
 * the per-read Buffer, stream and string machinery, which would share the server's cores.
 */
const readBuffer = Buffer.allocUnsafe(64 * 1024);
const OK = Buffer.from("HTTP/1.1 200");
const SEQ = Buffer.from('"seq":');
const SEQ_STARTS = Array.from({ length: SEQ.length }, (_, k) => SEQ.subarray(0, k));
const TYPE = Buffer.from(',"type":"');
const AT = Buffer.from('","at":"');
const QUOTE = 0x22;
/** seq → its time in ms: every stream reads the same `at` of an event, parsed once. */
let times = new Map();

const startsWith = (buf, at, needle) => {
  if (at + needle.length > buf.length) return false;
  for (let i = 0; i < needle.length; i += 1) if (buf[at + i] !== needle[i]) return false;
  return true;
};

const CUT_SHORT = -2;

/**
 * Where the `"seq":N,"type":"…","at":"…"` that `data` holds at `i` ends (the closing quote
 * of `at`): -1 if there is none, CUT_SHORT if `data` ends before it can tell.
 */
function frameAt(data, i) {
  let j = i + SEQ.length;
  while (j < data.length && data[j] >= 0x30 && data[j] <= 0x39) j += 1;
  if (j + TYPE.length > data.length) return CUT_SHORT;
  if (j === i + SEQ.length || !startsWith(data, j, TYPE)) return -1;
  const typeEnd = data.indexOf(QUOTE, j + TYPE.length);
  if (typeEnd === -1 || typeEnd + AT.length > data.length) return CUT_SHORT;
  if (!startsWith(data, typeEnd, AT)) return -1;
  const atEnd = data.indexOf(QUOTE, typeEnd + AT.length);
  if (atEnd === -1) return CUT_SHORT;
  return atEnd === typeEnd + AT.length ? -1 : atEnd;
}

/**
 * Records the delay to `now` of every frame in `data`; the offset from which a frame may
 * still complete with the next read (the end of `data` if none may).
 */
function readFrames(data, now) {
  for (let i = data.indexOf(SEQ); i !== -1; i = data.indexOf(SEQ, i + 1)) {
    const end = frameAt(data, i);
    if (end === CUT_SHORT) return i;
    if (end === -1) continue;
    let seq = 0;
    for (let j = i + SEQ.length; data[j] !== 0x2c; j += 1) seq = seq * 10 + data[j] - 0x30;
    let at = times.get(seq);
    if (at === undefined) times.set(seq, (at = Date.parse(data.latin1Slice(data.lastIndexOf(QUOTE, end - 1) + 1, end))));
    let list = delays.get(seq);
    if (!list) delays.set(seq, (list = []));
    list.push(now - at);
    i = end;
  }
  // A `"seq":` the read cut in two.
  for (let k = Math.min(SEQ.length - 1, data.length); k > 0; k -= 1) if (startsWith(data, data.length - k, SEQ_STARTS[k])) return data.length - k;
  return data.length;
}

function openOne({ port, path, token, paused }) {
  return new Promise((resolve) => {
    const stream = { socket: null, carry: null, open: false, ending: false };
    const onRead = (nread, buf) => {
      const now = Date.now();
      let data = buf.subarray(0, nread);
      if (!stream.open) {
        if (!startsWith(data, 0, OK)) {
          failed += 1;
          socket.destroy();
          return resolve(false);
        }
        stream.open = true;
        streams.add(stream);
        if (paused) socket.pause();
        resolve(true);
      }
      if (stream.carry) data = Buffer.concat([stream.carry, data]);
      const keep = Math.max(readFrames(data, now), data.length - 300);
      stream.carry = keep < data.length ? Buffer.from(data.subarray(keep)) : null;
    };
    const socket = connect({ host: "127.0.0.1", port, onread: { buffer: readBuffer, callback: onRead } });
    stream.socket = socket;
    socket.on("connect", () =>
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nAccept: text/event-stream\r\n\r\n`),
    );
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
    times = new Map();
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

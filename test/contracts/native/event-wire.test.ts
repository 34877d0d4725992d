import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, describe, test } from "node:test";
import { ADMIN_TOKEN, type TestServer, client, reaperPass, startServer, usersWithTokens } from "../../helpers/server.js";
import { until } from "../../helpers/wait.js";

/** An event stream on a socket of its own: every byte the server sends, as sent. */
function rawStream(base: string, path: string, token: string, { version = "1.1", headers = "" } = {}) {
  const { hostname, port } = new URL(base);
  const socket = connect({ host: hostname, port: Number(port) });
  const received: Buffer[] = [];
  let ended = false;
  socket.on("data", (b: Buffer) => received.push(b));
  socket.on("close", () => (ended = true));
  socket.on("error", () => {});
  socket.write(`GET ${path} HTTP/${version}\r\nHost: ${hostname}\r\nAuthorization: Bearer ${token}\r\nAccept: text/event-stream\r\n${headers}\r\n`);
  return {
    bytes: () => Buffer.concat(received),
    ended: () => ended,
  };
}

/**
 * The head and the chunks of a chunked HTTP/1.1 response, read strictly: each chunk is its
 * size in hex, CRLF, exactly that many bytes, CRLF; the last is the empty chunk.
 */
function decodeChunked(bytes: Buffer): { head: string; chunks: string[]; terminated: boolean } {
  const headEnd = bytes.indexOf("\r\n\r\n");
  assert.ok(headEnd > 0, "the response has a head");
  const head = bytes.subarray(0, headEnd).toString("latin1");
  const chunks: string[] = [];
  let at = headEnd + 4;
  while (at < bytes.length) {
    const sizeEnd = bytes.indexOf("\r\n", at);
    const sizeLine = bytes.subarray(at, sizeEnd).toString("latin1");
    assert.match(sizeLine, /^[0-9a-f]+$/, `a chunk size at byte ${at}`);
    const size = parseInt(sizeLine, 16);
    const data = bytes.subarray(sizeEnd + 2, sizeEnd + 2 + size);
    assert.equal(data.length, size, `chunk at byte ${at} is whole`);
    assert.equal(bytes.subarray(sizeEnd + 2 + size, sizeEnd + 4 + size).toString("latin1"), "\r\n", `chunk at byte ${at} ends with CRLF`);
    at = sizeEnd + 4 + size;
    if (size === 0) {
      assert.equal(at, bytes.length, "nothing follows the last chunk");
      return { head, chunks, terminated: true };
    }
    chunks.push(data.toString("utf8"));
  }
  return { head, chunks, terminated: false };
}

/** The head and the body of a response without chunks (HTTP/1.0), the body as one chunk. */
function unchunked(bytes: Buffer): { head: string; chunks: string[] } {
  const headEnd = bytes.indexOf("\r\n\r\n");
  assert.ok(headEnd > 0, "the response has a head");
  return { head: bytes.subarray(0, headEnd).toString("latin1"), chunks: [bytes.subarray(headEnd + 4).toString("utf8")] };
}

interface Frame {
  text: string;
  id: number;
  event: string;
  data: { seq: number; sessionId: string };
}

/** The SSE frames of chunks, each chunk holding whole frames or comments. */
function framesOf(chunks: string[]): Frame[] {
  const frames: Frame[] = [];
  for (const chunk of chunks) {
    assert.ok(chunk.endsWith("\n\n"), `a chunk holds whole frames: ${JSON.stringify(chunk.slice(-80))}`);
    for (const block of chunk.slice(0, -2).split("\n\n")) {
      if (block.startsWith(":")) continue;
      const m = /^id: (\d+)\nevent: ([a-z.]+)\ndata: (.+)$/.exec(block);
      assert.ok(m, `a well-formed frame: ${JSON.stringify(block.slice(0, 200))}`);
      frames.push({ text: `${block}\n\n`, id: Number(m[1]), event: m[2]!, data: JSON.parse(m[3]!) });
    }
  }
  return frames;
}

describe("native API: the bytes of an event stream", () => {
  let t: TestServer;
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= t.stop());
  let tokens: Record<string, string> = {};

  before(async () => {
    t = await startServer();
    await client(t.url, ADMIN_TOKEN)("POST", "/api/v1/services", { body: { id: "lobby" } });
    tokens = await usersWithTokens(t.url, ["alice", "bob"]);
  });

  after(() => stop());

  test("decode as chunked HTTP/1.1 (over HTTP/1.0: the frames alone) to exactly the frames each caller may see, the same bytes for each, ended by the last chunk", async () => {
    const alice = client(t.url, tokens.alice!);
    const subscribers = t.server.hub.bus.size;
    const aliceRaw = rawStream(t.url, "/api/v1/events?service=lobby", tokens.alice!);
    const bobRaw = rawStream(t.url, "/api/v1/events?service=lobby", tokens.bob!);
    await until("both streams to start", () => aliceRaw.bytes().includes("sessionhub events") && bobRaw.bytes().includes("sessionhub events"));
    assert.equal(t.server.hub.bus.size, subscribers + 2);

    // Names outside ASCII: a chunk's size counts bytes, not characters.
    const hidden = (await alice("POST", "/api/v1/sessions", { body: { serviceId: "lobby", visibility: "private", name: "secret ☕", inactiveTimeoutSeconds: 60 } })).body;
    const shown = (await alice("POST", "/api/v1/sessions", { body: { serviceId: "lobby", name: "open café", inactiveTimeoutSeconds: 60 } })).body;
    assert.equal((await alice("PATCH", `/api/v1/sessions/${hidden.id}`, { body: { status: "plotting…" } })).status, 200);
    assert.equal((await alice("PATCH", `/api/v1/sessions/${shown.id}`, { body: { status: "waiting" } })).status, 200);
    // Both expire at once: the reaper ends them in one write, one delivery of which bob may see one event.
    t.clock.advance(120_000);
    await reaperPass(t);
    const ends = (raw: { bytes(): Buffer }) => raw.bytes().toString("utf8").split("event: session.ended").length - 1;
    await until("both streams to get the ends", () => ends(aliceRaw) === 2 && ends(bobRaw) === 1);
    // A stream resumed from before all of it gets the same frames from the record.
    const resumedRaw = rawStream(t.url, "/api/v1/events?service=lobby", tokens.bob!, { headers: "Last-Event-ID: 1\r\n" });
    // HTTP/1.0 has no chunks: the frames alone, until the connection ends.
    const oldRaw = rawStream(t.url, "/api/v1/events?service=lobby", tokens.bob!, { version: "1.0", headers: "Last-Event-ID: 1\r\n" });
    await until("the resumed streams to get the end", () => ends(resumedRaw) === 1 && ends(oldRaw) === 1);
    const late = (await alice("POST", "/api/v1/sessions", { body: { serviceId: "lobby", name: "late" } })).body;
    await until("the HTTP/1.0 stream to get a live event", () => oldRaw.bytes().includes(late.id));

    await stop();
    await until("the streams to end", () => aliceRaw.ended() && bobRaw.ended() && resumedRaw.ended() && oldRaw.ended());

    const expected = {
      alice: [
        ["session.created", hidden.id],
        ["session.created", shown.id],
        ["session.updated", hidden.id],
        ["session.updated", shown.id],
        ["session.ended", hidden.id],
        ["session.ended", shown.id],
        ["session.created", late.id],
      ].sort(),
      bob: [
        ["session.created", shown.id],
        ["session.updated", shown.id],
        ["session.ended", shown.id],
        ["session.created", late.id],
      ].sort(),
    };
    const byId = new Map<number, string>();
    for (const [who, raw, want] of [
      ["alice", aliceRaw, expected.alice],
      ["bob", bobRaw, expected.bob],
      ["bob resumed", resumedRaw, expected.bob],
      ["bob over HTTP/1.0", oldRaw, expected.bob],
    ] as const) {
      const chunked = !who.endsWith("HTTP/1.0");
      const { head, chunks } = chunked ? decodeChunked(raw.bytes()) : unchunked(raw.bytes());
      assert.match(head, /^HTTP\/1\.1 200 OK\r\n/, who);
      assert.equal(/\r\ntransfer-encoding: chunked(\r\n|$)/i.test(head), chunked, who);
      assert.match(head, /\r\ncontent-type: text\/event-stream; charset=utf-8(\r\n|$)/i, who);
      if (chunked) assert.ok(decodeChunked(raw.bytes()).terminated, `${who}: the stream ends with the last chunk`);
      assert.ok(chunks[0]!.startsWith(": sessionhub events\n\n"), who);
      const frames = framesOf(chunks);
      assert.deepEqual(frames.map((f) => [f.event, f.data.sessionId]).sort(), want, who);
      const ids = frames.map((f) => f.id);
      assert.deepEqual(ids, [...ids].sort((a, b) => a - b), `${who}: in order`);
      for (const f of frames) {
        assert.equal(f.data.seq, f.id, who);
        // Every caller gets an event as the same bytes.
        assert.equal(f.text, byId.get(f.id) ?? f.text, `${who}: event ${f.id}`);
        byId.set(f.id, f.text);
      }
      if (who === "alice") {
        const ends = chunks.find((c) => c.includes(`"sessionId":"${hidden.id}"`) && c.includes("session.ended"));
        assert.ok(ends?.includes(`"sessionId":"${shown.id}"`), "the two ends came in one delivery, of which bob sees a part");
      }
    }
  });
});

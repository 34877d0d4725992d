import assert from "node:assert/strict";
import { type Socket, connect } from "node:net";
import { after, before, describe, test } from "node:test";
import { until } from "../../helpers/wait.js";
import { ADMIN_TOKEN, type TestServer, client, startServer } from "../../helpers/server.js";
import { openEventStream } from "../../helpers/sse.js";

const BOUND = 768 * 1024;

/** An event stream on a socket of its own, paused once its headers arrived: a reader that stops reading. */
async function stalledStream(base: string): Promise<{ socket: Socket; closed: () => boolean }> {
  const { hostname, port } = new URL(base);
  const socket = connect({ host: hostname, port: Number(port) });
  let closed = false;
  socket.on("close", () => (closed = true));
  socket.on("error", () => {});
  socket.write(`GET /api/v1/events HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\nAccept: text/event-stream\r\n\r\n`);
  let head = "";
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      head += chunk.toString("latin1");
      if (!head.includes("sessionhub events")) return;
      socket.off("data", onData);
      socket.pause();
      resolve();
    };
    socket.on("data", onData);
    socket.on("close", () => reject(new Error(`stream closed before it started: ${head}`)));
  });
  assert.match(head, /^HTTP\/1\.1 200 /);
  return { socket, closed: () => closed };
}

describe("native API: an event stream whose reader stops reading", () => {
  let t: TestServer;
  let admin: ReturnType<typeof client>;

  before(async () => {
    t = await startServer({ env: { SESSIONHUB_LIMIT_SSE_BACKLOG_BYTES: String(BOUND) } });
    admin = client(t.url, ADMIN_TOKEN);
    await admin("POST", "/api/v1/services", { body: { id: "lobby" } });
  });

  after(() => t.stop());

  test("is cut once it owes more than limits.sseBacklogBytes; a reader that reads is not", async () => {
    const subscribers = t.server.hub.bus.size;
    const reading = await openEventStream(`${t.url}/api/v1/events`, ADMIN_TOKEN);
    const stalled = await stalledStream(t.url);
    assert.equal(t.server.hub.bus.size, subscribers + 2);

    const session = (await admin("POST", "/api/v1/sessions", { body: { serviceId: "lobby" } })).body;
    // Each change carries the whole session; the kernel's socket buffers take megabytes
    // before the process owes anything, so changes go on until the stream is cut.
    let n = 0;
    while (t.server.hub.bus.size > subscribers + 1) {
      assert.ok(n < 400, "the stalled stream was never cut");
      n += 1;
      const patched = await admin("PATCH", `/api/v1/sessions/${session.id}`, { body: { attributes: { n, blob: String(n).padEnd(256 * 1024, "x") } } });
      assert.equal(patched.status, 200);
    }
    assert.ok(t.logs.some((line) => line.includes("event stream cut")), "the cut is logged");

    const last = await reading.waitFor((e) => e.event === "session.updated" && e.data.data.session?.attributes?.n === n);
    assert.equal(last.data.sessionId, session.id);
    reading.close();

    // What was sent before the cut is read, then the stream ends.
    stalled.socket.resume();
    await until("the cut stream's socket to end", stalled.closed);
  });
});

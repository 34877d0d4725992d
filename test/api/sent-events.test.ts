import assert from "node:assert/strict";
import { test } from "node:test";
import { SentEvents } from "../../src/api/native/routes/sent-events.js";

test("each event number is sent once, in order or not", () => {
  const sent = new SentEvents();
  assert.deepEqual([105, 103, 105, 104, 103].map((n) => sent.add(n)), [true, true, false, true, false]);
});

test("a long-lived stream holds a bounded set, and nothing once its deliveries come in order", () => {
  const sent = new SentEvents();
  for (let n = 1; n <= 50_000; n += 1) assert.equal(sent.add(n), true);
  assert.equal(sent.held, 0);
  assert.equal(sent.add(49_999), false);
  assert.equal(sent.add(50_002), true, "a number committed ahead of another");
  assert.equal(sent.add(50_001), true, "the one committed late, within the window");
  assert.equal(sent.held, 0);
});

test("a stream that sees numbers with gaps holds at most the window", () => {
  const sent = new SentEvents();
  for (let n = 0; n < 100_000; n += 3) sent.add(n);
  assert.ok(sent.held <= 1024);
  assert.equal(sent.add(99_999), false, "already sent");
  assert.equal(sent.add(99_998), true, "not sent, inside the window");
  assert.equal(sent.add(3), false, "under the floor: counted as sent");
});

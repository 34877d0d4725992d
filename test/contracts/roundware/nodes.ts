import assert from "node:assert/strict";
import { ADMIN_TOKEN } from "../../helpers/server.js";
import { type SseEvent, openEventStream } from "../../helpers/sse.js";
import { type Fixture, SESSION_BODY, type StartNodes, caller, native } from "./fixture.js";

/**
 * The checks that span nodes (items 8 and 43), written over a "start N servers"
 * function: SQLite runs them with one node now; the PostgreSQL store runs them with two.
 */

/** Item 8 over any number of nodes: one user for one device id, whoever wins. */
export async function concurrentRegistration(f: Fixture, start: StartNodes): Promise<void> {
  const nodes = await start(f, 2);
  const answers = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      fetch(`${nodes[i % nodes.length]!.urls.roundware}/api/2/users/`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ device_id: "concurrent-8", client_type: "web" }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { id: number; token: string } })),
    ),
  );
  assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([200]));
  assert.equal(new Set(answers.map((a) => a.body.id)).size, 1);
  assert.equal(new Set(answers.map((a) => a.body.token)).size, 50);
  const users = (await native(f.t, "GET", "/users")).body.items as { deviceId: string | null }[];
  assert.equal(users.filter((u) => u.deviceId === "concurrent-8").length, 1);
}

/** Item 43 over any number of nodes: a create on A reads the same on B, and each node streams one session.created. */
export async function sessionAcrossNodes(f: Fixture, start: StartNodes): Promise<void> {
  const nodes = await start(f, 2);
  const a = nodes[0]!;
  const b = nodes[nodes.length - 1]!;
  const streams = await Promise.all(nodes.map((n) => openEventStream(`${n.url}/api/v1/events`, ADMIN_TOKEN)));
  try {
    const created = await caller(a.urls.roundware!)("POST", "sessions/", { auth: f.T1, body: SESSION_BODY });
    assert.equal(created.status, 200);
    const read = await caller(b.urls.roundware!)("GET", `sessions/${created.body.id}/`, { auth: f.T1 });
    assert.equal(read.text, created.text);
    // A second session is the marker: once a stream has its event, a repeat of the first would have come.
    const marker = await caller(a.urls.roundware!)("POST", "sessions/", { auth: f.T1, body: SESSION_BODY });
    assert.equal(marker.status, 200);
    const createdEvent = (number: number) => (e: SseEvent) => e.event === "session.created" && e.data.data.session?.number === number;
    for (const stream of streams) {
      const seen = (await stream.through(createdEvent(marker.body.id))).filter(createdEvent(created.body.id));
      assert.equal(seen.length, 1);
    }
  } finally {
    streams.forEach((s) => s.close());
  }
}

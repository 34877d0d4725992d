import { createServer as createHttpServer } from "node:http";
import assert from "node:assert/strict";
import { type Server, type Socket, connect, createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import * as Schemas from "../../src/api/native/schemas.js";
import { type HubEvent, SessionHub, SessionHubError } from "../../src/client/index.js";
import { ROUTES } from "../../src/client/routes.js";
import { ADMIN_TOKEN, type TestServer, http, startServer, usersWithTokens } from "../helpers/server.js";

/** A TCP relay to the server that a test can cut and hold shut, to drop an event stream. */
async function relay(port: number) {
  const sockets = new Set<Socket>();
  let shut = false;
  const server: Server = createServer((socket) => {
    if (shut) return socket.destroy();
    const upstream = connect(port, "127.0.0.1");
    socket.pipe(upstream).pipe(socket);
    for (const s of [socket, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {});
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cut() {
      shut = true;
      for (const s of sockets) s.destroy();
    },
    open() {
      shut = false;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function take(events: AsyncIterator<HubEvent>, n: number): Promise<HubEvent[]> {
  const got: HubEvent[] = [];
  while (got.length < n) {
    const next = await events.next();
    if (next.done) break;
    got.push(next.value);
  }
  return got;
}

const plain = (schema: unknown) => JSON.parse(JSON.stringify(schema)) as unknown;

describe("typed client (sessionhub/client) against a real server", () => {
  let t: TestServer;
  let hub: SessionHub;

  before(async () => {
    t = await startServer();
    hub = new SessionHub({ url: t.url, token: ADMIN_TOKEN });
    await hub.services.create({ id: "lobby", name: "Lobby" });
  });

  after(() => t.stop());

  test("every route of the client is an operation of /api/v1/openapi.json with the same schemas", async () => {
    const doc = (await http(t.url, "GET", "/api/v1/openapi.json")).body as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> }; responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
    };
    for (const [name, route] of Object.entries(ROUTES)) {
      const operation = doc.paths[`/api/v1${route.path}`]?.[route.method.toLowerCase()];
      assert.ok(operation, `${name}: ${route.method} ${route.path} is in the document`);
      const response = operation.responses[String(route.status)];
      assert.ok(response, `${name}: answers ${route.status}`);
      if ("body" in route) assert.deepEqual(operation.requestBody?.content["application/json"]?.schema, plain(Schemas[route.body]), `${name}: body schema`);
      if ("response" in route) {
        const content = response.content?.["application/json"] ?? response.content?.["text/event-stream"];
        assert.deepEqual(content?.schema, plain(Schemas[route.response]), `${name}: response schema`);
      }
    }
  });

  test("sessions: create (idempotent), get by id or number, list with paging and totals, update with If-Match, end, delete", async () => {
    const key = `k-${Date.now()}`;
    const s = await hub.sessions.create({ serviceId: "lobby", name: "one", capacity: 2, attributes: { mode: "ffa" } }, { idempotencyKey: key });
    assert.equal((await hub.sessions.create({ serviceId: "lobby" }, { idempotencyKey: key })).id, s.id);
    assert.equal((await hub.sessions.get(s.number)).id, s.id);
    for (let i = 0; i < 4; i += 1) await hub.sessions.create({ serviceId: "lobby", attributes: { mode: "duel" } });
    const page = await hub.sessions.list({ service: "lobby", limit: 2, count: true });
    assert.deepEqual([page.items.length, page.total, typeof page.nextCursor], [2, 5, "string"]);
    const every: string[] = [];
    for await (const x of hub.sessions.all({ service: "lobby", limit: 2 })) every.push(x.id);
    assert.equal(new Set(every).size, 5);
    assert.equal((await hub.sessions.list({ "attributes.mode": "ffa" })).items.length, 1);

    const renamed = await hub.sessions.update(s.id, { name: "renamed" }, { ifMatch: s.version });
    assert.equal(renamed.name, "renamed");
    await assert.rejects(hub.sessions.update(s.id, { name: "stale" }, { ifMatch: s.version }), (e: SessionHubError) => e.status === 412);
    const ended = await hub.sessions.end(s.id, "killed");
    assert.deepEqual([ended.state, ended.endReason], ["ended", "killed"]);
    await hub.sessions.delete(s.id);
    await assert.rejects(hub.sessions.get(s.id), (e: SessionHubError) => e.kind === "http" && e.status === 404 && e.problem?.title === "Not found");
  });

  test("members, heartbeat and log", async () => {
    const { alice } = await usersWithTokens(t.url, ["alice"]);
    const asAlice = new SessionHub({ url: t.url, token: alice });
    const s = await hub.sessions.create({ serviceId: "lobby", capacity: 1 });
    const joined = await asAlice.sessions.join(s.id);
    assert.deepEqual(joined.members.map((m) => m.userId), ["alice"]);
    await assert.rejects(hub.sessions.join(s.id), (e: SessionHubError) => e.status === 409, "full");
    assert.deepEqual((await hub.sessions.members(s.id)).items.map((m) => m.userId), ["alice"]);
    const beat = await asAlice.sessions.heartbeat(s.id);
    assert.ok(beat.expiresAt && Date.parse(beat.expiresAt) > Date.now());
    await asAlice.sessions.leave(s.id);
    assert.equal((await hub.sessions.get(s.id)).memberCount, 0);
    await hub.sessions.appendLog(s.id, ["one", "two"]);
    await hub.sessions.appendLog(s.id, [{ text: "three", type: "warning" }]);
    const log = await hub.sessions.log(s.id, { from: 1 });
    assert.deepEqual(log.items.map((l) => [l.text, l.type]), [["two", "normal"], ["three", "warning"]]);
  });

  test("services, users, tokens and me", async () => {
    assert.ok((await hub.services.list()).some((s) => s.id === "lobby"));
    await hub.services.create({ id: "gone" });
    await hub.services.update("gone", { name: "Gone" });
    assert.equal((await hub.services.get("gone")).name, "Gone");
    await hub.services.delete("gone");
    await hub.users.create({ id: "bob" });
    assert.deepEqual((await hub.users.update("bob", { roles: ["admin"] })).roles, ["admin"]);
    const issued = await hub.tokens.create({ userId: "bob", name: "ci" });
    const asBob = new SessionHub({ url: t.url, token: issued.secret });
    assert.deepEqual(await asBob.me(), { userId: "bob", roles: ["admin"], isAdmin: true, method: "token" });
    assert.ok((await hub.tokens.list("bob")).some((x) => x.id === issued.token.id));
    await hub.tokens.revoke(issued.token.id);
    await assert.rejects(asBob.me(), (e: SessionHubError) => e.status === 401);
    await hub.users.delete("bob");
  });

  test("failures say what they are: unreachable, not sessionhub, a refusal", async () => {
    await assert.rejects(new SessionHub({ url: "http://127.0.0.1:1", token: "x" }).me(), (e: SessionHubError) => e.kind === "unreachable" && /Cannot reach/.test(e.message));
    const other = createHttpServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<h1>a web server</h1>"));
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(other.address() as { port: number }).port}`;
      await assert.rejects(new SessionHub({ url, token: "x" }).me(), (e: SessionHubError) => e.kind === "not-sessionhub");
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
    await assert.rejects(new SessionHub({ url: t.url, token: "nope" }).me(), (e: SessionHubError) => e.kind === "http" && e.status === 401);
    assert.throws(() => new SessionHub({ url: "ftp://x" }), /http:\/\/ or https:\/\//);
  });

  test("events: a dropped stream reconnects with Last-Event-ID and delivers what happened meanwhile, once", async () => {
    const r = await relay(Number(new URL(t.url).port));
    try {
      const viaRelay = new SessionHub({ url: r.url, token: ADMIN_TOKEN });
      const s = await hub.sessions.create({ serviceId: "lobby" });
      const stream = viaRelay.events.watch({ session: s.id, retryMs: 50 });
      await stream.opened;
      const events = stream[Symbol.asyncIterator]();
      await hub.sessions.update(s.id, { status: "one" });
      const [first] = await take(events, 1);
      assert.equal(first?.type, "session.updated");
      assert.equal(stream.lastEventId, String(first?.seq));

      r.cut();
      await hub.sessions.update(s.id, { status: "two" });
      await hub.sessions.appendLog(s.id, "while away");
      r.open();
      const missed = await take(events, 2);
      assert.deepEqual(missed.map((e) => e.type), ["session.updated", "log.appended"]);
      assert.equal(missed[0]?.data.session?.status, "two");
      await hub.sessions.end(s.id);
      const [last] = await take(events, 1);
      assert.equal(last?.type, "session.ended");
      assert.ok(last!.seq > missed[1]!.seq && missed[1]!.seq > missed[0]!.seq && missed[0]!.seq > first!.seq, "in order, none repeated");
      await events.return?.(undefined);
    } finally {
      await r.close();
    }
  });

  test("events: lastEventId resumes a stream from an earlier point; a refusal ends it", async () => {
    const s = await hub.sessions.create({ serviceId: "lobby" });
    const live = hub.events.watch({ session: s.id });
    await live.opened;
    await hub.sessions.update(s.id, { status: "a" });
    await hub.sessions.update(s.id, { status: "b" });
    const [a] = await take(live[Symbol.asyncIterator](), 1);
    live.close();
    const resumed = hub.events.watch({ session: s.id, lastEventId: a!.seq });
    const [b] = await take(resumed[Symbol.asyncIterator](), 1);
    assert.equal(b?.data.session?.status, "b");
    resumed.close();

    const refused = new SessionHub({ url: t.url, token: "nope" }).events.watch();
    await assert.rejects(refused.opened, (e: SessionHubError) => e.status === 401);
    await assert.rejects(take(refused[Symbol.asyncIterator](), 1), (e: SessionHubError) => e.status === 401);
  });
});

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { RenderedPages, RenderedSessions, joinJson } from "../../src/http/rendered.js";
import { ADMIN_TOKEN, type TestServer, client, startServer, usersWithTokens } from "../helpers/server.js";

describe("rendered sessions", () => {
  test("a text is kept while its stamp holds; a new stamp renders again", () => {
    const cache = new RenderedSessions();
    let renders = 0;
    const render = (text: string) => () => ((renders += 1), text);
    assert.equal(String(cache.bytes("a", "1", render("one"))), "one");
    assert.equal(String(cache.bytes("a", "1", render("other"))), "one");
    assert.equal(String(cache.bytes("a", "2", render("two"))), "two");
    assert.equal(renders, 2);
  });

  test("kept bytes own their memory: no slice of a shared pool is held", () => {
    const bytes = new RenderedSessions().bytes("a", "1", () => '{"name":"é"}');
    assert.equal(String(bytes), '{"name":"é"}');
    assert.equal(bytes.buffer.byteLength, bytes.length);
  });

  test("a page is its items' bytes between its ends, comma-separated", () => {
    const items = ["{\"a\":1}", "{\"b\":\"é\"}", "[]"].map((t) => Buffer.from(t));
    assert.equal(String(joinJson("{\"items\":[", items, "]}")), '{"items":[{"a":1},{"b":"é"},[]]}');
    assert.equal(String(joinJson("[", [], "]")), "[]");
  });

  test("bounded by entries and bytes, what was read least lately going first; large texts are not kept", () => {
    const cache = new RenderedSessions(2, 10);
    let renders = 0;
    const render = (text: string) => () => ((renders += 1), text);
    cache.bytes("a", "1", render("aaa"));
    cache.bytes("b", "1", render("bbb"));
    cache.bytes("a", "1", render("aaa"));
    cache.bytes("c", "1", render("ccc"));
    assert.equal(renders, 3);
    cache.bytes("a", "1", render("aaa"));
    assert.equal(renders, 3, "a was used last, so b went");
    cache.bytes("b", "1", render("bbb"));
    assert.equal(renders, 4);
    cache.bytes("d", "1", render("ddddddddd"));
    cache.bytes("b", "1", render("bbb"));
    assert.equal(renders, 6, "the bytes bound made room for d by dropping the others");
    cache.bytes("d", "1", render("ddddddddd"));
    assert.equal(renders, 7, "and then for b by dropping d");
    const big = "x".repeat(64 * 1024 + 1);
    cache.bytes("e", "1", render(big));
    cache.bytes("e", "1", render(big));
    assert.equal(renders, 9);
  });
});

describe("native API: a session's answer follows what changes it", () => {
  let t: TestServer;
  let admin: ReturnType<typeof client>;
  let alice: ReturnType<typeof client>;

  before(async () => {
    t = await startServer();
    admin = client(t.url, ADMIN_TOKEN);
    await admin("POST", "/api/v1/services", { body: { id: "lobby" } });
    alice = client(t.url, (await usersWithTokens(t.url, ["alice"])).alice!);
  });

  after(() => t.stop());

  test("reads after a change and after activity show them, in the list too", async () => {
    const s = (await alice("POST", "/api/v1/sessions", { body: { serviceId: "lobby", name: "first" } })).body;
    assert.equal((await admin("GET", `/api/v1/sessions/${s.id}`)).body.name, "first");
    await alice("PATCH", `/api/v1/sessions/${s.id}`, { body: { name: "second" } });
    const read = await admin("GET", `/api/v1/sessions/${s.id}`);
    assert.equal(read.body.name, "second");
    assert.equal(read.headers.get("etag"), '"1"');

    t.clock.advance(5000);
    const beat = (await alice("POST", `/api/v1/sessions/${s.id}/heartbeat`)).body;
    const after = (await admin("GET", `/api/v1/sessions/${s.id}`)).body;
    assert.equal(after.lastActivityAt, beat.lastActivityAt);
    assert.equal(after.expiresAt, beat.expiresAt);
    assert.equal(after.version, 1, "activity is not a change");
    const listed = (await admin("GET", "/api/v1/sessions?serviceId=lobby")).body.items.find((i: { id: string }) => i.id === s.id);
    assert.deepEqual(listed, after);
  });
});

test("a page's bytes are kept by the page's identity and its variant", () => {
  const pages = new RenderedPages();
  let renders = 0;
  const render = (text: string) => () => {
    renders += 1;
    return Buffer.from(text);
  };
  const page = { items: [] };
  const first = pages.bytes(page, "a", render("one"));
  assert.equal(pages.bytes(page, "a", render("two")), first, "the same page and variant: kept");
  assert.equal(renders, 1);
  assert.equal(pages.bytes(page, "b", render("three")).toString(), "three", "another variant is rendered");
  assert.equal(pages.bytes({ items: [] }, "b", render("four")).toString(), "four", "an equal page that is not the same object is rendered");
  assert.equal(renders, 3);
});

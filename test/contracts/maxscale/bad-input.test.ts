import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type MaxscaleServer, createService, createSession, startMaxscale } from "./fixture.js";
import { assertErrors, assertNoBody } from "./shape.js";

/** A small seeded generator, so a failing case can be replayed. */
function prng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x ^= x + Math.imul(x ^ (x >>> 7), 61 | x);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  return { pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!, chance: (p: number) => next() < p, int: (n: number) => Math.floor(next() * n) };
}

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
const SEGMENTS = ["v1", "v1", "sessions", "sessions", "services", "maxscale", "restart", "relationships", "filters", "1", "2", "007", "0", "-1", "abc", "1x",
  "99999", "18446744073709551616", "%00", "%25", "..", "%20", "é", "rw", "x".repeat(500), ""];
const EXPR = ["eq(", "ne(", "lt(", "and(", "or(", "not(", "bogus(", "1", "\"rw\"", "\"Session started\"", ")", ",", "[", "]", "{", "}", "null", "true", "-", "\\", "\"", " "];
const POINTERS = ["/id", "/attributes/state", "/attributes/user", "/relationships/services/data/0/id", "/attributes", "", "id", "/attributes/memory/total", "/~1"];

function query(r: ReturnType<typeof prng>): string {
  const parts: string[] = [];
  const n = r.int(4);
  for (let i = 0; i < n; i += 1) {
    const expr = Array.from({ length: r.int(6) }, () => r.pick(EXPR)).join("");
    parts.push(
      r.pick([
        `pretty=${r.pick(["false", "banana", "0", ""])}`,
        `filter=${encodeURIComponent(`${r.pick(POINTERS)}${r.chance(0.9) ? "=" : ""}${expr}`)}`,
        `filter[${encodeURIComponent(r.pick(["attributes.user", "id", "$.x[*]", "a..b", "[", "relationships.services.data[0].id"]))}]=${encodeURIComponent(expr)}`,
        `fields[${r.pick(["sessions", "services", "x"])}]=${encodeURIComponent(r.pick(["state", "memory/total", "", ",", "/", "a/b/c", "services,log"]))}`,
        `page[size]=${r.pick(["1", "0", "x", "-1", "99999999999999999999"])}&page[number]=${r.pick(["0", "1", "x", "1e9"])}`,
        `ttl=${encodeURIComponent(r.pick(["0", "1", "abc", "1.5", "-1", "9999999999", ""]))}`,
        `rdns=${r.pick(["false", "no"])}`,
        "sync=false",
      ]),
    );
  }
  return parts.length ? `?${parts.join("&")}` : "";
}

function body(r: ReturnType<typeof prng>): string | undefined {
  return r.pick([
    undefined,
    "",
    "{",
    "[]",
    "null",
    '"x"',
    '{"data":5}',
    '{"data":{"attributes":{"parameters":{"log_info":true}}}}',
    '{"data":{"attributes":{"parameters":{"log_info":"yes"}}}}',
    '{"data":{"attributes":{"parameters":[]}}}',
    '{"data":{"relationships":{"filters":{"data":[{"id":null}]}}}}',
    '{"data":{"relationships":{"filters":{"data":{}}}}}',
    '{"data":[{"id":"QLA","type":"filters"},7]}',
    "[".repeat(5000),
    `{"data":${"[".repeat(2000)}${"]".repeat(3000)}}`,
    "\u0000\u00ff\ud800",
  ]);
}

const HEADERS: Record<string, string>[] = [
  {},
  { "if-match": "garbage" },
  { "if-match": "*" },
  { "if-none-match": "*" },
  { "if-modified-since": "not a date" },
  { "if-unmodified-since": "Thu, 01 Jan 1970 00:00:00 GMT" },
  { "content-type": "text/plain" },
  { "content-type": "application/x-www-form-urlencoded" },
  { "x-http-method-override": "DELETE" },
  { authorization: "Basic !!!" },
  { authorization: "Bearer " + "a".repeat(5000) },
];

/** Bad input gets the family's own 4xx; nothing a client sends gives a 500 or a hang. */
describe("maxscale: bad input", () => {
  let t: MaxscaleServer;

  before(async () => {
    t = await startMaxscale({ env: { SESSIONHUB_MAXSCALE_AUTH_FAILURES_PER_MINUTE: "0" } });
    await createService(t, "rw");
    for (let i = 0; i < 5; i += 1) await createSession(t, { serviceId: "rw", owner: "alice", client: { address: "192.0.2.1" } });
  });

  after(() => t.stop());

  test("deeply nested filters and bodies → 400, never a crash", async () => {
    const deep = `/id=${"and(".repeat(1000)}eq(1)${")".repeat(1000)}`;
    assertErrors(await t.call("GET", `/v1/sessions?filter=${encodeURIComponent(deep)}`), 400, "Filter expressions may nest and, or and not at most 8 deep");
    const tooLong = `/id=${"and(".repeat(2000)}eq(1)${")".repeat(2000)}`;
    assertErrors(await t.call("GET", `/v1/sessions?filter=${encodeURIComponent(tooLong)}`), 414, /^The request target is longer than 8192 bytes$/);
    assertErrors(await t.call("GET", `/v1/sessions?filter=${encodeURIComponent(`/id=eq(${"[".repeat(2000)})`)}`), 400, /^Invalid JSON: /);
    assertErrors(await t.call("PATCH", "/v1/sessions/1", { raw: "[".repeat(100_000) }), 400, /^Invalid JSON in request: /);
  });

  test("filters beyond the filter limits → 400 on pushed-down and in-memory paths alike; within them, translation never makes a 400", async () => {
    const list = (filters: string) => t.call("GET", `/v1/sessions?${filters}`);
    const filter = (pointer: string, expr: string) => `filter=${encodeURIComponent(`${pointer}=${expr}`)}`;
    const many = (n: number) => `or(${Array.from({ length: n }, (_, i) => `eq(${i + 1})`).join(",")})`;
    for (const pointer of ["/id", "/attributes/memory/total"]) {
      assertErrors(await list(filter(pointer, many(300))), 400, "A request's filters may hold at most 64 comparisons");
      assertErrors(await list(filter(pointer, `${"or(".repeat(9)}eq(1)${")".repeat(9)}`)), 400, "Filter expressions may nest and, or and not at most 8 deep");
    }
    const split = Array.from({ length: 65 }, () => filter("/id", "ge(1)")).join("&");
    assertErrors(await list(split), 400, "A request's filters may hold at most 64 comparisons");
    // 64 comparisons, and 8 levels of not() that would nest 16 deep once pushed down: the rows decide.
    const within = await list(filter("/id", many(64)));
    assert.equal(within.status, 200, within.text);
    assert.equal(within.body.data.length, 5);
    const nots = await list(filter("/attributes/state", `${"not(".repeat(8)}"Session started"${")".repeat(8)}`));
    assert.equal(nots.status, 200, nots.text);
    assert.equal(nots.body.data.length, 5);
  });

  test("the router refuses invalid percent-encoding (400) and segments over 512 characters (414) before any route", async () => {
    assert.equal((await t.call("GET", "/v1/sessions/%ff")).status, 400);
    assert.equal((await t.call("GET", `/v1/sessions/${"1".repeat(600)}`)).status, 414);
  });

  test("X-HTTP-Method-Override is ignored: a POST stays a POST", async () => {
    assertNoBody(await t.call("POST", "/v1/sessions/1", { headers: { "x-http-method-override": "DELETE" } }), 404);
    assert.equal((await t.server.hub.sessions.find(1))!.state, "idle");
  });

  test("fuzz: random methods, paths, parameters, headers and bodies → never a 500, always the family's shapes", async () => {
    const seed = Number(process.env.FUZZ_SEED ?? 20240105);
    const r = prng(seed);
    for (let i = 0; i < 400; i += 1) {
      const method = r.pick(METHODS);
      const path = `/${Array.from({ length: 1 + r.int(4) }, () => r.pick(SEGMENTS)).join("/")}${query(r)}`;
      const headers = r.pick(HEADERS);
      const raw = method === "GET" || method === "HEAD" ? undefined : body(r);
      const answer = await t.call(method, path, { headers, ...(raw !== undefined ? { raw } : {}), ...(headers.authorization ? { auth: headers.authorization } : {}) });
      const what = `seed ${seed} case ${i}: ${method} ${path.slice(0, 200)} ${JSON.stringify(headers).slice(0, 80)}`;
      assert.ok(answer.status >= 200 && answer.status < 500, `${what} → ${answer.status} ${answer.text.slice(0, 200)}`);
      assert.equal(answer.headers.get("cache-control"), "no-cache", what);
      if (answer.text !== "") {
        assert.match(answer.headers.get("content-type") ?? "", /^application\/json/, what);
        const parsed = JSON.parse(answer.text);
        if (answer.status >= 400) assert.ok(Array.isArray(parsed.errors) && parsed.errors.every((e: object) => Object.keys(e).join() === "detail"), what);
      }
    }
    assert.equal((await t.call("GET", "/v1/")).status, 200, "still serving");
  });
});

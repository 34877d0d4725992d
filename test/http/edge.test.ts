import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Api, answered, assertErrorFormat } from "../helpers/error-formats.js";
import { rawExchange, requestHead } from "../helpers/raw-http.js";
import { ADMIN_TOKEN, type TestServer, http, startServer } from "../helpers/server.js";

/** One request as sent, its answer as the validators read it. */
async function raw(base: string, method: string, target: string | Buffer, headers: Record<string, string> = {}) {
  const head = requestHead(method, target, [["host", "localhost"], ...Object.entries(headers)]);
  return { method, ...(await rawExchange(base, head)) };
}

/** One readable path of each API on the shared listener, spelled plainly and with an encoded letter. */
const APIS: { api: Api; plain: string; encoded: string }[] = [
  { api: "native", plain: "/api/v1/sessions", encoded: "/api/v1/%73essions" },
  { api: "game", plain: "/sessions", encoded: "/%73essions" },
  { api: "maxscale", plain: "/v1/sessions", encoded: "/v1/%73ession%73" },
  { api: "sas", plain: "/compute/sessions", encoded: "/compute/%73essions" },
  { api: "roundware", plain: "/api/2/sessions/", encoded: "/api/2/%73essions/" },
];

const AUTH = { authorization: `Bearer ${ADMIN_TOKEN}` };

describe("the edge: one path, one authentication, one error format per API", () => {
  let t: TestServer;
  before(async () => {
    t = await startServer({ env: { SESSIONHUB_ROUNDWARE_PORT: "0" } });
  });
  after(() => t.stop());

  test("an encoded letter in a path reaches the same route, and is authenticated there, on every API", async () => {
    for (const { api, plain, encoded } of APIS) {
      const refused = await raw(t.url, "GET", encoded);
      assertErrorFormat(api, refused, 401, `GET ${encoded} without credentials`);
      const spelled = await http(t.url, "GET", plain);
      const reached = await http(t.url, "GET", encoded);
      assert.equal(reached.status, 200, `${encoded} with credentials`);
      assert.equal(reached.status, spelled.status);
    }
    for (const path of ["/api/2/%70rojects/", "/api/2/%6Canguages/1/", "/api/2/%75sers/1/"]) {
      assertErrorFormat("roundware", await raw(t.url, "GET", path), 401, `GET ${path}`);
      assertErrorFormat("roundware", await raw(t.urls.roundware!, "GET", path), 401, `GET ${path} on Roundware's own listener`);
    }
  });

  test("targets the edge refuses are answered in the format of the API the path belongs to", async () => {
    for (const { api, plain } of APIS) {
      const cases: [string | Buffer, number][] = [
        [`${plain}/%`, 400],
        [`${plain}/%G1`, 400],
        [`${plain}/%ff`, 400],
        [`${plain}/1/#x`, 400],
        [`${plain}/../x`, 400],
        [`${plain}/%2e%2E/x`, 400],
        [`${plain}/./x`, 400],
        [`${plain}/${"a".repeat(513)}`, 414],
        [`${plain}?q=${"a".repeat(9000)}`, 414],
        [Buffer.concat([Buffer.from(`${plain}/`), Buffer.from([0xc3, 0xa9])]), 400],
      ];
      for (const [target, status] of cases) {
        for (const headers of [{}, AUTH]) {
          const answer = await raw(t.url, "GET", target, headers);
          assertErrorFormat(api, answer, status, `GET ${String(target).slice(0, 60)}`);
          assert.ok(answer.headers["x-request-id"], "edge answers carry a request id");
        }
      }
      const big = { ...AUTH, "x-filler": "a".repeat(20_000) };
      assertErrorFormat(api, await raw(t.url, "GET", plain, big), 431, `${plain} with 20 KB of headers`);
      const huge = { ...AUTH, "x-filler": "a".repeat(60_000) };
      assertErrorFormat(api, await raw(t.url, "GET", plain, huge), 431, `${plain} with 60 KB of headers (the parser's own cap)`);
    }
  });

  test("a request on a family's own listener gets that family's format wherever its path points", async () => {
    assertErrorFormat("maxscale", await raw(t.urls.maxscale!, "GET", "/sessions/%"), 400, "MaxScale's own listener");
    assertErrorFormat("maxscale", await raw(t.urls.maxscale!, "GET", "/api/v1/sessions", AUTH), 404, "a native path there");
    assertErrorFormat("roundware", await raw(t.urls.roundware!, "GET", "/elsewhere/%"), 400, "Roundware's own listener");
  });

  test("CONNECT, which no API offers, is answered, not dropped", async () => {
    assertErrorFormat("game", await raw(t.url, "CONNECT", "example.com:443"), 405, "CONNECT on the shared listener");
    assertErrorFormat("maxscale", await raw(t.urls.maxscale!, "CONNECT", "example.com:443"), 405, "on MaxScale's");
  });

  test("the house's own paths answer without credentials; unknown paths of the shared root are the game API's", async () => {
    assert.equal((await http(t.url, "GET", "/healthz", { token: null })).status, 200);
    assert.equal((await http(t.url, "GET", "/api/v1/openapi.json", { token: null })).status, 200);
    assertErrorFormat("game", await raw(t.url, "GET", "/nope"), 404, "GET /nope");
  });

  test("query keys are redacted in the access log after decoding and in any case", async () => {
    const secrets = ["pw-one-1234", "pw-two-5678", "tk-three-9012", "pw-four-3456"];
    const before = t.logs.length;
    await http(t.url, "GET", `/api/v1/sessions?pass%77ord=${secrets[0]}&PASSWORD=${secrets[1]}&Access_Token=${secrets[2]}&user%5Bpassword%5D=${secrets[3]}&state=idle`);
    const lines = t.logs.slice(before).join("\n");
    assert.match(lines, /state=idle/, "harmless keys stay readable");
    for (const secret of secrets) assert.ok(!lines.includes(secret), `${secret} was logged`);
  });
});

describe("the edge: bodies", () => {
  let t: TestServer;
  before(async () => {
    t = await startServer({ env: { SESSIONHUB_LIMIT_JSON_DEPTH: "8" } });
  });
  after(() => t.stop());

  test("a 2 MiB body gets the API's 413 with fetch, every time, on every API", async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 0x61);
    for (const [api, path] of [
      ["roundware", "/api/2/sessions/"],
      ["sas", "/compute/sessions"],
      ["native", "/api/v1/sessions"],
      ["game", "/sessions"],
      ["maxscale", "/v1/sessions/1"],
    ] as [Api, string][]) {
      const method = path.startsWith("/v1") ? "PATCH" : "POST";
      for (let i = 0; i < 10; i += 1) {
        const res = await fetch(t.url + path, { method, headers: { ...AUTH, "content-type": "application/json" }, body: big });
        assertErrorFormat(api, await answered(method, res), 413, `${path} try ${i}`);
      }
    }
  });

  test("a body streamed slowly past the limit is read to its end before the 413, so the client sees it", async () => {
    const { hostname, port } = new URL(t.url);
    const net = await import("node:net");
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), hostname);
      let got = "";
      socket.on("data", (d) => (got += d));
      socket.on("error", reject);
      socket.on("close", () => resolve(got));
      socket.write(`POST /api/2/sessions/ HTTP/1.1\r\nHost: x\r\nAuthorization: token ${ADMIN_TOKEN}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      let sent = 0;
      const next = () => {
        if (sent >= 2 * 1024 * 1024) return void socket.write("0\r\n\r\n");
        sent += chunk.length;
        socket.write(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")]), () => setImmediate(next));
      };
      next();
    });
    assert.match(answer, /^HTTP\/1\.1 413 /);
  });

  test("JSON nested past the limit is refused at the edge with each API's 400, however deep", async () => {
    const nest = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
    const create: [Api, string, string, (deep: string) => string][] = [
      ["native", "POST", "/api/v1/sessions", (d) => `{"serviceId":"game","attributes":${d}}`],
      ["game", "POST", "/sessions", (d) => `{"name":"x","data":${d}}`],
      ["roundware", "POST", "/api/2/sessions/", (d) => `{"project_id":1,"extra":${d}}`],
      ["sas", "POST", "/compute/contexts/sas-job-execution/sessions", (d) => `{"name":"x","attributes":${d}}`],
      ["maxscale", "PATCH", "/v1/sessions/1", (d) => `{"data":${d}}`],
    ];
    for (const [api, method, path, body] of create) {
      for (const depth of [9, 1001, 100_000]) {
        const res = await fetch(t.url + path, { method, headers: { ...AUTH, "content-type": "application/json" }, body: body(nest(depth)) });
        assertErrorFormat(api, await answered(method, res), 400, `${path} nested ${depth}`);
      }
    }
    const shallow = await http(t.url, "POST", "/api/v1/sessions", { body: { serviceId: "game", attributes: JSON.parse(nest(6)) } });
    assert.equal(shallow.status, 201, "nesting within the limit is accepted");
  });

  test("__proto__ keys are refused by every family's parser", async () => {
    for (const [api, method, path] of [
      ["native", "POST", "/api/v1/sessions"],
      ["game", "POST", "/sessions"],
      ["roundware", "POST", "/api/2/sessions/"],
      ["sas", "POST", "/compute/contexts/sas-job-execution/sessions"],
      ["maxscale", "PATCH", "/v1/sessions/1"],
    ] as [Api, string, string][]) {
      const res = await fetch(t.url + path, { method, headers: { ...AUTH, "content-type": "application/json" }, body: '{"__proto__":{"isAdmin":true}}' });
      assertErrorFormat(api, await answered(method, res), 400, path);
    }
  });
});

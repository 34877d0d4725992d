import assert from "node:assert/strict";
import { Agent, request } from "node:http";
import { after, before, describe, test } from "node:test";
import { prng } from "../../helpers/prng.js";
import { type Fixture, SESSION_BODY, startFixture } from "./fixture.js";

interface Raw {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

function send(url: URL, agent: Agent, r: Raw): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method: r.method, path: r.path, headers: r.headers, agent, timeout: 10_000 }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, body }));
    });
    req.on("timeout", () => req.destroy(new Error(`timeout: ${r.method} ${r.path}`)));
    req.on("error", reject);
    req.end(r.body);
  });
}

/** Checklist item 41: ≥ 5,000 random requests over every route; no 5xx, no hang. */
describe("roundware: fuzzing", () => {
  let f: Fixture;
  let sessionIds: number[] = [];

  before(async () => {
    f = await startFixture();
    for (let i = 0; i < 3; i += 1) sessionIds.push((await f.call("POST", "sessions/", { auth: f.T1, body: SESSION_BODY })).body.id);
  });

  after(() => f.t.stop());

  test("41. 5,000 random requests → every answer below 500, every body JSON (or empty)", async () => {
    const rnd = prng(Number(process.env.FUZZ_SEED ?? 41));
    const ids = ["1", "2", "007", "0", "-1", "abc", "1x", "1.5", "99999999999999999999", "%00", "%E2%82%AC", "..", "a".repeat(600), ...sessionIds.map(String)];
    const paths = [
      "",
      "users/",
      "users/:id/",
      "login/",
      "sessions/",
      "sessions",
      "sessions/count/",
      "sessions/:id/",
      "projects/",
      "projects/:id/",
      "languages/",
      "languages/:id/",
      "sessions.json",
      "assets/",
      "sessions/:id/extra/",
      "//sessions/",
    ];
    const params = ["project_id", "language_id", "language", "geo_listen_enabled", "demo_stream_enabled", "device_id", "session_id", "all", "name", "language_code", "page"];
    const values = ["1", "2", "1.0", "1.5", "abc", "", "true", "False", "maybe", "en", "ES", "%FF", "%00", "-", "9".repeat(30), ...sessionIds.map(String)];
    const scalars: unknown[] = [null, true, false, 0, 1, -1, 1.5, 1e300, "", " ", "abc", "es-MX", "-0800", "0000", "x".repeat(300), [], [1], {}, { a: 1 }, "\u0000", "😀"];
    const fields = ["project_id", "client_system", "client_type", "timezone", "language", "language_id", "geo_listen_enabled", "demo_stream_enabled", "device_id", "username", "password", "name", "language_code", "id", "__proto__", "constructor"];
    const auths = [`token ${f.T1}`, `token ${f.T2}`, `token ${f.A}`, "token bogus", "token", "token a b", "Basic YTpi", "Bearer x.y.z", "jwt abc", `Token ${f.T1}`, ""];
    const types = ["application/json", "application/json; charset=latin1", "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz", "multipart/form-data", "text/plain", "application/octet-stream", ""];
    const methods = ["GET", "GET", "POST", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "PROPFIND", "TRACE"];

    const body = (): Buffer | undefined => {
      switch (Math.floor(rnd.next() * 7)) {
        case 0:
          return undefined;
        case 1: {
          const o: Record<string, unknown> = {};
          for (let i = 0; i < 1 + rnd.next() * 5; i += 1) o[rnd.pick(fields)] = rnd.pick(scalars);
          return Buffer.from(JSON.stringify(o));
        }
        case 2:
          return Buffer.from(JSON.stringify({ ...SESSION_BODY, [rnd.pick(fields)]: rnd.pick(scalars) }));
        case 3:
          return Buffer.from(`${rnd.pick(fields)}=${encodeURIComponent(String(rnd.pick(scalars)))}&${rnd.pick(fields)}=%ZZ`);
        case 4:
          return Buffer.from(rnd.pick(['{"a":', "[1,2", "null", "\"s\"", "1e400", "{\"__proto__\":{\"x\":1}}", "--xyz\r\nContent-Disposition: form-data; name=\"device_id\"\r\n\r\nz\r\n--xyz--\r\n"]));
        case 5:
          return Buffer.from(Array.from({ length: Math.floor(rnd.next() * 64) }, () => Math.floor(rnd.next() * 256)));
        default:
          return Buffer.from("{}");
      }
    };

    const url = new URL(f.url);
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const failures: string[] = [];
    const statuses = new Set<number>();
    let sent = 0;
    let answered = 0;
    const worker = async () => {
      while (sent < 5000) {
        sent += 1;
        const method = rnd.pick(methods);
        const path = rnd.pick(paths).replace(":id", rnd.pick(ids));
        const query = rnd.next() < 0.5 ? "" : `?${Array.from({ length: 1 + Math.floor(rnd.next() * 3) }, () => `${rnd.pick(params)}=${rnd.pick(values)}`).join("&")}`;
        const headers: Record<string, string> = {};
        const auth = rnd.pick(auths);
        if (auth) headers.authorization = auth;
        const payload = method === "TRACE" ? undefined : body();
        const type = rnd.pick(types);
        if (payload && type) headers["content-type"] = type;
        // Node's client frames GET and DELETE bodies only with an explicit length.
        if (payload) headers["content-length"] = String(payload.length);
        if (rnd.next() < 0.2) headers.origin = rnd.pick(["https://app.example", "null", "http://localhost:8080"]);
        if (rnd.next() < 0.1) headers["access-control-request-method"] = "POST";
        if (rnd.next() < 0.05) headers["idempotency-key"] = rnd.pick(["k1", "k2", "x".repeat(300)]);
        const r: Raw = { method, path: `/api/2/${path}${query}`, headers, ...(payload ? { body: payload } : {}) };
        const answer = await send(url, agent, r).catch((e: Error) => {
          throw new Error(`${e.message}: ${r.method} ${r.path} ${JSON.stringify(r.headers)} ${r.body?.toString("latin1").slice(0, 80)}`);
        });
        answered += 1;
        statuses.add(answer.status);
        if (answer.status >= 500) failures.push(`${answer.status} ${method} ${r.path} ${payload?.toString("latin1").slice(0, 80)} → ${answer.body.slice(0, 200)}`);
        else if (answer.body !== "") {
          try {
            JSON.parse(answer.body);
          } catch {
            failures.push(`not JSON: ${method} ${r.path} → ${answer.body.slice(0, 120)}`);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    agent.destroy();
    assert.equal(answered, 5000);
    assert.deepEqual(failures.slice(0, 10), []);
    // The run reached past the gates: successes, validation, auth, routing and media-type answers.
    for (const status of [200, 204, 400, 401, 403, 404, 405, 415]) assert.ok(statuses.has(status), `no ${status} in ${[...statuses]}`);
    // The server is still answering normally afterwards.
    assert.equal((await f.call("GET", "sessions/count/", { auth: f.T1 })).status, 200);
  });
});

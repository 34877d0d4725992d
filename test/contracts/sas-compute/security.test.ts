import assert from "node:assert/strict";
import { SignJWT } from "jose";
import { before, describe, test } from "node:test";
import { JWT_SECRET, http } from "../../helpers/server.js";
import { lines, useSas } from "./fixture.js";

/** Checklist items 40 and 41, bad input and a small fuzz over every route. */
describe("sas-compute: authentication, the script language, bad input", () => {
  const sas = useSas();
  let session: string;
  before(async () => {
    session = (await sas.create({})).href;
  });

  test("40. 401 forms; lower-case bearer works; no token in logs, responses or log lines", async () => {
    const none = await http(sas.t.url, "GET", "/compute/", { token: null });
    assert.equal(none.status, 401);
    assert.equal(none.text, "");
    assert.equal(none.headers.get("content-type"), null);
    assert.equal(none.headers.get("www-authenticate"), 'Bearer realm="sessionhub"');
    const expired = await new SignJWT({ sub: "alice" }).setProtectedHeader({ alg: "HS256" }).setExpirationTime(Math.floor(Date.now() / 1000) - 3600).sign(new TextEncoder().encode(JWT_SECRET));
    for (const header of ["Bearer wrong", `Bearer ${expired}`]) {
      const r = await http(sas.t.url, "GET", "/compute/", { token: null, headers: { authorization: header } });
      assert.equal(r.status, 401);
      assert.match(r.headers.get("www-authenticate")!, /error="invalid_token"/);
    }
    assert.equal((await http(sas.t.url, "GET", "/compute/", { token: null, headers: { authorization: `bearer ${sas.tokens.alice}` } })).status, 200);
    assert.equal((await http(sas.t.url, "GET", "/compute/nope", { token: null })).status, 401);
    const { href: job } = await sas.run(session, [`print ${sas.tokens.alice.slice(0, 6)}`]);
    const everything = [...sas.t.logs, JSON.stringify((await sas.alice("GET", session)).body), JSON.stringify((await sas.alice("GET", `${job}/log`)).body)].join("\n");
    for (const token of Object.values(sas.tokens)) assert.equal(everything.includes(token), false);
  });

  test("41. the script language never evaluates; quoting, &-resolution, comments, case, recovery, determinism", async () => {
    const listing = async (code: string[], vars?: Record<string, string>) => {
      const { href } = await sas.run(session, code, vars ? { variables: vars } : {});
      return lines((await sas.alice("GET", `${href}/listing`)).body);
    };
    assert.deepEqual(await listing(["print ${process.exit()}"]), ["${process.exit()}"]);
    assert.deepEqual(await listing(["print '; rm -rf /'"]), ["; rm -rf /"]);
    assert.deepEqual(await listing(["print 'it''s; ok'"]), ["it's; ok"]);
    assert.deepEqual(await listing(['print "&x"', "print '&x'", "print &x and &x.y"], { x: "1" }), ["1", "&x", "1 and 1y"]);
    assert.deepEqual(await listing(["/* print no", "print no */ print yes", "* print no;", "PRINT upper"]), ["yes", "upper"]);
    const { href: bad, job } = await sas.run(session, ["frobnicate", "print after"]);
    assert.equal(job.jobConditionCode, 8);
    assert.deepEqual(lines((await sas.alice("GET", `${bad}/listing`)).body), ["after"]);
    const once = lines((await sas.alice("GET", `${(await sas.run(session, ["print a", "warning b"], { attributes: { resetLogLineNumbers: true } })).href}/log`)).body);
    const twice = lines((await sas.alice("GET", `${(await sas.run(session, ["print a", "warning b"], { attributes: { resetLogLineNumbers: true } })).href}/log`)).body);
    assert.deepEqual(once.slice(0, -1), twice.slice(0, -1));
    const { href: restaflib, job: rj } = await sas.run(session, ["options NOSYNTAXCHECK OBS=MAX;%let syscc=0;", "%let maxRows=1000;", "print &maxRows", ";"]);
    assert.equal(rj.state, "completed");
    assert.deepEqual(lines((await sas.alice("GET", `${restaflib}/listing`)).body), ["1000"]);
  });

  test("bad input: If-Match garbage, unknown ids, bad paging, oversized code — the family's errors, never a 500", async () => {
    const tag = await sas.alice("PUT", `${session}/state?value=canceled`, { headers: { "if-match": "garbage" } });
    assert.equal(tag.status, 412);
    assert.equal(tag.body.errorCode, 9412);
    for (const path of [`${session}/jobs/nope`, `${session}/jobs/01a22697-47cc-75d1-9c1a-307c0666dc98`, `${session}/filerefs/1bad`, `${session}/results/x`, `${session}/variables/x-y`]) {
      const r = await sas.alice("GET", path);
      assert.equal(r.status, 404, path);
      assert.equal(r.body.errorCode, 9404, path);
    }
    for (const q of ["start=x&limit=y", "start=1e99&limit=-1", "start=%00", "limit=99999999999999999999"]) {
      assert.equal((await sas.alice("GET", `${session}/log?${q}`)).status, 200, q);
      assert.equal((await sas.alice("GET", `/compute/sessions?${q}`)).status, 200, q);
    }
    for (const body of ['{"code": [1, 2]}', '{"code": "x", "variables": {"1bad": "x"}}', '{"code": "x", "variables": {"A": {"b": 1}}}', "[1]", "{bad json"]) {
      const r = await sas.alice("POST", `${session}/jobs`, { raw: body, headers: { "content-type": "application/json" } });
      assert.equal(r.status, 400, body);
      assert.equal(r.body.errorCode, 5010, body);
    }
  });

  test("fuzz: random methods, paths, headers and bodies over every route answer with a SAS error or success, never 5xx", async () => {
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pick = <T>(xs: T[]) => xs[rand(xs.length)]!;
    const id = session.split("/").at(-1)!;
    const paths = ["", "/", "/contexts", "/contexts/sas-job-execution", "/contexts/x/sessions", "/contexts/sas-job-execution/sessions", "/sessions", `/sessions/${id}`, `/sessions/${id}/state`, `/sessions/${id}/jobs`, `/sessions/${id}/jobs/x/state`, `/sessions/${id}/log/content`, `/sessions/${id}/listing`, `/sessions/${id}/results`, `/sessions/${id}/filerefs`, `/sessions/${id}/filerefs/A/content`, `/sessions/${id}/data/WORK`, `/sessions/${id}/variables/SYSCC`, "/sessions/%ZZ", "/sessions/../../etc"];
    const queries = ["", "?filter=eq(", "?filter=and(eq(name,a))", "?sortBy=:", "?start=-1&limit=x", "?wait=abc", "?timeout=1", "?state=deleted&value=canceled", "?filter=" + encodeURIComponent("in(name)")];
    const bodies = [undefined, "{}", "null", '{"code":null}', '{"name":"x","path":"../x"}', "\u0000\u0001", "[]", '{"attributes":{"sessionInactiveTimeout":"x"}}'];
    const types = ["application/json", "text/plain", "application/vnd.sas.compute.job.request+json", "multipart/form-data", ""];
    const accepts = ["*/*", "text/csv", "application/json", "text/plain", "application/vnd.sas.collection+json;application/json", ""];
    for (let i = 0; i < 150; i += 1) {
      const method = pick(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"]);
      const path = `/compute${pick(paths)}${pick(queries)}`;
      const body = method === "GET" || method === "HEAD" ? undefined : pick(bodies);
      const headers: Record<string, string> = { accept: pick(accepts) };
      const type = pick(types);
      if (type && body !== undefined) headers["content-type"] = type;
      if (rand(3) === 0) headers["if-match"] = pick(['"x"', "*", "garbage"]);
      const r = await sas.as(sas.tokens.bob)(method, path, { raw: body === undefined ? undefined : Buffer.from(body), headers });
      assert.ok(r.status < 500, `${method} ${path} → ${r.status} ${r.text.slice(0, 200)}`);
      if (r.status >= 400 && method !== "HEAD" && r.status !== 401) {
        assert.equal(typeof r.body.errorCode, "number", `${method} ${path} → ${r.text.slice(0, 200)}`);
      }
    }
    assert.equal((await sas.alice("GET", session)).status, 200, "the session survived");
  });
});

import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { after, before, describe, test } from "node:test";
import { decodeJwt } from "jose";
import { ADMIN_TOKEN, type TestServer, http, startServer } from "../../helpers/server.js";

// The adapter's Node build (its browser build needs `self`).
const SASjs = createRequire(import.meta.url)("@sasjs/adapter/node").default;

const CONTEXT = "SAS Job Execution compute context";

const requests = (t: TestServer, prefix: string) =>
  t.logs
    .filter((l) => l.includes('"request completed"'))
    .map((l) => JSON.parse(l) as { method: string; url: string; status: number })
    .filter((e) => e.url.startsWith(prefix))
    .map((e) => `${e.status} ${e.method} ${e.url}`);

/**
 * The real @sasjs/adapter from npm in Viya mode on the Compute API, with tokens from
 * SAS Logon. Access tokens live 30 minutes here, so the adapter (which refreshes any
 * token with less than an hour left) refreshes before each call.
 */
describe("sas-compute: @sasjs/adapter (Viya, compute API) with SAS Logon's tokens", () => {
  let t: TestServer;
  let auth: { client: string; secret: string; access_token: string; refresh_token: string };
  let sasjs: any;

  before(async () => {
    t = await startServer({ config: { sasLogon: { accessTokenSeconds: 1800 } } });
    assert.equal((await http(t.url, "POST", "/api/v1/users", { token: ADMIN_TOKEN, body: { id: "alice", password: "alice-pw-1" } })).status, 201);
    const issued = await http(t.url, "POST", "/SASLogon/oauth/token", {
      token: null,
      raw: "grant_type=password&username=alice&password=alice-pw-1",
      headers: { authorization: `Basic ${Buffer.from("sas.cli:").toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
    });
    assert.equal(issued.status, 200, issued.text);
    auth = { client: "sas.cli", secret: "", access_token: issued.body.access_token, refresh_token: issued.body.refresh_token };
    sasjs = new SASjs({ serverUrl: t.url, serverType: "SASVIYA", useComputeApi: true, contextName: CONTEXT, debug: false });
  });
  after(() => t.stop());

  test("the tokens are JWTs the adapter can read: the access token expires within the hour, the refresh token much later", () => {
    const now = Date.now() / 1000;
    assert.ok(decodeJwt(auth.access_token).exp! - now < 3600);
    assert.ok(decodeJwt(auth.refresh_token).exp! - now > 86_400);
  });

  test("executeScript: runs SAS code in a compute session, returns the job and its log; the adapter refreshed its token", async () => {
    const before = requests(t, "/SASLogon/oauth/token").length;
    const result = await sasjs.executeScript({
      fileName: "hello.sas",
      linesOfCode: ["%put &=sysuserid;", "data _null_;", "  length greeting $ 40;", "  greeting = 'hello from sasjs';", "  put greeting=;", "run;"],
      contextName: CONTEXT,
      authConfig: auth,
      debug: true,
    });
    assert.equal(result.job.state, "completed");
    assert.equal(result.job.jobConditionCode, 0);
    const lines: string[] = result.log.split("\n");
    assert.ok(lines.includes("SYSUSERID=alice"), result.log);
    assert.ok(lines.includes("greeting=hello from sasjs"), result.log);
    const tokenCalls = requests(t, "/SASLogon/oauth/token").slice(before);
    assert.ok(tokenCalls.length >= 1 && tokenCalls.every((c) => c === "200 POST /SASLogon/oauth/token"), tokenCalls.join("\n"));
  });

  test("executeScript with _webout: the adapter's compute path returns what the job wrote there", async () => {
    const result = await sasjs.sasViyaApiClient.executeScript("webout.sas", ["data _null_; file _webout; put '{\"sasjs\": \"ok\"}'; run;"], CONTEXT, auth, null, false, true);
    assert.deepEqual(typeof result.result === "string" ? JSON.parse(result.result) : result.result, { sasjs: "ok" });
  });

  test("getExecutableContexts: the context runs `%put &=sysuserid;` and reports the user", async () => {
    const contexts = await sasjs.getExecutableContexts(auth);
    assert.equal(contexts.length, 1);
    assert.equal(contexts[0].name, CONTEXT);
    assert.deepEqual(contexts[0].attributes, { sysUserId: "alice" });
  });

  test("every request the adapter made was answered (no 5xx; 404 only for the _webout it probes)", () => {
    const wire = requests(t, "/");
    assert.deepEqual(wire.filter((w) => /^5/.test(w)), []);
    assert.deepEqual(
      wire.filter((w) => /^4/.test(w)),
      wire.filter((w) => /^404 GET \/compute\/sessions\/[^/]+\/filerefs\/_webout\/content$/.test(w)),
    );
  });
});

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { request } from "node:https";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { ROOT } from "../helpers/process.js";
import { ADMIN_TOKEN, type TestServer, http, startServer } from "../helpers/server.js";

const KEY = fileURLToPath(new URL("../fixtures/tls/key.pem", import.meta.url));
const CERT = fileURLToPath(new URL("../fixtures/tls/cert.pem", import.meta.url));
const CA = readFileSync(CERT);

/** One HTTPS request that trusts the test certificate. */
function https(base: string, path: string, headers: Record<string, string> = {}, method = "GET", body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { method, headers, ca: CA }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("TLS on every listener", () => {
  let t: TestServer;
  before(async () => {
    t = await startServer({
      env: {
        SESSIONHUB_TLS_KEY: KEY,
        SESSIONHUB_TLS_CERT: CERT,
        SESSIONHUB_MAXSCALE_TLS_KEY: KEY,
        SESSIONHUB_MAXSCALE_TLS_CERT: CERT,
        SESSIONHUB_ROUNDWARE_PORT: "0",
        SESSIONHUB_ROUNDWARE_TLS_KEY: KEY,
        SESSIONHUB_ROUNDWARE_TLS_CERT: CERT,
      },
    });
    const ops = await https(t.url, "/api/v1/users", { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" }, "POST", JSON.stringify({ id: "ops", roles: ["admin"], password: "pw-ops" }));
    assert.equal(ops.status, 201);
  });
  after(() => t.stop());

  test("each listener reports and serves https://, and refuses plain HTTP", async () => {
    for (const [name, url] of Object.entries(t.urls)) {
      assert.match(url, /^https:\/\//, name);
      assert.equal((await https(url, name === "maxscale" ? "/v1/" : name === "roundware" ? "/api/2/" : "/healthz", { authorization: basic("ops", "pw-ops") })).status, 200, name);
      await assert.rejects(fetch(url.replace("https:", "http:") + "/healthz"), `${name} answered plain HTTP`);
    }
  });

  test("maxctrl --secure: its session listing over HTTPS with Basic credentials", async () => {
    const r = await https(t.urls.maxscale!, "/v1/sessions", { authorization: basic("ops", "pw-ops"), accept: "application/json" });
    assert.equal(r.status, 200);
    assert.ok(Array.isArray(JSON.parse(r.body).data));
  });

  test("saspy over HTTPS: the context lookup and a session, as it asks for them", async () => {
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const contexts = await https(t.url, "/compute/contexts?limit=999999", { ...auth, "accept-item": "application/vnd.sas.compute.context.summary+json" });
    assert.equal(contexts.status, 200);
    const session = await https(
      t.url,
      "/compute/contexts/sas-job-execution/sessions",
      { ...auth, accept: "application/vnd.sas.compute.session+json", "content-type": "application/vnd.sas.compute.session.request+json" },
      "POST",
      JSON.stringify({ name: "SASPy", version: 1 }),
    );
    assert.equal(session.status, 201);
  });

  test("restaf over HTTPS, trusting the certificate as its users do (NODE_EXTRA_CA_CERTS)", async () => {
    const script = `
      import restaf from "@sassoftware/restaf";
      const store = restaf.initStore();
      await store.logon({ host: process.env.HOST, token: process.env.TOKEN, tokenType: "bearer", authType: "server" });
      const { compute } = await store.addServices("compute");
      const contexts = await store.apiCall(compute.links("contexts"));
      console.log(JSON.stringify(contexts.itemsList().toJS()));`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      cwd: ROOT,
      env: { ...process.env, NODE_EXTRA_CA_CERTS: CERT, HOST: t.url, TOKEN: ADMIN_TOKEN },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const code = await new Promise((resolve) => child.on("exit", resolve));
    assert.equal(code, 0, out);
    assert.match(out, /SAS Job Execution compute context/);
  });
});

describe("listeners that take passwords beyond loopback", () => {
  test("warn at start without TLS, naming the settings; stay quiet with it", async () => {
    const plain = await startServer({ env: { SESSIONHUB_HOST: "0.0.0.0", SESSIONHUB_MAXSCALE_PORT: "-1" } });
    try {
      assert.ok(plain.logs.some((l) => l.includes("the main listener on 0.0.0.0 serves plain HTTP") && l.includes("configure tls.key and .cert")));
    } finally {
      await plain.stop();
    }
    const secure = await startServer({ env: { SESSIONHUB_HOST: "0.0.0.0", SESSIONHUB_MAXSCALE_PORT: "-1", SESSIONHUB_TLS_KEY: KEY, SESSIONHUB_TLS_CERT: CERT } });
    try {
      assert.ok(!secure.logs.some((l) => l.includes("serves plain HTTP")));
      assert.equal((await http(secure.url.replace("0.0.0.0", "127.0.0.1"), "GET", "/healthz").catch(() => null)), null, "plain fetch cannot reach a TLS listener");
    } finally {
      await secure.stop();
    }
  });

  test("a key without a certificate stops the start, naming the setting", async () => {
    await assert.rejects(startServer({ env: { SESSIONHUB_TLS_KEY: KEY } }), /tls needs both a key and a cert/);
    await assert.rejects(startServer({ env: { SESSIONHUB_TLS_KEY: "/nonexistent.pem", SESSIONHUB_TLS_CERT: CERT } }), /cannot read the TLS key of tls/);
  });
});

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type PostgresCluster, startPostgres } from "../../helpers/postgres.js";
import { ADMIN_TOKEN, type TestServer, http, startServer } from "../../helpers/server.js";

const basic = `Basic ${Buffer.from("sas.cli:").toString("base64")}`;
const form = (fields: Record<string, string>) => ({ token: null, raw: new URLSearchParams(fields).toString(), headers: { authorization: basic, "content-type": "application/x-www-form-urlencoded" } });

/** Two nodes over one PostgreSQL database share SAS Logon's signing key and refresh tokens. */
describe("SAS Logon: two nodes over PostgreSQL", () => {
  let cluster: PostgresCluster;
  const nodes: TestServer[] = [];
  const dirs: string[] = [];

  before(async () => {
    cluster = await startPostgres();
    const url = await cluster.createDatabase();
    for (let i = 0; i < 2; i += 1) {
      dirs.push(mkdtempSync(join(tmpdir(), `sessionhub-logon-node${i}-`)));
      nodes.push(await startServer({ dataDir: dirs[i]!, env: { SESSIONHUB_DATABASE_URL: url } }));
    }
    assert.equal((await http(nodes[0]!.url, "POST", "/api/v1/users", { token: ADMIN_TOKEN, body: { id: "alice", password: "alice-pw-1" } })).status, 201);
  });
  after(async () => {
    for (const n of nodes) await n.stop();
    await cluster?.stop();
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  test("the first token requests race on both nodes; one key results, and either node accepts the other's tokens", async () => {
    const [a, b] = await Promise.all(nodes.map((n) => http(n.url, "POST", "/SASLogon/oauth/token", form({ grant_type: "password", username: "alice", password: "alice-pw-1" }))));
    assert.equal(a!.status, 200, a!.text);
    assert.equal(b!.status, 200, b!.text);
    const keys = await Promise.all(nodes.map(async (n) => (await http(n.url, "GET", "/SASLogon/token_keys", { token: null })).body.keys[0].kid));
    assert.equal(keys[0], keys[1]);
    assert.equal((await http(nodes[1]!.url, "GET", "/compute/contexts", { headers: { authorization: `Bearer ${a!.body.access_token}` } })).status, 200);
    const refreshed = await http(nodes[1]!.url, "POST", "/SASLogon/oauth/token", form({ grant_type: "refresh_token", refresh_token: a!.body.refresh_token }));
    assert.equal(refreshed.status, 200, refreshed.text);
    const revoked = await http(nodes[0]!.url, "GET", "/SASLogon/oauth/token/revoke/user/alice", { token: ADMIN_TOKEN });
    assert.equal(revoked.status, 200);
    assert.equal((await http(nodes[1]!.url, "POST", "/SASLogon/oauth/token", form({ grant_type: "refresh_token", refresh_token: b!.body.refresh_token }))).status, 401);
  });
});

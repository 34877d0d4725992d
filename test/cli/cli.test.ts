import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { runCli } from "../helpers/process.js";
import { ADMIN_TOKEN, type TestServer, startServer } from "../helpers/server.js";

describe("CLI against a running server", () => {
  let t: TestServer;
  let env: Record<string, string>;

  before(async () => {
    t = await startServer();
    env = { SESSIONHUB_URL: t.url, SESSIONHUB_TOKEN: ADMIN_TOKEN };
  });

  after(() => t.stop());

  test("users add and list, with the password from stdin; --json for scripts", async () => {
    const added = await runCli(["users", "add", "ops", "--role", "admin", "--password-stdin"], env, "s3cret-pw\n");
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /created user ops/);
    const listed = await runCli(["users", "list"], env);
    assert.match(listed.stdout, /^ID\s+NUMBER\s+ROLES/m);
    assert.match(listed.stdout, /^ops\s+\d+\s+\["admin"\]\s+true/m);
    const json = JSON.parse((await runCli(["users", "list", "--json"], env)).stdout) as { id: string; hasPassword: boolean }[];
    assert.equal(json.find((u) => u.id === "ops")?.hasPassword, true);
    assert.ok(!JSON.stringify(json).includes("s3cret-pw"));
    const basic = await fetch(`${t.url}/api/v1/me`, { headers: { authorization: `Basic ${Buffer.from("ops:s3cret-pw").toString("base64")}` } });
    assert.equal(((await basic.json()) as { userId: string }).userId, "ops");
  });

  test("tokens create, list and revoke; the secret is shown once", async () => {
    const created = await runCli(["tokens", "create", "--name", "ci", "--json"], env);
    assert.equal(created.code, 0, created.stderr);
    const issued = JSON.parse(created.stdout) as { token: { id: string }; secret: string };
    assert.match(issued.secret, /^shk_/);
    const listed = await runCli(["tokens", "list"], env);
    assert.match(listed.stdout, new RegExp(issued.token.id));
    assert.ok(!listed.stdout.includes(issued.secret));
    const revoked = await runCli(["tokens", "revoke", issued.token.id], env);
    assert.equal(revoked.code, 0);
    const rejected = await runCli(["services", "list"], { ...env, SESSIONHUB_TOKEN: issued.secret });
    assert.equal(rejected.code, 1);
    assert.match(rejected.stderr, /401 Unauthenticated/);
  });

  test("services create and list; sessions list, show, end and delete", async () => {
    const made = await runCli(["services", "create", "arena", "--name", "Arena", "--timeout", "600", "--settings", '{"mode":"ffa"}'], env);
    assert.equal(made.code, 0, made.stderr);
    assert.match((await runCli(["services", "list"], env)).stdout, /^arena\s+\d+\s+generic\s+Arena\s+600$/m);
    const res = await fetch(`${t.url}/api/v1/sessions`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ serviceId: "arena", status: "lobby" }),
    });
    const session = (await res.json()) as { id: string; number: number };
    const list = await runCli(["sessions", "list", "--service", "arena"], env);
    assert.match(list.stdout, new RegExp(`^${session.number}\\s+${session.id}\\s+arena\\s+admin\\s+idle\\s+lobby`, "m"));
    const shown = await runCli(["sessions", "show", String(session.number), "--json"], env);
    assert.equal((JSON.parse(shown.stdout) as { id: string }).id, session.id);
    const ended = await runCli(["sessions", "end", session.id, "--reason", "killed"], env);
    assert.match(ended.stdout, /ended \(killed\)/);
    assert.equal((await runCli(["sessions", "delete", session.id], env)).code, 0);
    const gone = await runCli(["sessions", "show", session.id], env);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /404 Not found/);
  });

  test("usage errors exit 2; an unreachable server is a clear error", async () => {
    assert.equal((await runCli(["frobnicate"], env)).code, 2);
    assert.equal((await runCli(["sessions", "show"], env)).code, 2);
    assert.equal((await runCli(["services", "list"], { SESSIONHUB_URL: t.url, SESSIONHUB_TOKEN: "" })).code, 2);
    const down = await runCli(["services", "list"], { SESSIONHUB_URL: "http://127.0.0.1:1", SESSIONHUB_TOKEN: ADMIN_TOKEN });
    assert.equal(down.code, 1);
    assert.match(down.stderr, /Cannot reach http:\/\/127\.0\.0\.1:1/);
  });
});

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ROOT, cliEnv, ensureBuilt, runCli } from "../helpers/process.js";
import { ADMIN_TOKEN, type TestServer, client, startServer } from "../helpers/server.js";
import { until } from "../helpers/wait.js";

describe("CLI against a running server", () => {
  let t: TestServer;
  let env: Record<string, string>;

  before(async () => {
    t = await startServer();
    env = { SESSIONHUB_URL: t.url, SESSIONHUB_TOKEN: ADMIN_TOKEN };
  });

  after(() => t.stop());

  test("users add, list, show, update and delete; passwords from stdin; roles are checked", async () => {
    const added = await runCli(["users", "add", "ops", "--role", "admin", "--password-stdin"], env, "s3cret-pw\n");
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /created user ops \(admin\)/);
    const listed = await runCli(["users", "list"], env);
    assert.match(listed.stdout, /^ID\s+NUMBER\s+ROLES\s+PASSWORD\s+DEVICE\s+DISABLED\s+CREATED$/m);
    assert.match(listed.stdout, /^ops\s+\d+\s+admin\s+yes\s+-\s+no\s+(just now|\d+s ago)$/m);
    const json = JSON.parse((await runCli(["users", "list", "--json"], env)).stdout) as { id: string; hasPassword: boolean }[];
    assert.equal(json.find((u) => u.id === "ops")?.hasPassword, true);
    assert.ok(!JSON.stringify(json).includes("s3cret-pw"));
    const basic = await fetch(`${t.url}/api/v1/me`, { headers: { authorization: `Basic ${Buffer.from("ops:s3cret-pw").toString("base64")}` } });
    assert.equal(((await basic.json()) as { userId: string }).userId, "ops");

    const superuser = await runCli(["users", "add", "bob", "--role", "superuser"], env);
    assert.equal(superuser.code, 2);
    assert.match(superuser.stderr, /--role must be admin; got "superuser"/);
    assert.equal((await client(t.url)("GET", "/api/v1/users/bob")).status, 404, "nothing was sent");

    assert.equal((await runCli(["users", "add", "carol"], env)).code, 0);
    const updated = await runCli(["users", "update", "carol", "--role", "admin", "--disable"], env);
    assert.equal(updated.code, 0, updated.stderr);
    const shown = await runCli(["users", "show", "carol"], env);
    assert.match(shown.stdout, /^Roles:\s+admin$/m);
    assert.match(shown.stdout, /^Disabled:\s+yes$/m);
    assert.match(shown.stdout, /^Device:\s+-$/m);
    assert.equal((await runCli(["users", "update", "carol"], env)).code, 2, "nothing to change");
    assert.equal((await runCli(["users", "delete", "carol"], env)).code, 0);
    const gone = await runCli(["users", "show", "carol"], env);
    assert.equal(gone.code, 3);
  });

  test("tokens create, list and revoke; the secret is shown once; a revoked token exits 4", async () => {
    const created = await runCli(["tokens", "create", "--name", "ci", "--expires-in", "30d", "--json"], env);
    assert.equal(created.code, 0, created.stderr);
    const issued = JSON.parse(created.stdout) as { token: { id: string; expiresAt: string }; secret: string };
    assert.match(issued.secret, /^shk_/);
    assert.ok(Date.parse(issued.token.expiresAt) - Date.now() > 29 * 86_400_000);
    const listed = await runCli(["tokens", "list"], env);
    assert.match(listed.stdout, /^ID\s+USER\s+NAME\s+ISSUER\s+CREATED\s+EXPIRES\s+REVOKED$/m);
    assert.match(listed.stdout, new RegExp(`^${issued.token.id}\\s+admin\\s+ci\\s+native\\s+(just now|\\d+s ago)\\s+in 29d\\s+-$`, "m"));
    assert.ok(!listed.stdout.includes(issued.secret));
    const revoked = await runCli(["tokens", "revoke", issued.token.id], env);
    assert.equal(revoked.code, 0);
    const rejected = await runCli(["services", "list"], { ...env, SESSIONHUB_TOKEN: issued.secret });
    assert.equal(rejected.code, 4);
    assert.match(rejected.stderr, /401 Unauthenticated/);
    assert.equal((await runCli(["tokens", "create", "--expires-in", "soon"], env)).code, 2);
  });

  test("services create, list, show, update and delete", async () => {
    const made = await runCli(["services", "create", "arena", "--name", "Arena", "--timeout", "10m", "--settings", '{"mode":"ffa"}'], env);
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /^created service arena \(number \d+, kind generic\)$/m);
    const listed = await runCli(["services", "list"], env);
    assert.match(listed.stdout, /^ID\s+NUMBER\s+KIND\s+NAME\s+IDLE TIMEOUT$/m);
    assert.match(listed.stdout, /^arena\s+\d+\s+generic\s+Arena\s+10m$/m);
    assert.equal((await runCli(["services", "update", "arena", "--timeout", "0"], env)).code, 0);
    const shown = await runCli(["services", "show", "arena"], env);
    assert.match(shown.stdout, /^Idle timeout:\s+never$/m);
    assert.match(shown.stdout, /^Description:\s+-$/m);
    assert.match(shown.stdout, /"mode": "ffa"/);
    assert.equal((await runCli(["services", "create", "arena"], env)).code, 1, "409: exists");
    assert.equal((await runCli(["services", "delete", "arena"], env)).code, 0);
    assert.equal((await runCli(["services", "show", "arena"], env)).code, 3);
  });

  test("sessions create, list, show, end and delete, in every output format", async () => {
    await runCli(["services", "create", "pit"], env);
    const made = await runCli(["sessions", "create", "--service", "pit", "--name", "Friday match", "--capacity", "4", "--status", "lobby", "-o", "json"], env);
    assert.equal(made.code, 0, made.stderr);
    const session = JSON.parse(made.stdout) as { id: string; number: number };
    const list = await runCli(["sessions", "list", "--service", "pit"], env);
    assert.match(list.stdout, /^NUMBER\s+NAME\s+SERVICE\s+OWNER\s+STATE\s+STATUS\s+MEMBERS\s+CAPACITY\s+LAST ACTIVE$/m);
    assert.match(list.stdout, new RegExp(`^${session.number}\\s+Friday match\\s+pit\\s+admin\\s+idle\\s+lobby\\s+0\\s+4\\s+(just now|\\d+s ago)$`, "m"));
    const wide = await runCli(["sessions", "list", "--service", "pit", "-o", "wide"], env);
    assert.match(wide.stdout, new RegExp(`^${session.number}\\s+${session.id}\\s+Friday match`, "m"));
    const tsv = await runCli(["sessions", "list", "--service", "pit", "-o", "tsv"], env);
    const row = tsv.stdout.trim().split("\t");
    assert.deepEqual(row.slice(0, 9), [String(session.number), session.id, "Friday match", "pit", "admin", "idle", "lobby", "0", "4"]);
    assert.equal(tsv.stderr, "");

    const shown = await runCli(["sessions", "show", String(session.number)], env);
    assert.match(shown.stdout, /^Name:\s+Friday match$/m);
    assert.match(shown.stdout, /^Description:\s+-$/m);
    assert.match(shown.stdout, /^Members:\s+-$/m);
    assert.match(shown.stdout, /^Created:\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \((just now|\d+s ago)\)$/m);
    assert.doesNotMatch(shown.stdout, /null/);
    const json = await runCli(["sessions", "show", session.id, "--json"], env);
    assert.equal((JSON.parse(json.stdout) as { id: string }).id, session.id);

    const ended = await runCli(["sessions", "end", session.id, "--reason", "killed"], env);
    assert.match(ended.stdout, /ended \(killed\)/);
    assert.equal((await runCli(["sessions", "end", session.id, "--reason", "bored"], env)).code, 2);
    const live = await runCli(["sessions", "list", "--service", "pit"], env);
    assert.doesNotMatch(live.stdout, /Friday match/, "ended sessions are left out");
    assert.match(live.stderr, /No sessions\./);
    const all = await runCli(["sessions", "list", "--service", "pit", "--include-ended"], env);
    assert.match(all.stdout, /Friday match\s+pit\s+admin\s+ended \(killed\)/);
    assert.equal((await runCli(["sessions", "delete", session.id], env)).code, 0);
    const gone = await runCli(["sessions", "show", session.id], env);
    assert.equal(gone.code, 3);
    assert.match(gone.stderr, /404 Not found/);
  });

  test("sessions list: 100 by default with a hint of the total on stderr, --limit and --all page through", async () => {
    await runCli(["services", "create", "crowd"], env);
    const admin = client(t.url);
    for (let i = 0; i < 105; i += 1) await admin("POST", "/api/v1/sessions", { body: { serviceId: "crowd" } });
    const first = await runCli(["sessions", "list", "--service", "crowd"], env);
    assert.equal(first.stdout.trim().split("\n").length, 101, "a header and 100 rows");
    assert.match(first.stderr, /^Showing 100 of 105 sessions; use --limit N or --all for more\.$/m);
    const json = await runCli(["sessions", "list", "--service", "crowd", "-o", "json"], env);
    assert.equal((JSON.parse(json.stdout) as unknown[]).length, 100);
    assert.equal(json.stderr, "", "no hint for programs");
    const limited = await runCli(["sessions", "list", "--service", "crowd", "--limit", "3", "-o", "tsv"], env);
    assert.equal(limited.stdout.trim().split("\n").length, 3);
    const every = await runCli(["sessions", "list", "--service", "crowd", "--all", "-o", "tsv"], env);
    assert.equal(every.stdout.trim().split("\n").length, 105);
    assert.equal((await runCli(["sessions", "list", "--all", "--limit", "3"], env)).code, 2);
    assert.equal((await runCli(["sessions", "list", "--limit", "-3"], env)).code, 2);
  });

  test("help: per group and command, with examples; --version; unknown commands and flags suggest the nearest", async () => {
    const version = await runCli(["--version"]);
    assert.match(version.stdout, /^sessionhub \d+\.\d+\.\d+/);
    const root = await runCli(["help"]);
    assert.equal(root.code, 0);
    assert.match(root.stdout, /Exit codes:\n\s+0\s+success/);
    const group = await runCli(["sessions", "--help"]);
    assert.match(group.stdout, /Usage:\n\s+sessionhub sessions <command> \[flags\]/);
    assert.match(group.stdout, /^\s+list\s+List sessions$/m);
    const command = await runCli(["help", "sessions", "list"]);
    assert.match(command.stdout, /--limit N\s+show at most N sessions/);
    assert.match(command.stdout, /--owner USER/);
    assert.match(command.stdout, /Examples:\n\s+sessionhub sessions list/);
    assert.equal((await runCli(["sessions", "list", "-h"])).stdout, command.stdout);

    const typo = await runCli(["sessions", "lst"], env);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /unknown command "lst" for "sessionhub sessions"; did you mean "sessionhub sessions list"\?/);
    const flag = await runCli(["sessions", "list", "--limt", "5"], env);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /unknown flag --limt for "sessionhub sessions list"; did you mean --limit\?/);
    assert.equal((await runCli(["frobnicate"], env)).code, 2);
    const missing = await runCli(["sessions", "show"], env);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /"sessionhub sessions show" needs <id-or-number>/);
    const extra = await runCli(["sessions", "show", "1", "2"], env);
    assert.match(extra.stderr, /unexpected argument "2"/);
  });

  test("errors: no token exits 4, a server that is not sessionhub or not there exits 1, -o json errors are JSON", async () => {
    const noToken = await runCli(["services", "list"], { SESSIONHUB_URL: t.url });
    assert.equal(noToken.code, 4);
    assert.match(noToken.stderr, /No token for http:\/\/127\.0\.0\.1:\d+: run "sessionhub login"/);
    const down = await runCli(["services", "list"], { SESSIONHUB_URL: "http://127.0.0.1:1", SESSIONHUB_TOKEN: ADMIN_TOKEN });
    assert.equal(down.code, 1);
    assert.match(down.stderr, /Cannot reach http:\/\/127\.0\.0\.1:1/);

    const other = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<html>hello</html>"));
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    try {
      const port = (other.address() as AddressInfo).port;
      const html = await runCli(["services", "list", "--url", `127.0.0.1:${port}`], { SESSIONHUB_TOKEN: ADMIN_TOKEN });
      assert.equal(html.code, 1);
      assert.match(html.stderr, new RegExp(`http://127\\.0\\.0\\.1:${port} did not answer as a sessionhub server \\(HTTP 200, text/html\\); check the URL\\.`));
    } finally {
      other.close();
    }

    const schemeless = await runCli(["services", "list", "--url", t.url.replace("http://", "")], { SESSIONHUB_TOKEN: ADMIN_TOKEN });
    assert.equal(schemeless.code, 0, schemeless.stderr);
    const ftp = await runCli(["services", "list", "--url", "ftp://x"], { SESSIONHUB_TOKEN: ADMIN_TOKEN });
    assert.equal(ftp.code, 2);
    assert.match(ftp.stderr, /--url: "ftp:\/\/x" must be an http:\/\/ or https:\/\/ URL/);

    const notFound = await runCli(["sessions", "show", "999999", "-o", "json"], env);
    assert.equal(notFound.code, 3);
    const error = JSON.parse(notFound.stderr) as { error: { message: string; exitCode: number; status: number; problem: { title: string } } };
    assert.deepEqual([error.error.exitCode, error.error.status, error.error.problem.title], [3, 404, "Not found"]);
    const usage = await runCli(["sessions", "lst", "--json"], env);
    assert.equal((JSON.parse(usage.stderr) as { error: { exitCode: number } }).error.exitCode, 2);
  });
});

describe("CLI: events", () => {
  test("events follows changes as they happen and stops on Ctrl-C", async () => {
    const t = await startServer();
    try {
      await ensureBuilt();
      const child = spawn(process.execPath, [join(ROOT, "bin", "sessionhub.js"), "events"], {
        env: cliEnv({ SESSIONHUB_URL: t.url, SESSIONHUB_TOKEN: ADMIN_TOKEN }),
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
      const following = new Promise<void>((resolve) => child.stderr.on("data", (c: Buffer) => ((stderr += c.toString()), stderr.includes("Following") && resolve())));
      const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
      await following;
      const admin = client(t.url);
      await admin("POST", "/api/v1/services", { body: { id: "live" } });
      const made = await admin("POST", "/api/v1/sessions", { body: { serviceId: "live", name: "watched" } });
      await until("session.created in the output", () => /session\.created/.test(stdout));
      assert.match(stdout, /^\d\d:\d\d:\d\d\s+\d+\s+service\.created\s+-\s+live\s+live$/m);
      assert.match(stdout, new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\s+\\d+\\s+session\\.created\\s+#${made.body.number}\\s+live\\s+watched$`, "m"));
      child.kill("SIGINT");
      assert.equal(await exited, 0);
    } finally {
      await t.stop();
    }
  });
});

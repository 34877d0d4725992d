import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { familyConfigSources } from "../../src/api/families.js";
import { SERVE_FLAGS } from "../../src/cli/commands/server.js";
import { FLAGS } from "../../src/config.js";
import { runCli, spawnServer } from "../helpers/process.js";
import { ADMIN_TOKEN, http, startServer } from "../helpers/server.js";

describe("CLI: serve and admin token", () => {
  test("serve takes exactly the config's and the families' flags, and config", () => {
    assert.deepEqual(Object.keys(SERVE_FLAGS).sort(), [...Object.keys(FLAGS), ...Object.keys(familyConfigSources().flagNames), "config"].sort());
  });

  test("bad settings and stray words stop serve with exit 2 and a message naming them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sessionhub-serve-"));
    try {
      const base = { SESSIONHUB_DATA_DIR: dir };
      const cases: [string[], Record<string, string>, RegExp][] = [
        [["serve", "now"], base, /unexpected argument "now" for "sessionhub serve"/],
        [["serve"], { ...base, SESSIONHUB_LOG_LEVEL: "loud" }, /SESSIONHUB_LOG_LEVEL: logLevel must be fatal, error, warn, info, debug, trace, silent; got "loud"/],
        [["serve"], { ...base, SESSIONHUB_SQLITE_SYNCHRONOUS: "maybe" }, /SESSIONHUB_SQLITE_SYNCHRONOUS: sqlite\.synchronous must be NORMAL, FULL/],
        [["serve"], { ...base, SESSIONHUB_MAXSCALE_PROT: "1" }, /unknown environment variable SESSIONHUB_MAXSCALE_PROT \(did you mean SESSIONHUB_MAXSCALE_PORT\?\)/],
        [["serve", "--maxscale-port", "-2"], base, /maxscale\.port must be -1 \(no listener\)/],
        [["serve", "--prot", "1"], base, /unknown flag --prot for "sessionhub serve"; did you mean --port\?/],
      ];
      for (const [args, env, message] of cases) {
        const run = await runCli(args, env);
        assert.equal(run.code, 2, `${args.join(" ")} ${JSON.stringify(env)}: ${run.stderr}`);
        assert.match(run.stderr, message);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("serve --maxscale-port -1 runs without a MaxScale listener; the data dir is 700, its files 600", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "sessionhub-serve-")), "data");
    const server = await spawnServer({ SESSIONHUB_DATA_DIR: dir, SESSIONHUB_ADMIN_TOKEN: ADMIN_TOKEN }, ["--maxscale-port", "-1"], "built");
    try {
      assert.doesNotMatch(server.output(), /"listener":"maxscale"/);
      assert.equal((await http(server.url, "GET", "/api/v1/me")).status, 200);
      assert.equal(statSync(dir).mode & 0o777, 0o700);
      for (const name of ["sessionhub.db", "node-id"]) assert.equal(statSync(join(dir, name)).mode & 0o777, 0o600, name);
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
      rmSync(join(dir, ".."), { recursive: true, force: true });
    }
  });

  test("admin token: a new administrator token straight from the data dir, while the server is down", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sessionhub-recover-"));
    try {
      const empty = await runCli(["admin", "token", "--data-dir", join(dir, "nothing")]);
      assert.equal(empty.code, 1);
      assert.match(empty.stderr, /No database at .*nothing\/sessionhub\.db: start the server once/);

      const first = await startServer({ dataDir: dir });
      await first.stop();
      const run = await runCli(["admin", "token", "--data-dir", dir]);
      assert.equal(run.code, 0, run.stderr);
      const secret = run.stdout.trim().split("\n").at(-1)!;
      assert.match(run.stdout, /^token [0-9a-f-]{36} for admin, shown this once:\n/);
      assert.match(secret, /^shk_/);
      const json = await runCli(["admin", "token", "--data-dir", dir, "--user", "root", "-o", "json"]);
      const rootToken = JSON.parse(json.stdout) as { secret: string; createdUser: boolean };
      assert.equal(rootToken.createdUser, true);

      const again = await startServer({ dataDir: dir });
      try {
        const me = await http(again.url, "GET", "/api/v1/me", { token: secret });
        assert.deepEqual([me.status, me.body.userId, me.body.isAdmin], [200, "admin", true]);
        const root = await http(again.url, "GET", "/api/v1/me", { token: rootToken.secret });
        assert.deepEqual([root.body.userId, root.body.isAdmin], ["root", true]);
        await http(again.url, "POST", "/api/v1/users", { body: { id: "plain" } });
      } finally {
        await again.stop();
      }
      const refused = await runCli(["admin", "token", "--data-dir", dir, "--user", "plain"]);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /User plain is not an administrator/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

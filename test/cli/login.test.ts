import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { runCli } from "../helpers/process.js";
import { ADMIN_TOKEN, type TestServer, startServer, usersWithTokens } from "../helpers/server.js";

describe("CLI login and logout", () => {
  let t: TestServer;
  let other: TestServer;
  let home: string;
  let env: Record<string, string>;
  let aliceToken: string;

  before(async () => {
    [t, other] = await Promise.all([startServer(), startServer()]);
    aliceToken = (await usersWithTokens(t.url, ["alice"])).alice!;
    home = mkdtempSync(join(tmpdir(), "sessionhub-login-"));
    env = { XDG_CONFIG_HOME: home };
  });

  after(async () => {
    await Promise.all([t.stop(), other.stop()]);
    rmSync(home, { recursive: true, force: true });
  });

  const file = () => join(home, "sessionhub", "config.json");

  test("login checks the token first, then keeps URL and token readable by the user only", async () => {
    const bad = await runCli(["login", "--url", t.url, "--token", "shk_wrong"], env);
    assert.equal(bad.code, 4);
    assert.match(bad.stderr, /does not accept this token/);
    assert.ok(!existsSync(file()), "nothing stored");

    const ok = await runCli(["login", "--url", t.url, "--token-stdin"], env, `${ADMIN_TOKEN}\n`);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, new RegExp(`Logged in to ${t.url} as admin \\(administrator\\); saved in ${file()}`));
    assert.equal(statSync(file()).mode & 0o777, 0o600);
    assert.equal(statSync(join(home, "sessionhub")).mode & 0o777, 0o700);
    assert.deepEqual(JSON.parse(readFileSync(file(), "utf8")), { url: t.url, tokens: { [t.url]: ADMIN_TOKEN } });

    const who = await runCli(["whoami"], env);
    assert.equal(who.code, 0, who.stderr);
    assert.match(who.stdout, new RegExp(`admin \\(administrator\\) on ${t.url}, with the token from the login in ${file()}`));
    assert.equal((await runCli(["services", "list"], env)).code, 0);
  });

  test("flags win over the environment, the environment over the login; a stored token goes only to its server", async () => {
    const fromEnv = await runCli(["whoami"], { ...env, SESSIONHUB_TOKEN: aliceToken });
    assert.match(fromEnv.stdout, /^alice on .* with the token from SESSIONHUB_TOKEN/);
    const fromFlag = await runCli(["whoami", "--token", ADMIN_TOKEN], { ...env, SESSIONHUB_TOKEN: aliceToken });
    assert.match(fromFlag.stdout, /^admin \(administrator\) on .* with the token from --token/);

    const elsewhere = await runCli(["whoami", "--url", other.url], env);
    assert.equal(elsewhere.code, 4, "the login's token is not sent to another server");
    assert.match(elsewhere.stderr, new RegExp(`No token for ${other.url}`));
    const viaEnvUrl = await runCli(["whoami"], { ...env, SESSIONHUB_URL: other.url, SESSIONHUB_TOKEN: ADMIN_TOKEN });
    assert.match(viaEnvUrl.stdout, new RegExp(`on ${other.url},`));
  });

  test("logout forgets the token; the next command asks for one", async () => {
    const out = await runCli(["logout"], env);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, new RegExp(`Logged out of ${t.url}\\.`));
    assert.ok(!existsSync(file()));
    const after = await runCli(["services", "list"], env);
    assert.equal(after.code, 4);
    assert.match((await runCli(["logout"], env)).stdout, /Not logged in\./);
  });
});

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { spawnServer } from "../helpers/process.js";
import { ADMIN_TOKEN, client, startServer } from "../helpers/server.js";

/** One process serves a data directory at a time; the lock dies with its process. */
describe("operation: the data directory is held by one process", () => {
  const dir = mkdtempSync(join(tmpdir(), "sessionhub-lock-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const env = { SESSIONHUB_DATA_DIR: dir, SESSIONHUB_ADMIN_TOKEN: ADMIN_TOKEN };

  test("a second process on the same data dir exits non-zero naming the dir and the holder's pid; after kill -9 a restart serves", async () => {
    const first = await spawnServer(env);
    const refused = await spawnServer(env).then(
      () => assert.fail("a second process served the same data directory"),
      (e: Error) => e.message,
    );
    assert.match(refused, /server exited with [1-9]\d* before listening/);
    assert.ok(refused.includes(`the data directory ${dir} is in use by process ${first.child.pid}`), refused);
    assert.equal((await client(first.url)("GET", "/readyz")).status, 200, "the first one still serves");

    first.child.kill("SIGKILL");
    assert.equal((await first.exited).signal, "SIGKILL");
    const second = await spawnServer(env);
    assert.equal((await client(second.url)("GET", "/readyz")).status, 200);
    second.child.kill("SIGTERM");
    assert.equal((await second.exited).code, 0);
  });

  test("in one process too: a server on a data dir another server holds fails to start; after a stop it starts", async () => {
    const one = await startServer({ dataDir: dir });
    try {
      await assert.rejects(startServer({ dataDir: dir }), new RegExp(`in use by process ${process.pid}`));
    } finally {
      await one.stop();
    }
    const again = await startServer({ dataDir: dir });
    await again.stop();
  });
});

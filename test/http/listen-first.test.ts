import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { startServer } from "../helpers/server.js";

/** A port some other program holds, for as long as the test needs it. */
async function occupiedPort(): Promise<{ port: number; release: () => Promise<void> }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return { port, release: () => new Promise((resolve) => server.close(() => resolve())) };
}

test("a busy port stops the first start before the admin is made, naming the setting; the next start makes it", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "sessionhub-listen-"));
  const busy = await occupiedPort();
  try {
    const env = { SESSIONHUB_ADMIN_TOKEN: "", SESSIONHUB_MAXSCALE_PORT: String(busy.port) };
    await assert.rejects(
      startServer({ dataDir, env }),
      new RegExp(`cannot listen on 127\\.0\\.0\\.1:${busy.port} for the maxscale listener: the address is in use; change maxscale\\.port / SESSIONHUB_MAXSCALE_PORT / --maxscale-port`),
    );
    const next = await startServer({ dataDir, env: { SESSIONHUB_ADMIN_TOKEN: "" } });
    try {
      assert.ok(next.server.bootstrapToken, "the admin token is made on the start that listens");
      assert.ok(next.logs.some((l) => l.includes(next.server.bootstrapToken!)), "and announced once");
    } finally {
      await next.stop();
    }
  } finally {
    await busy.release();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { loadConfig } from "../../src/config.js";

describe("configuration", () => {
  test("defaults < file < environment < flags", () => {
    const dir = mkdtempSync(join(tmpdir(), "sessionhub-config-"));
    try {
      const file = join(dir, "config.json");
      writeFileSync(file, JSON.stringify({ port: 9000, host: "0.0.0.0", logLevel: "debug", jwt: { audience: "file-aud" } }));
      assert.equal(loadConfig().port, 8080);
      assert.equal(loadConfig().host, "127.0.0.1");
      assert.equal(loadConfig().dataDir, "./data");
      const fromFile = loadConfig({ env: { SESSIONHUB_CONFIG: file } });
      assert.deepEqual([fromFile.port, fromFile.host, fromFile.logLevel, fromFile.jwt.audience], [9000, "0.0.0.0", "debug", "file-aud"]);
      assert.deepEqual(fromFile.jwt.algorithms, ["HS256"], "nested defaults survive a partial section");
      const fromEnv = loadConfig({ env: { SESSIONHUB_CONFIG: file, SESSIONHUB_PORT: "9100", SESSIONHUB_JWT_ALGORITHMS: "HS256,RS256" } });
      assert.deepEqual([fromEnv.port, fromEnv.host, fromEnv.jwt.algorithms], [9100, "0.0.0.0", ["HS256", "RS256"]]);
      const fromFlags = loadConfig({ env: { SESSIONHUB_PORT: "9100" }, flags: { port: "9200", config: file } });
      assert.equal(fromFlags.port, 9200);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("bad values are refused with a message naming the setting", () => {
    assert.throws(() => loadConfig({ env: { SESSIONHUB_PORT: "eighty" } }), /port must be a number/);
    assert.throws(() => loadConfig({ env: { SESSIONHUB_PORT: "70000" } }), /port must be 0–65535/);
    assert.throws(() => loadConfig({ flags: { config: "/nonexistent/sessionhub.json" } }), /cannot read config file/);
  });
});

import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { familyConfigSources } from "../../src/api/families.js";
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
    assert.throws(() => loadConfig({ env: { SESSIONHUB_SQLITE_SYNCHRONOUS: "maybe" } }), /SESSIONHUB_SQLITE_SYNCHRONOUS: sqlite\.synchronous must be NORMAL, FULL; got "maybe"/);
    assert.throws(() => loadConfig({ env: { SESSIONHUB_LOG_LEVEL: "loud" } }), /SESSIONHUB_LOG_LEVEL: logLevel must be fatal, error, warn, info, debug, trace, silent/);
    assert.throws(() => loadConfig({ flags: { "log-level": "loud" } }), /--log-level: logLevel must be/);
    assert.equal(loadConfig({ env: { SESSIONHUB_SQLITE_SYNCHRONOUS: "full" } }).sqlite.synchronous, "FULL");
    assert.throws(() => loadConfig({ env: { SESSIONHUB_POSTGRES_POOL_SIZE: "0" } }), /postgres\.poolSize must be a whole number of 1 or more, got 0/);
    assert.throws(() => loadConfig({ env: { SESSIONHUB_POSTGRES_POOL_SIZE: "2.5" } }), /postgres\.poolSize must be a whole number/);
    assert.equal(loadConfig({ env: { SESSIONHUB_POSTGRES_POOL_SIZE: "32" } }).postgres.poolSize, 32);
    assert.equal(loadConfig({}).postgres.poolSize, 10);
  });

  test("unknown settings are refused, with the nearest known name", () => {
    const sources = familyConfigSources();
    assert.throws(() => loadConfig({ ...sources, env: { SESSIONHUB_PROT: "9000" } }), /unknown environment variable SESSIONHUB_PROT \(did you mean SESSIONHUB_PORT\?\)/);
    assert.doesNotThrow(() => loadConfig({ ...sources, env: { SESSIONHUB_URL: "http://x", SESSIONHUB_TOKEN: "t", SESSIONHUB_MAXSCALE_PORT: "-1" } }));
    assert.throws(() => loadConfig({ ...sources, flags: { "data-dri": "/x" } }), /unknown flag --data-dri \(did you mean --data-dir\?\)/);
    const dir = mkdtempSync(join(tmpdir(), "sessionhub-config-"));
    try {
      const file = join(dir, "config.json");
      const refused = (content: unknown, pattern: RegExp) => {
        writeFileSync(file, JSON.stringify(content));
        assert.throws(() => loadConfig({ ...sources, file }), pattern);
      };
      refused({ prot: 9000 }, /unknown setting prot \(did you mean port\?\)/);
      refused({ maxscale: { prot: 1 } }, /unknown setting maxscale\.prot \(did you mean maxscale\.port\?\)/);
      refused({ port: "9000" }, /port must be a number, got "9000"/);
      refused({ sqlite: { synchronous: "maybe" } }, /sqlite\.synchronous must be NORMAL, FULL/);
      refused({ jwt: "x" }, /jwt must be an object/);
      writeFileSync(file, JSON.stringify({ jwt: { secret: "s", audience: "a" }, roundware: { port: 8888 }, maxscale: { port: -1 } }));
      const config = loadConfig({ ...sources, file });
      assert.equal(config.jwt.secret, "s");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

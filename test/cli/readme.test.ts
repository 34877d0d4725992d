import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { ROOT, cliEnv, ensureBuilt } from "../helpers/process.js";
import { ADMIN_TOKEN, type TestServer, startServer } from "../helpers/server.js";

const run = promisify(execFile);
const README = readFileSync(join(ROOT, "README.md"), "utf8");

/** The code blocks of one language, in the README's order. */
const blocks = (lang: string) => [...README.matchAll(new RegExp("^```" + lang + "\\n([\\s\\S]*?)^```", "gm"))].map((m) => m[1]!);

/**
 * The README's shell lines as a reader runs them, top to bottom, against a server of the
 * test's own (it stands for `npm start`, whose default URL and ./data it takes). Left out:
 * `npm …` (the server is already running), lines with the `…` placeholder (the harness gives
 * the token), `serve` (a server that runs until stopped) and other programs' clients (maxctrl).
 */
function shellScript(url: string): string {
  const lines = blocks("sh")
    .join("\n")
    .replace(/\\\n\s*/g, "")
    .split("\n")
    .filter((line) => line.trim() !== "" && !/^(npm |maxctrl )|…|\bsessionhub serve\b/.test(line.trim()));
  return ["set -euo pipefail", ...lines.flatMap((line) => [`echo "+ ${line.replace(/["$`\\]/g, "\\$&")}"`, line])].join("\n").replaceAll("http://127.0.0.1:8080", url);
}

describe("the README, followed top to bottom", () => {
  let t: TestServer;
  let home: string;
  let env: Record<string, string>;

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "sessionhub-readme-"));
    t = await startServer({ dataDir: join(home, "data") });
    await ensureBuilt();
    // `npx sessionhub` and `sessionhub` are the built command; `sessionhub/client` resolves through the package's exports.
    const bin = join(home, "bin");
    mkdirSync(bin);
    for (const name of ["npx", "sessionhub"]) {
      writeFileSync(join(bin, name), `#!/bin/sh\n[ "$1" = sessionhub ] && shift\nexec "${process.execPath}" "${join(ROOT, "bin", "sessionhub.js")}" "$@"\n`);
      chmodSync(join(bin, name), 0o755);
    }
    mkdirSync(join(home, "node_modules"));
    symlinkSync(ROOT, join(home, "node_modules", "sessionhub"));
    env = cliEnv({ PATH: `${bin}:${process.env.PATH}`, XDG_CONFIG_HOME: join(home, "config"), SESSIONHUB_URL: t.url, SESSIONHUB_TOKEN: ADMIN_TOKEN });
  });

  after(async () => {
    await t.stop();
    rmSync(home, { recursive: true, force: true });
  });

  test("every shell example works, in order", async () => {
    const script = shellScript(t.url);
    assert.match(script, /services create tour --kind roundware/);
    const result = await run("bash", ["-c", script], { cwd: home, env }).catch((e: { stdout: string; stderr: string }) => {
      assert.fail(`a README example failed:\n${e.stdout}\n${e.stderr}`);
    });
    assert.match(result.stdout, /created service tour \(number \d+, kind roundware\)/);
    assert.match(result.stdout, /^NUMBER\s+NAME\s+SERVICE/m);
  });

  test("the typed client's example works as written", async () => {
    const [example] = blocks("js");
    assert.ok(example, "a js example");
    writeFileSync(join(home, "example.mjs"), example.replaceAll("http://127.0.0.1:8080", t.url));
    const result = await run(process.execPath, ["example.mjs"], { cwd: home, env, timeout: 60_000 });
    assert.match(result.stdout, /^session \d+ expires at \d{4}-/m);
    assert.match(result.stdout, /^\d+ member\.joined$/m);
    assert.match(result.stdout, /^\d+ session\.ended$/m);
  });
});

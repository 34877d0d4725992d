import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { PATIENCE_MS } from "./wait.js";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CLI = ["--import", "tsx", "src/cli/main.ts"];
/** The command as installed: bin/sessionhub.js over the build in dist/. */
const BUILT_CLI = [join(ROOT, "bin", "sessionhub.js")];

function newestSource(dir: string): number {
  return Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newestSource(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)),
  );
}

const builtAt = () => {
  try {
    return statSync(join(ROOT, "dist", ".tsbuildinfo")).mtimeMs;
  } catch {
    return 0;
  }
};

let building: Promise<void> | null = null;

/**
 * Makes sure dist/ holds a build of src/ (npm install builds it; an edit since makes it
 * stale). Test files run in parallel processes, so the build runs under a lock directory.
 */
export function ensureBuilt(): Promise<void> {
  building ??= (async () => {
    const lock = join(ROOT, "dist", ".build-lock");
    mkdirSync(join(ROOT, "dist"), { recursive: true });
    for (;;) {
      try {
        mkdirSync(lock);
        break;
      } catch {
        // Another test process builds; a lock older than the build could take is left over from a crash.
        if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 600_000) rmSync(lock, { recursive: true, force: true });
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    try {
      if (newestSource(join(ROOT, "src")) > builtAt()) {
        await promisify(execFile)(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"], { cwd: ROOT });
        // tsc leaves its build info alone when nothing changed; the time says "checked against src/ now".
        const now = new Date();
        utimesSync(join(ROOT, "dist", ".tsbuildinfo"), now, now);
      }
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  })();
  return building;
}

/** A login file of this test process's own: the CLI never reads or writes the developer's. */
const CONFIG_HOME = mkdtempSync(join(tmpdir(), "sessionhub-cli-config-"));
process.on("exit", () => rmSync(CONFIG_HOME, { recursive: true, force: true }));

/** The environment of a CLI run: no SESSIONHUB_* from the developer's shell, and the test's own config home. */
export function cliEnv(env: Record<string, string>): Record<string, string> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("SESSIONHUB_"))) as Record<string, string>;
  return { ...inherited, XDG_CONFIG_HOME: CONFIG_HOME, ...env };
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Resolves with the exit code (or signal) when the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `sessionhub serve` as a real child process (from src/, or the built command); resolves once it listens. */
export async function spawnServer(env: Record<string, string>, args: string[] = [], from: "source" | "built" = "source"): Promise<ServerProcess> {
  if (from === "built") await ensureBuilt();
  const child = spawn(process.execPath, [...(from === "built" ? BUILT_CLI : CLI), "serve", "--port", "0", ...args], {
    cwd: ROOT,
    env: { ...(from === "built" ? cliEnv({}) : process.env), SESSIONHUB_LOG_LEVEL: "info", SESSIONHUB_MAXSCALE_PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  let patience: NodeJS.Timeout | undefined;
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = output.match(/"listener":"main","url":"(http:\/\/[^"]+)"/);
      if (m) resolve(m[1]!);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    void exited.then(({ code }) => reject(new Error(`server exited with ${code} before listening:\n${output}`)));
    patience = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server did not listen in time:\n${output}`));
    }, PATIENCE_MS);
  }).finally(() => clearTimeout(patience));
  return { child, url, output: () => output, exited };
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI to completion. */
export async function runCli(args: string[], env: Record<string, string> = {}, input?: string): Promise<CliRun> {
  await ensureBuilt();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...BUILT_CLI, ...args], { cwd: ROOT, env: cliEnv(env), stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.stdin.end(input ?? "");
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

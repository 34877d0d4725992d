// One sessionhub node for the benchmark: the built server, configured like `sessionhub
// serve` (defaults < environment), driven by its parent over IPC so the bench can take a
// V8 CPU profile of exactly the load it applies, collect garbage before reading memory,
// and stop it cleanly. BENCH_HOUSE_HOOKS=0 builds the same server without the house hooks;
// BENCH_PROFILE_START=<file> profiles the start itself, module loading included.
import { Session } from "node:inspector/promises";
import { writeFileSync } from "node:fs";

async function startProfiler() {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  return session;
}

async function stopProfiler(session, file) {
  const { profile } = await session.post("Profiler.stop");
  session.disconnect();
  writeFileSync(file, JSON.stringify(profile));
}

const startProfile = process.env.BENCH_PROFILE_START ? await startProfiler() : null;
const { familyConfigSources } = await import("../dist/api/families.js");
const { loadConfig } = await import("../dist/config.js");
const { createServer } = await import("../dist/server.js");
const { createLogger } = await import("../dist/log/logger.js");
const config = loadConfig({ env: process.env, flags: {}, ...familyConfigSources() });
const logger = createLogger(config);
const server = await createServer(config, { logger, houseHooks: process.env.BENCH_HOUSE_HOOKS !== "0" });
const listening = await server.start();
if (startProfile) await stopProfiler(startProfile, process.env.BENCH_PROFILE_START);

let profiler = null;
const commands = {
  async "profile-start"() {
    profiler = await startProfiler();
  },
  async "profile-stop"({ file }) {
    await stopProfiler(profiler, file);
    profiler = null;
  },
  async gc() {
    for (let i = 0; i < 3; i += 1) globalThis.gc?.();
  },
  async memory() {
    return process.memoryUsage();
  },
  async stop() {
    await server.stop();
    setImmediate(() => process.exit(0));
  },
};

process.on("message", async ({ id, cmd, ...args }) => {
  try {
    process.send({ id, ok: true, result: await commands[cmd](args) });
  } catch (e) {
    process.send({ id, ok: false, error: String(e?.stack ?? e) });
  }
});
process.send({ ready: listening });

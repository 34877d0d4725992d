// One sessionhub node for the benchmark: the built server, configured like `sessionhub
// serve` (defaults < environment), driven by its parent over IPC so the bench can take a
// V8 CPU profile of exactly the load it applies, collect garbage before reading memory,
// and stop it cleanly. BENCH_HOUSE_HOOKS=0 builds the same server without the house hooks.
import { Session } from "node:inspector/promises";
import { writeFileSync } from "node:fs";
import { familyConfigSources } from "../dist/api/families.js";
import { loadConfig } from "../dist/config.js";
import { createLogger, createServer } from "../dist/server.js";

const config = loadConfig({ env: process.env, flags: {}, ...familyConfigSources() });
const logger = createLogger(config);
const server = await createServer(config, { logger, houseHooks: process.env.BENCH_HOUSE_HOOKS !== "0" });
const listening = await server.start();

let profiler = null;
const commands = {
  async "profile-start"() {
    profiler = new Session();
    profiler.connect();
    await profiler.post("Profiler.enable");
    await profiler.post("Profiler.start");
  },
  async "profile-stop"({ file }) {
    const { profile } = await profiler.post("Profiler.stop");
    profiler.disconnect();
    profiler = null;
    writeFileSync(file, JSON.stringify(profile));
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

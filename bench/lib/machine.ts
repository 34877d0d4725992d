import { readFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem } from "node:os";
import { ownCpuSeconds } from "./procs.js";

export interface Machine {
  cores: number;
  model: string;
  ramGiB: number;
  node: string;
  kernel: string;
}

export function machine(): Machine {
  const list = cpus();
  return {
    cores: list.length,
    model: list[0]?.model.trim() ?? "unknown",
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel: release(),
  };
}

/** Busy CPU seconds of the whole machine, from the first line of /proc/stat. */
function machineBusySeconds(): number {
  const f = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal …: busy is everything but idle and iowait.
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = f;
  return (user + nice + system + irq + softirq + steal) / 100;
}

export interface Contention {
  /** One-minute load average when the scenario started. */
  load1: number;
  /** Cores' worth of CPU used by processes the bench did not start, on average over the scenario. */
  foreignCores: number;
  /** Cores' worth used by the bench's own processes (server, load generators, database). */
  ownCores: number;
  seconds: number;
}

/**
 * What else ran while a scenario ran: the machine's busy time minus the busy time of the
 * bench's own process tree. The load average alone cannot tell them apart, as the bench's
 * own previous scenario counts in it.
 */
export function contentionMeter(): { load1: number; stop(): Contention } {
  const load1 = loadavg()[0]!;
  const t0 = performance.now();
  const busy0 = machineBusySeconds();
  const own0 = ownCpuSeconds();
  return {
    load1,
    stop() {
      const seconds = (performance.now() - t0) / 1000;
      const busy = machineBusySeconds() - busy0;
      const own = ownCpuSeconds() - own0;
      return { load1, seconds, ownCores: own / seconds, foreignCores: Math.max(0, busy - own) / seconds };
    },
  };
}

/** Cores' worth of CPU others use right now, over a short idle window of the bench. */
export async function foreignCoresNow(ms = 1000): Promise<number> {
  const meter = contentionMeter();
  await new Promise((r) => setTimeout(r, ms));
  return meter.stop().foreignCores;
}

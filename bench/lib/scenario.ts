import { type Contention, contentionMeter, foreignCoresNow } from "./machine.js";

/** Cores' worth of CPU used by others above which a measurement counts as disturbed. */
export const BUSY_CORES = 0.3;

export interface Conditions extends Contention {
  attempts: number;
  /** The budget ran short: the scenario was cut or not repeated. */
  note?: string;
}

/**
 * Runs the bench's scenarios, each bounded in time. Each scenario waits a little for the
 * machine to be quiet, records the load average and what others used while it ran, and
 * is run again (once) when others used more than BUSY_CORES, while the run's allowance
 * for reruns lasts; the quieter attempt is kept.
 */
export class Budget {
  readonly log: { name: string; conditions: Conditions }[] = [];
  constructor(private rerunSeconds: number) {}

  private async quiet(maxWaitMs: number): Promise<void> {
    const until = Date.now() + maxWaitMs;
    while (Date.now() < until && (await foreignCoresNow(1000)) > BUSY_CORES) {
      /* others are busy: wait for them a little */
    }
  }

  /** `repeatable: false` for a scenario that consumes its own setup (it is never run again). */
  async run<T>(name: string, fn: () => Promise<T>, { repeatable = true } = {}): Promise<{ result: T; conditions: Conditions }> {
    let best: { result: T; conditions: Conditions } | null = null;
    for (let attempt = 1; attempt <= (repeatable ? 2 : 1); attempt += 1) {
      await this.quiet(3_000);
      const meter = contentionMeter();
      console.log(`▶ ${name} (attempt ${attempt}, load average ${meter.load1.toFixed(2)}, ${this.rerunSeconds.toFixed(0)} s left for reruns)`);
      const result = await fn();
      const conditions: Conditions = { ...meter.stop(), attempts: attempt };
      if (attempt > 1) this.rerunSeconds -= conditions.seconds;
      console.log(`  others used ${conditions.foreignCores.toFixed(2)} cores, the bench ${conditions.ownCores.toFixed(2)} over ${conditions.seconds.toFixed(0)} s`);
      if (!best || conditions.foreignCores < best.conditions.foreignCores) best = { result, conditions };
      best.conditions.attempts = attempt;
      if (conditions.foreignCores <= BUSY_CORES) break;
      if (!repeatable) {
        best.conditions.note = "machine busy; this scenario cannot be repeated on the same data";
        break;
      }
      if (this.rerunSeconds < conditions.seconds) {
        best.conditions.note = "machine busy; no time left to run it again";
        break;
      }
    }
    this.log.push({ name, conditions: best!.conditions });
    return best!;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

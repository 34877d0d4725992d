import { type Contention, contentionMeter, foreignCoresNow } from "./machine.js";

/** Cores' worth of CPU used by others above which a measurement counts as disturbed. */
export const BUSY_CORES = 0.3;

export interface Conditions extends Contention {
  attempts: number;
  /** The budget ran short: the scenario was cut or not repeated. */
  note?: string;
}

/**
 * Runs the bench's scenarios inside one time budget. Each scenario waits a little for the
 * machine to be quiet, records the load average and what others used while it ran, and
 * is run again (once) when others used more than BUSY_CORES, if the budget allows; the
 * quieter attempt is kept.
 */
export class Budget {
  readonly log: { name: string; conditions: Conditions }[] = [];
  constructor(private readonly deadline: number) {}

  remainingSeconds(): number {
    return (this.deadline - Date.now()) / 1000;
  }

  private async quiet(maxWaitMs: number): Promise<void> {
    const until = Date.now() + maxWaitMs;
    while (Date.now() < until && (await foreignCoresNow(1000)) > BUSY_CORES) {
      /* others are busy: wait for them a little */
    }
  }

  /** `repeatable: false` for a scenario that consumes its own setup (it is never run again). */
  async run<T>(name: string, estimateSeconds: number, fn: () => Promise<T>, { repeatable = true } = {}): Promise<{ result: T; conditions: Conditions }> {
    let best: { result: T; conditions: Conditions } | null = null;
    for (let attempt = 1; attempt <= (repeatable ? 2 : 1); attempt += 1) {
      await this.quiet(Math.min(5_000, Math.max(0, (this.remainingSeconds() - estimateSeconds) * 100)));
      const meter = contentionMeter();
      console.log(`▶ ${name} (attempt ${attempt}, load average ${meter.load1.toFixed(2)}, ${this.remainingSeconds().toFixed(0)} s of budget left)`);
      const result = await fn();
      const conditions: Conditions = { ...meter.stop(), attempts: attempt };
      console.log(`  others used ${conditions.foreignCores.toFixed(2)} cores, the bench ${conditions.ownCores.toFixed(2)} over ${conditions.seconds.toFixed(0)} s`);
      if (!best || conditions.foreignCores < best.conditions.foreignCores) best = { result, conditions };
      best.conditions.attempts = attempt;
      if (conditions.foreignCores <= BUSY_CORES) break;
      if (!repeatable) {
        best.conditions.note = "machine busy; this scenario cannot be repeated on the same data";
        break;
      }
      if (this.remainingSeconds() < estimateSeconds * 1.5) {
        best.conditions.note = "machine busy; no budget left to run it again";
        break;
      }
    }
    this.log.push({ name, conditions: best!.conditions });
    return best!;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

import { type IntervalHistogram, type EventLoopUtilization, monitorEventLoopDelay, performance } from "node:perf_hooks";

const WINDOW = 3600;

/**
 * How busy this node's event loop — its one worker thread — is: the share of each second
 * it spent running code, kept for an hour, and the longest it was held up. What MaxScale
 * reports as a routing worker's load and longest execution time.
 */
export class NodeLoad {
  private readonly seconds = new Float64Array(WINDOW);
  private filled = 0;
  private next = 0;
  private last: EventLoopUtilization = performance.eventLoopUtilization();
  private readonly delay: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });
  private timer: NodeJS.Timeout | undefined;

  start(): void {
    this.delay.enable();
    this.timer = setInterval(() => this.sample(), 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.delay.disable();
  }

  private sample(): void {
    const now = performance.eventLoopUtilization();
    this.seconds[this.next] = performance.eventLoopUtilization(now, this.last).utilization;
    this.last = now;
    this.next = (this.next + 1) % WINDOW;
    this.filled = Math.min(WINDOW, this.filled + 1);
  }

  /** Percent of the last `span` seconds spent busy (of the time since start while shorter). */
  load(span: number): number {
    const n = Math.min(span, this.filled);
    if (n === 0) return Math.round(100 * performance.eventLoopUtilization(performance.eventLoopUtilization(), this.last).utilization);
    let sum = 0;
    for (let i = 1; i <= n; i += 1) sum += this.seconds[(this.next - i + WINDOW) % WINDOW]!;
    return Math.round((100 * sum) / n);
  }

  /** The longest the event loop was held up since start, in milliseconds. */
  longestDelayMs(): number {
    const max = this.delay.max;
    return Number.isFinite(max) && max > 0 ? Math.round(max / 1e6) : 0;
  }
}

/**
 * Counts events per key in a fixed window (failed logins per address, say). Memory is
 * bounded: old windows are dropped as new keys arrive.
 */
export class WindowLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Seconds until the key may try again, or null when it is under the limit. */
  blocked(key: string): number | null {
    if (this.max <= 0) return null;
    const w = this.windows.get(key);
    const now = this.clock();
    if (!w || now - w.start >= this.windowMs || w.count < this.max) return null;
    return Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000));
  }

  hit(key: string): void {
    if (this.max <= 0) return;
    const now = this.clock();
    const w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      if (this.windows.size > 50_000) this.prune(now);
      this.windows.set(key, { start: now, count: 1 });
    } else {
      w.count += 1;
    }
  }

  private prune(now: number): void {
    for (const [key, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(key);
    if (this.windows.size > 50_000) this.windows.clear();
  }
}

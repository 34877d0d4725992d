import type { Page } from "../../core/query.js";
import type { Session } from "../../core/types.js";

/**
 * Pages of sessions as last read, by statement and parameters, kept while the database
 * has not changed. The mark is the connection's count of changed rows (`total_changes()`,
 * triggers included): this process is the file's only writer (see SessionCache), so any
 * write at all, kept or rolled back, moves it and empties the cache. Exact, then, and
 * cheap to check; under a steady stream of writes it simply misses.
 *
 * The pages handed out are shared and frozen: callers read them, and routes may keep
 * what they render from one by its identity.
 */
export class PageCache {
  private readonly kept = new Map<string, Readonly<Page<Session>>>();
  private mark = -1;
  /** Items kept, each page counting one more: empty pages are kept too, and must be bounded. */
  private weight = 0;

  constructor(private readonly maxItems = 10_000) {}

  get(key: string, mark: number): Readonly<Page<Session>> | undefined {
    if (mark !== this.mark) {
      this.clear();
      this.mark = mark;
      return undefined;
    }
    return this.kept.get(key);
  }

  /** Keeps `page` as read at `mark`, and returns it frozen. */
  set(key: string, mark: number, page: Page<Session>): Readonly<Page<Session>> {
    Object.freeze(page.items);
    const frozen = Object.freeze(page);
    const weight = page.items.length + 1;
    if (mark !== this.mark || weight > this.maxItems) return frozen;
    const replaced = this.kept.get(key);
    if (replaced) {
      this.kept.delete(key);
      this.weight -= replaced.items.length + 1;
    }
    for (const [oldest, entry] of this.kept) {
      if (this.weight + weight <= this.maxItems) break;
      this.kept.delete(oldest);
      this.weight -= entry.items.length + 1;
    }
    this.kept.set(key, frozen);
    this.weight += weight;
    return frozen;
  }

  clear(): void {
    this.kept.clear();
    this.weight = 0;
  }
}

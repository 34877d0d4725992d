/** How many numbers above the floor a stream remembers; past it, the oldest moves the floor. */
const WINDOW = 1024;

/**
 * The event numbers a stream has sent, so that each goes out at most once. With several
 * nodes an event can commit after one with a higher number, so a high-water mark alone
 * would drop it; remembering every number would grow for as long as the stream lives.
 * So: the numbers sent, up to WINDOW of them; past that, the oldest becomes a floor (every
 * number at or under it counts as sent), and numbers that continue the floor fold into it,
 * so a busy stream's in-order deliveries then hold nothing. An event that commits more
 * than WINDOW numbers late is not sent.
 */
export class SentEvents {
  private floor = Number.NEGATIVE_INFINITY;
  private readonly above = new Set<number>();

  /** Records `seq` as sent; false when it was sent already (or is under the floor). */
  add(seq: number): boolean {
    if (seq <= this.floor || this.above.has(seq)) return false;
    this.above.add(seq);
    if (this.above.size > WINDOW) {
      const oldest = this.above.values().next().value!;
      this.above.delete(oldest);
      this.floor = Math.max(this.floor, oldest);
    }
    while (this.above.delete(this.floor + 1)) this.floor += 1;
    return true;
  }

  /** How many numbers are held above the floor (for tests). */
  get held(): number {
    return this.above.size;
  }
}

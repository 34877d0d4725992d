import type { Session } from "../../core/types.js";

/**
 * Sessions as last read, by id and number. Exact because this process is the database
 * file's only writer: every write path drops what it changes, and a read fills the
 * entry again. Bounded; the oldest entries go first.
 */
export class SessionCache {
  private readonly byId = new Map<string, Session>();
  private readonly idByNumber = new Map<number, string>();

  constructor(private readonly max: number) {}

  get(ref: { id: string } | { number: number }): Session | undefined {
    const id = "id" in ref ? ref.id : this.idByNumber.get(ref.number);
    return id === undefined ? undefined : this.byId.get(id);
  }

  set(s: Session): void {
    if (this.byId.size >= this.max) {
      const oldest = this.byId.values().next().value;
      if (oldest) this.drop(oldest.id);
    }
    this.byId.set(s.id, s);
    this.idByNumber.set(s.number, s.id);
  }

  drop(id: string): void {
    const s = this.byId.get(id);
    if (!s) return;
    this.byId.delete(id);
    this.idByNumber.delete(s.number);
  }

  clear(): void {
    this.byId.clear();
    this.idByNumber.clear();
  }
}

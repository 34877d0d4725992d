import { api, query } from "./api.js";
import { Observable } from "./observable.js";
import type { Session, SessionList } from "./types.js";

export interface SessionLabel {
  number: number;
  name: string | null;
}

/**
 * Session numbers and names by id, so events read "#12 Lobby" rather than a UUID. Filled
 * from every session the console sees; ids it has not seen are looked up in batches.
 */
export class SessionNames {
  readonly changed = new Observable(0);
  private readonly labels = new Map<string, SessionLabel>();
  private readonly wanted = new Set<string>();
  private readonly asked = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  remember(s: Pick<Session, "id" | "number" | "name">): void {
    const known = this.labels.get(s.id);
    if (known && known.number === s.number && known.name === s.name) return;
    this.labels.set(s.id, { number: s.number, name: s.name });
    this.changed.set(this.changed.get() + 1);
  }

  /** The label of a session, or undefined while it is being looked up. */
  label(id: string): SessionLabel | undefined {
    const known = this.labels.get(id);
    if (!known && !this.asked.has(id)) {
      this.wanted.add(id);
      this.timer ??= setTimeout(() => void this.lookUp(), 50);
    }
    return known;
  }

  private async lookUp(): Promise<void> {
    this.timer = null;
    const ids = [...this.wanted].slice(0, 100);
    for (const id of ids) {
      this.wanted.delete(id);
      this.asked.add(id);
    }
    if (this.wanted.size > 0) this.timer = setTimeout(() => void this.lookUp(), 50);
    if (ids.length === 0) return;
    try {
      const page = await api<SessionList>("GET", `/sessions${query({ id: ids.join(","), limit: 100 })}`);
      for (const s of page.items) this.remember(s);
    } catch {
      // Unknown or unreadable sessions keep their short id.
    }
  }
}

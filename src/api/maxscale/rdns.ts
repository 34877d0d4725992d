import { Resolver } from "node:dns/promises";
import { isIP } from "node:net";

const CACHE_MS = 5 * 60_000;
const MAX_CACHE = 10_000;

/** How long one request may wait for reverse DNS, all addresses together. */
export const RDNS_BUDGET_MS = 1000;

/**
 * Reverse DNS for `rdns=true`, bounded: the distinct addresses of a response are looked
 * up in parallel until the request's deadline; an address that does not resolve in time
 * stays an address. Answers (names and failures) are cached for five minutes, and a
 * lookup still running at the deadline keeps going so the next request finds it.
 */
export class ReverseDns {
  private readonly resolver: Resolver;
  private readonly cache = new Map<string, { name: string | null; until: number }>();
  private readonly inflight = new Map<string, Promise<string | null>>();

  constructor(
    servers: string[],
    private readonly clock: () => number,
  ) {
    this.resolver = new Resolver({ timeout: 2000, tries: 1 });
    if (servers.length > 0) this.resolver.setServers(servers);
  }

  /** Names of the addresses that resolved before `deadline` (wall-clock ms). */
  async names(addresses: Iterable<string>, deadline: number): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const waiting: Promise<void>[] = [];
    for (const address of new Set(addresses)) {
      const hit = this.cache.get(address);
      if (hit && hit.until > this.clock()) {
        if (hit.name !== null) out.set(address, hit.name);
        continue;
      }
      waiting.push(this.lookup(address).then((name) => void (name !== null && out.set(address, name))));
    }
    if (waiting.length === 0) return out;
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
    });
    await Promise.race([Promise.all(waiting), budget]);
    clearTimeout(timer);
    return new Map(out);
  }

  private lookup(address: string): Promise<string | null> {
    const running = this.inflight.get(address);
    if (running) return running;
    const started = (isIP(address) === 0 ? Promise.resolve([] as string[]) : this.resolver.reverse(address))
      .then((names) => names[0] ?? null)
      .catch(() => null)
      .then((name) => {
        if (this.cache.size >= MAX_CACHE) this.cache.clear();
        this.cache.set(address, { name, until: this.clock() + CACHE_MS });
        this.inflight.delete(address);
        return name;
      });
    this.inflight.set(address, started);
    return started;
  }
}

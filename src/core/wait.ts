import { timerDelay } from "./bounds.js";
import type { EventBus, HubEvent } from "./events.js";

/**
 * Waits until `check` holds, re-checking on every event about the session (from any
 * node) and once a second besides, for at most `ms`. Resolves with the last answer of
 * `check`; stops early when `signal` aborts (the client went away). Long polls and
 * waits for jobs to end are built on it.
 */
export function waitFor(
  bus: EventBus,
  sessionId: string,
  ms: number,
  check: () => Promise<boolean>,
  opts: { signal?: AbortSignal; relevant?: (e: HubEvent) => boolean } = {},
): Promise<boolean> {
  return new Promise((resolve) => {
    let done = false;
    let checking = false;
    let again = false;
    const finish = (value: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearInterval(poll);
      unsubscribe();
      opts.signal?.removeEventListener("abort", onAbort);
      resolve(value);
    };
    const run = async () => {
      if (done) return;
      if (checking) {
        again = true;
        return;
      }
      checking = true;
      try {
        do {
          again = false;
          if (await check()) return finish(true);
        } while (again && !done);
      } catch {
        // A failing check (the session was deleted meanwhile) ends the wait; the caller re-reads.
        return finish(false);
      } finally {
        checking = false;
      }
    };
    const onAbort = () => finish(false);
    const unsubscribe = bus.subscribe((events) => {
      if (events.some((e) => e.sessionId === sessionId && (opts.relevant?.(e) ?? true))) void run();
    });
    const timer = setTimeout(() => void check().then(finish, () => finish(false)), timerDelay(ms));
    const poll = setInterval(() => void run(), 1000);
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    void run();
  });
}

import { useEffect, useState } from "preact/hooks";

/** A value that components re-render on. */
export class Observable<T> {
  private readonly listeners = new Set<() => void>();
  constructor(private value: T) {}

  get(): T {
    return this.value;
  }

  set(value: T): void {
    this.value = value;
    for (const listener of this.listeners) listener();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export function useObservable<T>(o: Observable<T>): T {
  const [, setTick] = useState(0);
  useEffect(() => o.subscribe(() => setTick((n) => n + 1)), [o]);
  return o.get();
}

/**
 * Calls `fn` at most once per `ms`: at once when idle, else once at the end of the
 * period, so a burst of events makes two calls, not hundreds.
 */
export function throttle(fn: () => void, ms: number): { (): void; cancel(): void } {
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const run = () => {
    timer = null;
    last = Date.now();
    fn();
  };
  const call = () => {
    if (timer) return;
    const wait = last + ms - Date.now();
    if (wait <= 0) run();
    else timer = setTimeout(run, wait);
  };
  call.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  return call;
}

import type { Started } from "./procs.js";

/**
 * Commands to a child process over its IPC channel: `{ id, cmd, ...args }` out,
 * `{ id, ok, result | error }` back (bench/hub-process.mjs, bench/sse-client.mjs).
 */
export class Commands {
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

  constructor(private readonly process: Started) {
    process.child.on("message", (m: { id?: number; ok?: boolean; result?: unknown; error?: string }) => {
      const w = m.id === undefined ? undefined : this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id!);
      if (m.ok) w.resolve(m.result);
      else w.reject(new Error(m.error));
    });
    void process.exited.then((code) => {
      for (const w of this.waiting.values()) w.reject(new Error(`the process exited ${code}:\n${process.output()}`));
      this.waiting.clear();
    });
  }

  send<T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.process.child.send({ id, cmd, ...args });
    });
  }
}

/** The first `{ ready }` message of a child, or its exit. */
export function ready<T>(p: Started): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let isReady = false;
    p.child.on("message", (m: { ready?: T }) => {
      if (!m.ready) return;
      isReady = true;
      resolve(m.ready);
    });
    void p.exited.then((code) => {
      if (!isReady) reject(new Error(`exited ${code} before it was ready:\n${p.output()}`));
    });
  });
}

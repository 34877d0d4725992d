import { write, writeSync } from "node:fs";

export interface DestinationOptions {
  /** A batch leaves once its lines reach this many characters… */
  batchChars?: number;
  /** …or this long after its first line, so that a quiet server's lines show at once. */
  delayMs?: number;
  /** Lines waiting beyond this many characters (the output is stuck) are dropped and counted. */
  maxPendingChars?: number;
}

const RETRY_MS = 10;

/**
 * Where the server's JSON log lines go: a file descriptor (standard output), written in
 * batches off the event loop. pino's own asynchronous destination measures all of its
 * pending text again on every line, which showed as the largest cost of the access log,
 * and with a minimum batch it held a quiet server's lines until 4 KB had gathered. Here a
 * line costs an array push; a batch leaves at `batchChars` or `delayMs` after its first
 * line, whichever comes first; one write is in flight at a time, so lines keep their order.
 */
export class LogDestination {
  private lines: string[] = [];
  private chars = 0;
  /** The batch being written, how much of it has left, and whether the output was full at the last try. */
  private inFlight: { bytes: Buffer; sent: number; waiting: boolean } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private dropped = 0;
  private broken = false;
  private drained: (() => void)[] = [];
  private readonly batchChars: number;
  private readonly delayMs: number;
  private readonly maxPendingChars: number;

  constructor(
    private readonly fd: number,
    options: DestinationOptions = {},
  ) {
    this.batchChars = options.batchChars ?? 16 * 1024;
    this.delayMs = options.delayMs ?? 100;
    this.maxPendingChars = options.maxPendingChars ?? 16 * 1024 * 1024;
  }

  write(line: string): boolean {
    if (this.broken) return false;
    if (this.chars + line.length > this.maxPendingChars) {
      this.dropped += 1;
      return false;
    }
    this.lines.push(line);
    this.chars += line.length;
    if (this.inFlight) return true;
    if (this.chars >= this.batchChars) this.send();
    else this.timer ??= setTimeout(() => this.send(), this.delayMs).unref();
    return true;
  }

  /** Writes what is waiting now; `done` runs once all of it has left. pino's `logger.flush()` calls this. */
  flush(done?: () => void): void {
    if (done) this.drained.push(done);
    if (!this.inFlight) this.send();
  }

  /**
   * Writes everything still held, blocking: for the process's exit, when no callback will
   * run again. A batch whose write is under way is left to it (written twice, its lines
   * would show twice), unless the output was full and it waits to try again. An output
   * that stays full for a second gets no more.
   */
  flushSync(): void {
    const giveUpAt = Date.now() + 1000;
    const parts = this.inFlight?.waiting ? [this.inFlight.bytes.subarray(this.inFlight.sent)] : [];
    this.inFlight = null;
    parts.push(Buffer.from(this.take()));
    let bytes = Buffer.concat(parts);
    while (bytes.length > 0 && !this.broken && Date.now() < giveUpAt) {
      try {
        bytes = bytes.subarray(writeSync(this.fd, bytes));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EAGAIN") this.broken = true;
        else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, RETRY_MS);
      }
    }
  }

  /** The waiting lines as one text, with a line saying how many were dropped while the output was stuck. */
  private take(): string {
    if (this.dropped > 0) {
      const note = JSON.stringify({ level: 40, time: Date.now(), pid: process.pid, dropped: this.dropped, msg: "log lines dropped: the output was not keeping up" });
      this.lines.push(`${note}\n`);
      this.dropped = 0;
    }
    const text = this.lines.join("");
    this.lines = [];
    this.chars = 0;
    return text;
  }

  private send(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.broken || (this.chars === 0 && this.dropped === 0)) return this.settle();
    this.inFlight = { bytes: Buffer.from(this.take()), sent: 0, waiting: false };
    this.writeInFlight();
  }

  private writeInFlight(): void {
    const batch = this.inFlight!;
    batch.waiting = false;
    write(this.fd, batch.bytes, batch.sent, batch.bytes.length - batch.sent, null, (err, n) => {
      if (this.inFlight !== batch) return; // flushSync took it over at exit
      if (err) {
        // A non-blocking pipe or terminal that is full: try again shortly.
        if (err.code === "EAGAIN") {
          batch.waiting = true;
          return void setTimeout(() => this.writeInFlight(), RETRY_MS);
        }
        // The reader went away (EPIPE) or the output failed: there is nowhere left to log to.
        this.broken = true;
        this.inFlight = null;
        this.lines = [];
        this.chars = 0;
        return this.settle();
      }
      batch.sent += n;
      if (batch.sent < batch.bytes.length) return this.writeInFlight();
      this.inFlight = null;
      if (this.chars >= this.batchChars || this.drained.length > 0) this.send();
      else if (this.chars > 0) this.timer ??= setTimeout(() => this.send(), this.delayMs).unref();
    });
  }

  private settle(): void {
    const waiting = this.drained;
    this.drained = [];
    for (const done of waiting) done();
  }
}

import type { Sessions } from "../core/sessions.js";
import type { Session } from "../core/types.js";
import type { StoredLine } from "./lines.js";

const BATCH = 1000;
const DELAY_MS = 50;

/**
 * Writes a job's lines to the session's log in order, in batches: at most every 50 ms
 * or 1000 lines, so a chatty job costs few transactions and readers still see lines
 * within moments of their writing.
 */
export class LineWriter {
  private buffer: StoredLine[] = [];
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly sessions: Sessions,
    private readonly session: Session,
    private readonly jobId: string | null,
    private readonly onError: (e: unknown) => void,
  ) {}

  push(lines: StoredLine[]): void {
    this.buffer.push(...lines);
    if (this.buffer.length >= BATCH) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), DELAY_MS);
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length > 0) {
      this.chain = this.chain
        .then(() => this.sessions.writeLog(this.session, batch.map((l) => ({ ...l, jobId: this.jobId }))))
        .then(() => undefined, this.onError);
    }
    return this.chain;
  }
}

import { MessageChannel, Worker } from "node:worker_threads";
import { readFile, writeFile } from "../files.js";
import type { Executor, ExecutorSession, JobInput, JobOutcome, Limits, OutLine, WorkArea } from "../types.js";
import { CANCEL, type FileReply, type FileRequest, REPLY, type RunMessage, type WorkerMessage } from "./protocol.js";

/** Worker threads alive in this process for QuickJS sessions. */
const live = new Set<Worker>();

/** How many QuickJS worker threads are alive (tests check that ended sessions free theirs). */
export function liveWorkers(): number {
  return live.size;
}

/**
 * Where the worker's code is: the compiled `worker.js` beside this file, or, when the
 * sources run directly (tests under tsx), `worker.ts` loaded through tsx's loader.
 */
function spawnWorker(options: ConstructorParameters<typeof Worker>[1]): Worker {
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL("./worker.js", import.meta.url), options);
  const worker = new URL("./worker.ts", import.meta.url).href;
  const tsx = import.meta.resolve("tsx/esm/api");
  return new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(worker)}); })`, {
    ...options,
    eval: true,
  });
}

interface Pending {
  emit: (l: OutLine) => void;
  resolve: (o: JobOutcome) => void;
  limits: Limits;
}

/** One session's worker; replaced when it dies or runs out of memory. */
class QuickJsSession implements ExecutorSession {
  private worker: Worker | null = null;
  private flags = new Int32Array(new SharedArrayBuffer(8));
  private pending: Pending | null = null;
  private closed = false;

  constructor(
    private readonly area: WorkArea,
    private readonly limits: Limits,
  ) {}

  async start(): Promise<void> {
    const control = new SharedArrayBuffer(8);
    this.flags = new Int32Array(control);
    const { port1, port2 } = new MessageChannel();
    const worker = spawnWorker({
      workerData: { control, files: port2, memoryMb: this.limits.memoryMb },
      transferList: [port2],
      resourceLimits: { maxOldGenerationSizeMb: this.limits.workerHeapMb, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
      env: {},
      stdout: true,
      stderr: true,
    } as ConstructorParameters<typeof Worker>[1]);
    this.worker = worker;
    live.add(worker);
    const flags = this.flags;
    port1.on("message", (request: FileRequest) => {
      void this.file(request).then((reply) => {
        port1.postMessage(reply);
        Atomics.store(flags, REPLY, 1);
        Atomics.notify(flags, REPLY);
      });
    });
    await new Promise<void>((resolve, reject) => {
      worker.on("message", (m: WorkerMessage) => {
        if (m.type === "ready") resolve();
        else this.onMessage(m);
      });
      // After start-up an error (the V8 heap exhausted) is followed by "exit", handled there.
      worker.on("error", (e) => reject(e));
      worker.on("exit", () => {
        live.delete(worker);
        port1.close();
        if (this.worker === worker) this.worker = null;
        this.died();
        reject(new Error("The JavaScript worker exited while starting."));
      });
    });
  }

  private async file(request: FileRequest): Promise<FileReply> {
    if (request.op === "read") return readFile(this.area, request.ref);
    const refused = await writeFile(this.area, request.ref, request.text);
    return refused === null ? { ok: true } : { error: refused };
  }

  private onMessage(m: WorkerMessage): void {
    const pending = this.pending;
    if (!pending) return;
    if (m.type === "lines") for (const line of m.lines) pending.emit(line);
    if (m.type === "done") {
      this.pending = null;
      // A runtime that ran out of memory is not reused: a fresh worker gets fresh memory.
      if (m.outOfMemory) void this.stopWorker();
      pending.resolve(m.outcome);
    }
  }

  /** The worker exited (V8 heap exhausted, or terminated): the job in it ends like one out of memory. */
  private died(): void {
    const pending = this.pending;
    this.pending = null;
    if (!pending) return;
    pending.emit({ stream: "log", type: "error", text: `The job exceeded its memory limit of ${pending.limits.workerHeapMb} MB.` });
    pending.resolve({ conditionCode: 1016, variables: {}, results: [], lostState: true });
  }

  private async stopWorker(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  async run(job: JobInput, emit: (l: OutLine) => void): Promise<JobOutcome> {
    if (this.closed) throw new Error("The executor session is closed.");
    if (!this.worker) await this.start();
    const worker = this.worker!;
    Atomics.store(this.flags, CANCEL, 0);
    const flags = this.flags;
    const onAbort = () => Atomics.store(flags, CANCEL, 1);
    job.signal.addEventListener("abort", onAbort, { once: true });
    if (job.signal.aborted) onAbort();
    try {
      return await new Promise<JobOutcome>((resolve) => {
        this.pending = { emit, resolve, limits: job.limits };
        const message: RunMessage = { type: "run", code: job.code, label: job.label, variables: job.variables, automatic: job.automatic, limits: job.limits };
        worker.postMessage(message);
      });
    } finally {
      job.signal.removeEventListener("abort", onAbort);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.stopWorker();
  }

  get threadId(): number | null {
    return this.worker?.threadId ?? null;
  }
}

/**
 * The `quickjs` executor: JavaScript on QuickJS compiled to WebAssembly, one worker
 * thread per compute session with V8 heap limits, guest memory and stack limits, and an
 * interrupt handler reading a shared cancel flag (a worker busy evaluating reads no
 * messages).
 */
export const quickJsExecutor: Executor = {
  name: "quickjs",
  stateful: true,
  async open({ area, limits }) {
    const session = new QuickJsSession(area, limits);
    await session.start();
    return session;
  },
};

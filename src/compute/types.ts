/**
 * The executor seam (contract §9.1). The server owns everything visible through the API
 * (queue, states, source echo, caps, storage, results, variables); an executor only runs
 * code against the session's work area and reports lines and an outcome.
 */

import { MAX_TIMEOUT_SECONDS } from "../core/bounds.js";
import type { LineType } from "../core/types.js";

export type { LineType };

export interface OutLine {
  stream: "log" | "listing" | "both";
  type: LineType;
  text: string;
}

/** The session's files, kept in the store; paths are area paths (`/dir/file`). */
export interface WorkArea {
  read(path: string): Promise<Uint8Array | null>;
  /** Rejects with a WorkAreaError past the cap or for a path outside the area; executors ignore what it resolves to. */
  write(path: string, data: Uint8Array, mode: "replace" | "append"): Promise<unknown>;
  remove(path: string): Promise<void>;
  /** `null` path deassigns (a TEMP file goes with it); a TEMP assignment without a path gets `/.temp/<REF>`. */
  assign(ref: string, path: string | null, method: "DISK" | "TEMP"): Promise<void>;
  resolve(ref: string): Promise<string | null>;
  /** A file, a directory (a path some file lies under; `/` always), or null. */
  stat(path: string): Promise<AreaEntry | null>;
}

export type AreaEntry = { kind: "file"; size: number; modifiedAt: number } | { kind: "directory" };

export interface Limits {
  jobSeconds: number;
  memoryMb: number;
  workerHeapMb: number;
  stackKb: number;
  cancelGraceMs: number;
  maxLines: number;
  maxLineBytes: number;
  maxCodeBytes: number;
  maxQueuedJobs: number;
  workAreaBytes: number;
  sessionsPerUser: number;
  sessionsTotal: number;
  createWaitSeconds: number;
  defaultInactiveSeconds: number;
  maxInactiveSeconds: number;
  maxWaitSeconds: number;
  maxLimit: number;
  maxVariables: number;
  maxVariableBytes: number;
}

export const DEFAULT_LIMITS: Limits = {
  jobSeconds: 60,
  memoryMb: 64,
  workerHeapMb: 64,
  stackKb: 512,
  cancelGraceMs: 2000,
  maxLines: 100_000,
  maxLineBytes: 32_768,
  maxCodeBytes: 1_048_576,
  maxQueuedJobs: 100,
  workAreaBytes: 52_428_800,
  sessionsPerUser: 5,
  sessionsTotal: 50,
  createWaitSeconds: 5,
  defaultInactiveSeconds: 900,
  maxInactiveSeconds: 86_400,
  maxWaitSeconds: 60,
  maxLimit: 10_000,
  maxVariables: 1000,
  maxVariableBytes: 65_536,
};

/**
 * The most each limit may be set to (a context's overrides): within what the executors
 * can honour (the QuickJS stack lives in a 5 MB C stack and a 4 MB worker stack, its
 * memory in 32-bit WebAssembly) and what timers and integer columns hold.
 */
export const LIMIT_MAXIMUMS: Limits = {
  jobSeconds: 86_400,
  memoryMb: 2048,
  workerHeapMb: 4096,
  stackKb: 1024,
  cancelGraceMs: 60_000,
  maxLines: 10_000_000,
  maxLineBytes: 1_048_576,
  maxCodeBytes: 16_777_216,
  maxQueuedJobs: 10_000,
  workAreaBytes: 1_073_741_824,
  sessionsPerUser: 100_000,
  sessionsTotal: 100_000,
  createWaitSeconds: 300,
  defaultInactiveSeconds: MAX_TIMEOUT_SECONDS,
  maxInactiveSeconds: MAX_TIMEOUT_SECONDS,
  maxWaitSeconds: 3600,
  maxLimit: 100_000,
  maxVariables: 100_000,
  maxVariableBytes: 16_777_216,
};

export interface JobInput {
  code: string;
  /** The session's variables (upper-case names), as the job starts. */
  variables: Record<string, string>;
  /** Read-only automatic variables (SYSJOBID, SYSUSERID, …); SYSCC is the job's own code. */
  automatic: Record<string, string>;
  limits: Limits;
  signal: AbortSignal;
  /** A name for the code in error messages (`job-3.js`). */
  label: string;
}

export interface JobResult {
  name: string;
  type: "ODS" | "FILE";
  mediaType: string;
  content: Uint8Array;
}

export interface JobOutcome {
  conditionCode: number;
  /** Variables the job set (upper-case names). */
  variables: Record<string, string>;
  /** Variables the job deleted (upper-case names). */
  deletedVariables?: string[];
  results: JobResult[];
  /** The executor lost its in-memory state (runtime replaced); the next job says so. */
  lostState?: boolean;
}

export interface ExecutorSession {
  run(job: JobInput, emit: (l: OutLine) => void): Promise<JobOutcome>;
  close(): Promise<void>;
}

export interface Executor {
  readonly name: string;
  /** Whether a session keeps state in memory between jobs (globals), lost on a restart. */
  readonly stateful: boolean;
  open(s: { sessionId: string; options: string[]; area: WorkArea; limits: Limits }): Promise<ExecutorSession>;
}

/** A refused work-area operation; executors turn it into an ERROR line. */
export class WorkAreaError extends Error {
  constructor(
    readonly kind: "path" | "cap" | "ref",
    message: string,
  ) {
    super(message);
    this.name = "WorkAreaError";
  }
}

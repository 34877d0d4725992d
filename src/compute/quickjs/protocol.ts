import type { JobOutcome, Limits, OutLine } from "../types.js";

/** Messages between the QuickJS executor (main thread) and its worker. */

/** Slots of the shared control array: a cancel flag the interrupt handler reads, and the file-reply flag. */
export const CANCEL = 0;
export const REPLY = 1;

/** Longest string a host function accepts from the guest (8 MiB of UTF-16 code units). */
export const MAX_ARGUMENT = 8 * 1024 * 1024;

export interface RunMessage {
  type: "run";
  code: string;
  label: string;
  variables: Record<string, string>;
  automatic: Record<string, string>;
  limits: Limits;
}

export type WorkerMessage =
  | { type: "ready" }
  | { type: "lines"; lines: OutLine[] }
  | { type: "done"; outcome: JobOutcome; outOfMemory: boolean };

export type FileRequest = { op: "write"; ref: string; text: string } | { op: "read"; ref: string };
export type FileReply = { error: string } | { text: string | null } | { ok: true };

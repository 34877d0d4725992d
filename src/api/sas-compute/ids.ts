import { hash } from "node:crypto";
import { UUID_RE } from "../../core/ids.js";
import type { Job, Session } from "../../core/types.js";

/** SAS session ids are the core id with `-ses0000`; the bare core id is accepted too. */
export const SES_SUFFIX = "-ses0000";

export const sasId = (s: Pick<Session, "id">) => `${s.id}${SES_SUFFIX}`;

/** The core id named by a path's session id, or null when it cannot name one. */
export function coreId(sid: string): string | null {
  const lower = sid.toLowerCase();
  const id = lower.endsWith(SES_SUFFIX) ? lower.slice(0, -SES_SUFFIX.length) : lower;
  return UUID_RE.test(id) ? id : null;
}

/** The SAS state word: core states keep theirs; an ended session that failed is `failed`. */
export function stateWord(s: Pick<Session, "state" | "endReason">): string {
  return s.state === "ended" ? (s.endReason === "failed" ? "failed" : "ended") : s.state;
}

/**
 * ETags are a pure function of resource id and phase (contract §3.8): a session's phase
 * is its state word, a job's is `active` until it ends, then its terminal state.
 */
export function phaseTag(id: string, phase: string): string {
  return `"${hash("sha256", `${id}:${phase}`, "base64url").slice(0, 27)}"`;
}

export const sessionTag = (s: Session) => phaseTag(s.id, stateWord(s));

export function jobPhase(job: Pick<Job, "state">): string {
  return job.state === "pending" || job.state === "running" ? "active" : job.state;
}

export const jobTag = (job: Job) => phaseTag(job.id, jobPhase(job));

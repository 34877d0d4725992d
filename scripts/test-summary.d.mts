export interface Summary {
  tests: number;
  pass: number;
  /** Failed and cancelled tests. */
  failed: number;
  cancelled: number;
  skipped: number;
  todo: number;
  ok: boolean;
}
export function summarize(output: string): Summary;
export function describeSummary(summary: Summary, files: number): string;

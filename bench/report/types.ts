import type { Machine } from "../lib/machine.js";
import type { Series } from "../lib/pairs.js";
import type { ProfileSummary } from "../lib/profile.js";
import type { Conditions } from "../lib/scenario.js";

/** One figure of a target: what was measured, the goal, and what bounds it. */
export interface Figure {
  name: string;
  /** As written in the table, e.g. `0.41× (10,212 vs 24,900 req/s)`. */
  measured: string;
  goal: string;
  met: boolean | null;
  limiting: string;
  /** The scenario's conditions (load average, others' CPU). */
  conditions?: Conditions;
  /** For the chart: sessionhub's rate beside its ceiling's, and the goal as a ratio. */
  chart?: { ours: number; ceiling: number; ceilingName: string; goal: number | null };
  profile?: ProfileSummary;
  /** The full series, for the JSON record beside RESULTS.md. */
  series?: Record<string, Series>;
}

export interface Target {
  id: number;
  title: string;
  figures: Figure[];
  /** Prose under the table: setup, and what the numbers mean. */
  notes: string[];
}

export interface Report {
  date: string;
  machine: Machine;
  durationSeconds: number;
  settings: string;
  targets: Target[];
}

/** `1,234` */
export const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "—");
export const ms = (n: number) => (Number.isFinite(n) ? (n >= 100 ? n.toFixed(0) : n.toFixed(1)) : "—");
export const mb = (bytes: number) => (Number.isFinite(bytes) ? `${(bytes / 2 ** 20).toFixed(0)} MB` : "—");
export const ratio = (r: number) => (Number.isFinite(r) ? `${r < 10 ? r.toFixed(2) : r.toFixed(0)}×` : "—");

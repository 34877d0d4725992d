import type { JobInput, JobOutcome, JobResult, LineType, OutLine } from "./types.js";

/** Variable and fileref names: `[A-Za-z_][A-Za-z0-9_]{0,31}`. */
export const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,31}$/;

/** Automatic variables a job may read but not set. */
export const READ_ONLY = new Set(["SYSJOBID", "SYS_COMPUTE_SESSION_ID", "SYSUSERID"]);

const RESULT_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** `report` → `report.htm`, `a.html` → `a.htm`; null when the name is not allowed. */
export function odsName(raw: string): string | null {
  if (!RESULT_NAME.test(raw)) return null;
  if (/\.html$/i.test(raw)) return `${raw.slice(0, -5)}.htm`;
  return /\.htm$/i.test(raw) ? raw : `${raw}.htm`;
}

/**
 * What one job does to its condition code, variables, results and lines, by the rules
 * every executor shares (contract §9.3, §9.5): the code only rises, except through
 * `SYSCC`; warning lines raise it to 4, error lines to 8.
 */
export class JobContext {
  code = 0;
  exited = false;
  private readonly set: Record<string, string> = {};
  private readonly deleted = new Set<string>();
  private readonly ods = new Map<string, string[]>();
  private count: number;
  private bytes: number;

  constructor(
    private readonly input: Pick<JobInput, "variables" | "automatic" | "limits">,
    private readonly emit: (l: OutLine) => void,
  ) {
    this.count = Object.keys(input.variables).length;
    this.bytes = Object.entries(input.variables).reduce((n, [k, v]) => n + k.length + v.length, 0);
  }

  raise(to: number): void {
    if (to > this.code) this.code = to;
  }

  line(type: LineType, text: string, stream: OutLine["stream"] = "log"): void {
    if (type === "warning") this.raise(4);
    if (type === "error") this.raise(8);
    this.emit({ stream, type, text });
  }

  error(text: string): void {
    this.line("error", text);
  }

  getVariable(name: string): string | null {
    const key = name.toUpperCase();
    if (key === "SYSCC") return String(this.code);
    if (this.deleted.has(key)) return null;
    return this.set[key] ?? this.input.automatic[key] ?? this.input.variables[key] ?? null;
  }

  /** The read-only variables the server gives the job (SYSJOBID, SYSUSERID, …). */
  automaticVariables(): Record<string, string> {
    return { ...this.input.automatic };
  }

  /** The session's variables as this job sees them: stored, set and not deleted. */
  variablesInScope(): Record<string, string> {
    const all = { ...this.input.variables, ...this.set };
    for (const key of this.deleted) delete all[key];
    return all;
  }

  /** Removes a variable (`%symdel`); read-only ones stay. */
  deleteVariable(name: string): void {
    const key = name.toUpperCase();
    if (READ_ONLY.has(key)) return this.error(`${key} is read-only.`);
    const before = this.getVariable(key);
    if (before === null || key === "SYSCC") return;
    delete this.set[key];
    this.deleted.add(key);
    this.count -= 1;
    this.bytes -= key.length + before.length;
  }

  /** Sets a variable by the rules of `%let`; a refusal becomes an ERROR line. */
  setVariable(name: string, value: string): void {
    if (!NAME.test(name)) return this.error(`Invalid variable name: ${name}.`);
    const key = name.toUpperCase();
    if (key === "SYSCC") {
      const n = Number(value.trim());
      if (!Number.isInteger(n) || n < 0) return this.error(`Invalid number: ${value}.`);
      this.code = n;
      return;
    }
    if (READ_ONLY.has(key)) return this.error(`${key} is read-only.`);
    const before = this.deleted.has(key) ? undefined : (this.set[key] ?? this.input.variables[key]);
    const count = this.count + (before === undefined ? 1 : 0);
    const bytes = this.bytes - (before === undefined ? 0 : key.length + before.length) + key.length + value.length;
    if (count > this.input.limits.maxVariables) return this.error(`The session already has ${this.input.limits.maxVariables} variables.`);
    if (bytes > this.input.limits.maxVariableBytes) {
      return this.error(`The session variables would exceed their limit of ${this.input.limits.maxVariableBytes} bytes.`);
    }
    this.count = count;
    this.bytes = bytes;
    this.set[key] = value;
    this.deleted.delete(key);
  }

  /** Appends a fragment to this job's ODS result `name`. */
  html(name: string, fragment: string): void {
    const resolved = odsName(name);
    if (!resolved) return this.error(`Invalid result name: ${name}.`);
    const parts = this.ods.get(resolved) ?? [];
    parts.push(`${fragment}\n`);
    this.ods.set(resolved, parts);
  }

  exit(code: number): void {
    this.raise(Number.isInteger(code) && code > 0 ? code : 0);
    this.exited = true;
  }

  outcome(): JobOutcome {
    const encoder = new TextEncoder();
    const results: JobResult[] = [...this.ods].map(([name, parts]) => ({
      name,
      type: "ODS",
      mediaType: "text/html",
      content: encoder.encode(parts.join("")),
    }));
    return { conditionCode: this.code, variables: { ...this.set }, deletedVariables: [...this.deleted], results };
  }
}

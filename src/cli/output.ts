/**
 * What commands print: tables and labelled records for people (times relative, `-` for
 * anything empty), the API's own JSON for programs, and tab-separated raw values for
 * shell pipelines.
 */
export type Format = "table" | "wide" | "json" | "tsv";

export interface Column<T> {
  header: string;
  /** The raw value: what tsv prints, and what the table shows through `text` (or `human`). */
  value: (row: T) => unknown;
  text?: (row: T) => string;
  /** Only in `-o wide`. */
  wide?: boolean;
  /** Its width in a list printed row by row, where the widest value cannot be known. */
  width?: number;
}

export interface Field<T> {
  label: string;
  text: (row: T) => string;
}

const isEmpty = (v: unknown) =>
  v === null || v === undefined || v === "" || (Array.isArray(v) && v.length === 0) || (typeof v === "object" && Object.keys(v as object).length === 0);

/** A value for people: `-` when empty, lists joined, yes/no, compact JSON for objects. */
export function human(v: unknown): string {
  if (isEmpty(v)) return "-";
  if (Array.isArray(v)) return v.map(human).join(", ");
  if (typeof v === "boolean") return v ? "yes" : "no";
  if (typeof v === "number") return v.toLocaleString("en-US");
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

const UNITS: [string, number][] = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1000],
];

/** `3m ago`, `in 2h`, `just now`; a date beyond 30 days. */
export function relative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return "-";
  const t = Date.parse(iso);
  const delta = t - now;
  const abs = Math.abs(delta);
  if (abs < 10_000) return "just now";
  if (abs >= 30 * 86_400_000) return iso.slice(0, 10);
  const [unit, ms] = UNITS.find(([, size]) => abs >= size)!;
  const n = Math.floor(abs / ms);
  return delta < 0 ? `${n}${unit} ago` : `in ${n}${unit}`;
}

/** `2024-05-01 12:03:04 UTC (3m ago)`. */
export function timestamp(iso: string | null | undefined): string {
  if (!iso) return "-";
  return `${iso.slice(0, 19).replace("T", " ")} UTC (${relative(iso)})`;
}

/** `90` → `1m30s`; 0 is `never` (a timeout that never fires). */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "-";
  if (seconds === 0) return "never";
  let rest = seconds * 1000;
  let text = "";
  for (const [unit, ms] of UNITS) {
    const n = Math.floor(rest / ms);
    if (n > 0) text += `${n}${unit}`;
    rest -= n * ms;
  }
  return text;
}

/** A raw value for tsv: no tabs or line breaks inside a field; empty for nothing. */
function raw(v: unknown): string {
  if (v === null || v === undefined) return "";
  const text = Array.isArray(v) ? v.map((x) => (typeof x === "object" ? JSON.stringify(x) : String(x))).join(",") : typeof v === "object" ? JSON.stringify(v) : String(v);
  return text.replace(/[\t\r\n]+/g, " ");
}

export class Output {
  constructor(
    readonly format: Format,
    private readonly stdout: (line: string) => void,
    private readonly stderr: (line: string) => void,
  ) {}

  get forPeople(): boolean {
    return this.format === "table" || this.format === "wide";
  }

  line(text: string): void {
    this.stdout(text);
  }

  /** A remark for people, on stderr so pipelines never see it; silent in json and tsv. */
  note(text: string): void {
    if (this.forPeople) this.stderr(text);
  }

  /** For people, what happened; for programs, the API's answer (json) or the key of what changed (tsv). */
  done(data: unknown, text: string, key: unknown): void {
    if (this.format === "json") this.stdout(JSON.stringify(data ?? null, null, 2));
    else if (this.format === "tsv") this.stdout(raw(key));
    else this.stdout(text);
  }

  list<T>(rows: T[], columns: Column<T>[]): void {
    if (this.format === "json") return this.stdout(JSON.stringify(rows, null, 2));
    if (this.format === "tsv") {
      for (const row of rows) this.stdout(columns.map((c) => raw(c.value(row))).join("\t"));
      return;
    }
    const shown = columns.filter((c) => !c.wide || this.format === "wide");
    const cells = rows.map((row) => shown.map((c) => (c.text ? c.text(row) : human(c.value(row)))));
    const widths = shown.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
    const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i]!)).join("   ").trimEnd();
    this.stdout([line(shown.map((c) => c.header)), ...cells.map(line)].join("\n"));
  }

  /** One row of an endless list, printed as it comes: no header, fixed-width for people, one JSON object per line for programs. */
  row<T>(row: T, columns: Column<T>[]): void {
    if (this.format === "json") return this.stdout(JSON.stringify(row));
    if (this.format === "tsv") return this.stdout(columns.map((c) => raw(c.value(row))).join("\t"));
    this.stdout(columns.map((c) => (c.text ? c.text(row) : human(c.value(row))).padEnd(c.width ?? 0)).join("   ").trimEnd());
  }

  /** One resource: labelled lines for people, one tsv row like the list's, or the API's JSON. */
  record<T>(row: T, fields: Field<T>[], columns: Column<T>[]): void {
    if (this.format === "json") return this.stdout(JSON.stringify(row, null, 2));
    if (this.format === "tsv") return this.stdout(columns.map((c) => raw(c.value(row))).join("\t"));
    const width = Math.max(...fields.map((f) => f.label.length)) + 2;
    const lines = fields.map((f) => {
      const [first, ...more] = f.text(row).split("\n");
      return [`${`${f.label}:`.padEnd(width)} ${first}`, ...more.map((m) => `${" ".repeat(width + 1)}${m}`)].join("\n");
    });
    this.stdout(lines.join("\n"));
  }
}

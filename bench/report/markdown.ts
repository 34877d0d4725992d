import type { Conditions } from "../lib/scenario.js";
import type { ProfileSummary } from "../lib/profile.js";
import type { Report } from "./types.js";

const NOTES = /<!-- notes -->[\s\S]*?<!-- \/notes -->/;

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const met = (m: boolean | null) => (m === null ? "—" : m ? "yes" : "**no**");
const load = (c?: Conditions) =>
  c ? `${c.load1.toFixed(1)} · ${c.foreignCores.toFixed(2)}${c.attempts > 1 ? ` (run ${c.attempts}×)` : ""}${c.note ? ` — ${c.note}` : ""}` : "";

function profileLines(name: string, p: ProfileSummary): string[] {
  const list = (xs: { name: string; pct: number }[]) => xs.map((x) => `${x.name} ${x.pct.toFixed(1)} %`).join("; ");
  return [`- **${name}**`, `  - where: ${list(p.areas)}`, `  - self time: ${list(p.self)}`, `  - in or under sessionhub functions: ${list(p.ours)}`];
}

/** RESULTS.md from a report; the hand-written notes between `<!-- notes -->` markers are kept. */
export function markdown(report: Report, previous: string): string {
  const m = report.machine;
  const kept = previous.match(NOTES)?.[0] ?? "<!-- notes -->\n<!-- /notes -->";
  const lines = [
    "# Benchmark results",
    "",
    `Recorded ${report.date} by \`npm run bench\` in ${Math.round(report.durationSeconds / 60)} min, on ${m.cores} cores (${m.model}), ${m.ramGiB} GiB RAM, Node ${m.node}, Linux ${m.kernel}.`,
    report.settings,
    "",
    "The last column of each table is the machine's state during that scenario: the one-minute load average when it started · the cores' worth of CPU that processes other than the bench's used while it ran (this machine is shared; a scenario disturbed by more than 0.3 cores is run again when the budget allows, and the quieter run is kept).",
    "",
    "![Every operation against its ceiling](results.svg)",
    "",
  ];
  for (const t of report.targets) {
    lines.push(`## ${t.id}. ${t.title}`, "", "| figure | measured | target | met? | what limits it | load · others |", "| --- | --- | --- | --- | --- | --- |");
    for (const f of t.figures) lines.push(`| ${cell(f.name)} | ${cell(f.measured)} | ${cell(f.goal)} | ${met(f.met)} | ${cell(f.limiting)} | ${cell(load(f.conditions))} |`);
    lines.push("", ...t.notes.flatMap((n) => [n, ""]));
  }
  lines.push(
    "## Profiles",
    "",
    "V8 CPU profiles of the server (what `node --cpu-prof` records, started and stopped around one more run of the same load through `node:inspector` in the server process, bench/hub-process.mjs), kept in bench/out/profiles. *where* groups each sample by what it was running; *in or under sessionhub functions* charges each sample to the innermost sessionhub function on its stack, with what it called (SQLite, libraries, node).",
    "",
  );
  for (const t of report.targets) for (const f of t.figures) if (f.profile) lines.push(...profileLines(`${t.id}. ${f.name}`, f.profile));
  lines.push("", "## Notes", "", kept, "");
  return lines.join("\n");
}

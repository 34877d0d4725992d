import { assignFile } from "../files.js";
import { areaPath } from "../session-data.js";
import { type SasJob, optionName } from "./session.js";
import { unquote } from "./text.js";

/**
 * Global statements: OPTIONS, FILENAME and LIBNAME act on the session; ODS, TITLE,
 * FOOTNOTE and GOPTIONS only shape output this server does not produce, so they are
 * accepted without effect.
 */

const NO_EFFECT = /^(ODS|TITLE\d*|FOOTNOTE\d*|GOPTIONS|GOPTION|RUN|QUIT)$/;
const GLOBAL = /^(OPTIONS?|FILENAME|LIBNAME|X|SYSTASK|ODS|TITLE\d*|FOOTNOTE\d*|GOPTIONS?)$/;

/** Whether a statement keyword names a global statement (they run at once, even inside a step). */
export const isGlobal = (keyword: string) => GLOBAL.test(keyword);

/** The words of a statement: quoted strings, `name=value` (value quoted, in parentheses or bare) and bare words. */
export function words(text: string): string[] {
  return text.match(/(?:[^\s='"(]+\s*=\s*)?(?:'(?:[^']|'')*'?|"(?:[^"]|"")*"?|\([^)]*\)?|[^\s'"(]+)/g) ?? [];
}

/** An option's value: quoted text as written, keywords upper-cased as SAS stores them. */
const value = (raw: string) => (raw.startsWith("'") || raw.startsWith('"') ? unquote(raw) : raw.replace(/^\(|\)$/g, "").toUpperCase());

function options(job: SasJob, rest: string[]): void {
  for (const w of rest) {
    const eq = w.indexOf("=");
    if (eq > 0) {
      job.state.options.set(optionName(w.slice(0, eq).trim()), value(w.slice(eq + 1).trim()));
      continue;
    }
    const upper = w.toUpperCase();
    const negated = upper.startsWith("NO") && job.state.options.has(upper.slice(2)) ? upper.slice(2) : null;
    job.state.options.set(negated ?? optionName(upper), upper);
  }
}

async function filename(job: SasJob, rest: string[]): Promise<void> {
  const [ref, second, third] = rest;
  if (!ref) return job.error("Invalid file name.");
  const target = second?.toUpperCase();
  let refused: string | null;
  if (ref.toUpperCase() === "_ALL_" && target === "CLEAR") {
    refused = null;
  } else if (second === undefined || target === "CLEAR") {
    refused = await assignFile(job.area, ref, null);
  } else if (target === "TEMP") {
    refused = /^[A-Za-z_][A-Za-z0-9_]{0,31}$/.test(ref) ? null : `Invalid fileref name: ${ref}.`;
    if (!refused) await job.area.assign(ref.toUpperCase(), null, "TEMP");
  } else {
    const quoted = second.startsWith("'") || second.startsWith('"') ? second : target === "DISK" && third ? third : null;
    if (quoted === null || !(quoted.startsWith("'") || quoted.startsWith('"'))) {
      job.state.filrc = 1;
      return job.error(`The ${second.toUpperCase()} device type is not supported in this session.`);
    }
    refused = await assignFile(job.area, ref, unquote(quoted));
  }
  job.state.filrc = refused ? 1 : 0;
  if (refused) job.error(refused);
}

function libname(job: SasJob, rest: string[]): void {
  const [ref, second, third] = rest;
  const name = ref?.toUpperCase() ?? "";
  if (!/^[A-Z_][A-Z0-9_]{0,7}$/.test(name)) {
    job.state.librc = 1;
    return job.error(`Libref ${name} exceeds 8 characters.`);
  }
  const target = second?.toUpperCase();
  if (second === undefined || target === "CLEAR") {
    if (name === "WORK") return job.error("Libref WORK cannot be cleared.");
    job.state.librc = job.state.librefs.delete(name) ? 0 : 1;
    return job.state.librc ? job.warning(`Libref ${name} has not been assigned.`) : job.note(`Libref ${name} has been deassigned.`);
  }
  const quoted = (w: string | undefined) => w !== undefined && (w.startsWith("'") || w.startsWith('"'));
  const engine = quoted(second) ? "V9" : target!;
  const physical = quoted(second) ? second : third;
  if (!["V9", "BASE"].includes(engine) || !quoted(physical)) {
    job.state.librc = 1;
    job.error(`The ${engine} engine cannot be found.`);
    return job.error("Error in the LIBNAME statement.");
  }
  const path = areaPath(unquote(physical!));
  if (name === "WORK" || path === null) {
    job.state.librc = 1;
    return job.error(name === "WORK" ? "Libref WORK cannot be reassigned." : "Error in the LIBNAME statement.");
  }
  job.state.librefs.set(name, path);
  job.state.librc = 0;
  job.note(`Libref ${name} was successfully assigned as follows: \n      Engine:        V9\n      Physical Name: ${path}`);
}

/** Runs a global statement (`keyword` upper-cased, `text` the whole statement). */
export async function globalStatement(job: SasJob, keyword: string, text: string): Promise<void> {
  if (NO_EFFECT.test(keyword)) return;
  const rest = words(text).slice(1);
  switch (keyword) {
    case "OPTIONS":
    case "OPTION":
      return options(job, rest);
    case "FILENAME":
      return filename(job, rest);
    case "LIBNAME":
      return libname(job, rest);
    default:
      return job.error("Shell escape is not valid in this SAS session.");
  }
}

import { hostname } from "node:os";
import type { JobContext } from "../job-context.js";
import type { Limits, LineType, OutLine, WorkArea } from "../types.js";
import { dateParts } from "./values.js";

/** The path of the WORK library inside the session's work area (`%sysfunc(pathname(work))`). */
export const WORK_PATH = "/work";

/** What the session reports as its SAS release and host (saspy shows them; sasjs reads SYSVLONG). */
const RELEASE = { SYSVER: "V.04.00", SYSVLONG: "V.04.00M0P010125", SYSVLONG4: "V.04.00M0P01012025", SYSSCP: "LIN X64", SYSSCPL: "Linux" };

/** System options a job may read back with GETOPTION; `options` statements change or add to them. */
const DEFAULT_OPTIONS: Record<string, string> = {
  CENTER: "CENTER",
  DATE: "DATE",
  ENCODING: "UTF-8",
  FIRSTOBS: "1",
  FULLSTIMER: "NOFULLSTIMER",
  LINESIZE: "132",
  LOCALE: "EN_US",
  MLOGIC: "NOMLOGIC",
  MPRINT: "NOMPRINT",
  MSGLEVEL: "N",
  NOTES: "NOTES",
  NUMBER: "NUMBER",
  OBS: "9223372036854775807",
  PAGESIZE: "60",
  SOURCE: "SOURCE",
  SOURCE2: "NOSOURCE2",
  SYMBOLGEN: "NOSYMBOLGEN",
  SYNTAXCHECK: "NOSYNTAXCHECK",
  VALIDMEMNAME: "COMPAT",
  VALIDVARNAME: "V7",
  WORK: WORK_PATH,
  XCMD: "NOXCMD",
};

const ALIASES: Record<string, string> = { LS: "LINESIZE", PS: "PAGESIZE" };
export const optionName = (name: string) => ALIASES[name.toUpperCase()] ?? name.toUpperCase();

export interface OpenFile {
  ref: string;
  path: string;
}

/**
 * What a SAS session keeps in memory between its jobs: system options, librefs, open
 * file ids and the step return code. Files, filerefs and macro variables live in the
 * store (the work area and the session's variables), so they survive a restart.
 */
export class SasState {
  readonly options = new Map<string, string>(Object.entries(DEFAULT_OPTIONS));
  readonly librefs = new Map<string, string>([["WORK", WORK_PATH]]);
  readonly files = new Map<number, OpenFile>();
  private nextFid = 1;
  syserr = 0;
  filrc = 0;
  librc = 0;
  errorText = "";
  warningText = "";

  constructor(
    readonly area: WorkArea,
    readonly startedAt: number,
    startupOptions: readonly string[] = [],
  ) {
    let last: string | null = null;
    for (const raw of startupOptions) {
      const item = raw.trim();
      if (!item.startsWith("-")) {
        if (last) this.options.set(last, item);
        last = null;
        continue;
      }
      const [name = "", value] = item.slice(1).split(/[= ](.*)/s);
      const upper = name.toUpperCase();
      const negated = upper.startsWith("NO") && this.options.has(upper.slice(2)) ? upper.slice(2) : null;
      last = negated ? null : optionName(upper);
      if (negated) this.options.set(negated, upper);
      else this.options.set(last!, value ?? upper);
    }
  }

  open(file: OpenFile): number {
    const fid = this.nextFid;
    this.nextFid += 1;
    this.files.set(fid, file);
    return fid;
  }

  /** Automatic macro variables that belong to the language, not the session's record. */
  automatic(): Record<string, string> {
    const { date7, date9, day, time } = dateParts(this.startedAt);
    return {
      ...RELEASE,
      SYSDATE: date7,
      SYSDATE9: date9,
      SYSDAY: day,
      SYSTIME: time,
      SYSENCODING: "utf-8",
      SYSENV: "BACK",
      SYSERR: String(this.syserr),
      SYSERRORTEXT: this.errorText,
      SYSWARNINGTEXT: this.warningText,
      SYSFILRC: String(this.filrc),
      SYSLIBRC: String(this.librc),
      SYSHOSTNAME: hostname(),
      SYSINFO: "0",
      SYSLAST: "_NULL_",
      SYSPROCESSMODE: "SAS Compute Server",
    };
  }
}

/** Names a job may not %LET (SYSCC, SYSFILRC and SYSLIBRC may be set, as in SAS). */
const READ_ONLY = new Set([
  "SYSJOBID", "SYSUSERID", "SYS_COMPUTE_SESSION_ID", ...Object.keys(RELEASE), "SYSDATE", "SYSDATE9", "SYSDAY", "SYSTIME",
  "SYSENCODING", "SYSENV", "SYSERR", "SYSERRORTEXT", "SYSWARNINGTEXT", "SYSHOSTNAME", "SYSINFO", "SYSLAST", "SYSPROCESSMODE",
]);

/**
 * One job of a SAS session: its lines, condition code and macro variables (through the
 * shared JobContext), the session's state, and the log texts SAS writes.
 */
export class SasJob {
  constructor(
    readonly state: SasState,
    readonly ctx: JobContext,
    private readonly emit: (l: OutLine) => void,
    readonly signal: AbortSignal,
    readonly limits: Limits,
  ) {}

  get area(): WorkArea {
    return this.state.area;
  }

  /** A log line; ERROR and WARNING lines raise the condition code as SAS's do. */
  log(text: string, type: LineType = "normal"): void {
    if (type === "error") this.state.errorText = text.replace(/^ERROR(?: [\d-]+)?: /, "");
    if (type === "warning") this.state.warningText = text.replace(/^WARNING(?: [\d-]+)?: /, "");
    this.ctx.line(type, text);
  }

  error(text: string): void {
    this.log(`ERROR${/^\d+-\d+:/.test(text) ? " " : ": "}${text}`, "error");
  }

  warning(text: string): void {
    this.log(`WARNING: ${text}`, "warning");
  }

  /** A NOTE, unless `options nonotes` is in force. */
  note(text: string): void {
    if (this.state.options.get("NOTES") !== "NONOTES") this.log(`NOTE: ${text}`, "note");
  }

  /** A line typed by its text (%PUT ERROR: …) that leaves the condition code alone. */
  message(text: string): void {
    const kind = /^(ERROR|WARNING|NOTE)(?: \d+-\d+)?: /.exec(text)?.[1];
    const type: LineType = kind === "ERROR" ? "error" : kind === "WARNING" ? "warning" : kind === "NOTE" ? "note" : "normal";
    this.emit({ stream: "log", type, text });
  }

  listing(text: string): void {
    this.emit({ stream: "listing", type: "normal", text });
  }

  automatic(): Record<string, string> {
    return { ...this.state.automatic(), SYSCC: String(this.ctx.code), ...this.ctx.automaticVariables() };
  }

  getVariable(name: string): string | null {
    const key = name.toUpperCase();
    return this.automatic()[key] ?? this.ctx.getVariable(key);
  }

  /** %LET and CALL SYMPUT: the SAS wording for names it refuses. */
  setVariable(name: string, value: string): void {
    const key = name.toUpperCase();
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,31}$/.test(name)) return this.error(`Invalid symbolic variable name ${key}.`);
    if (READ_ONLY.has(key)) return this.error(`Attempt to %LET automatic macro variable ${key} which is read only.`);
    if (key === "SYSFILRC" || key === "SYSLIBRC") {
      this.state[key === "SYSFILRC" ? "filrc" : "librc"] = Number(value) || 0;
      return;
    }
    this.ctx.setVariable(key, value);
  }

  deleteVariable(name: string): void {
    this.ctx.deleteVariable(name.toUpperCase());
  }

  userVariables(): Record<string, string> {
    return this.ctx.variablesInScope();
  }
}

import { INVALID_STATEMENT } from "./expr.js";
import { globalStatement, isGlobal } from "./globals.js";
import type { Macro } from "./macro.js";
import { DataStep } from "./step.js";
import { isNameStart, nameAt, quotedEnd, statementEnd } from "./text.js";

/**
 * Open code: the text of a job read as SAS reads it. Comments go; macro statements run
 * where they stand (inside a step too, before the step runs); references and macro
 * functions are resolved outside single quotes; what remains is cut into statements at
 * `;`. Global statements run at once; DATA steps run at their step boundary (`run;`,
 * the next DATA or PROC statement, or the end of the job).
 */

const STOPPED = "The SAS System stopped processing this step because of errors.";

type Open = { kind: "data"; texts: string[]; refused: string | null } | { kind: "proc"; name: string };

const seconds = (ms: number) => (ms / 1000).toFixed(2);

export class Program {
  private open: Open | null = null;

  constructor(private readonly macro: Macro) {}

  private get job() {
    return this.macro.job;
  }

  async run(code: string): Promise<void> {
    let text = "";
    let i = 0;
    while (i < code.length) {
      if (this.job.signal.aborted) return;
      const ch = code[i]!;
      const next = code[i + 1];
      if (ch === "/" && next === "*") {
        const end = code.indexOf("*/", i + 2);
        i = end < 0 ? code.length : end + 2;
        text += " ";
      } else if (ch === "*" && text.trim() === "") {
        i = statementEnd(code, i) + 1;
      } else if (ch === "'") {
        const end = quotedEnd(code, i);
        text += code.slice(i, end);
        i = end;
      } else if (ch === '"') {
        const end = quotedEnd(code, i);
        text += `"${await this.macro.resolve(code.slice(i + 1, code[end - 1] === '"' && end - 1 > i ? end - 1 : end))}"`;
        i = end;
      } else if (ch === "%" && next === "*") {
        i = statementEnd(code, i) + 1;
      } else if (ch === "%" && isNameStart(next)) {
        const name = nameAt(code, i + 1);
        const end = statementEnd(code, i);
        if (await this.macro.statement(name, code.slice(i + 1 + name.length, end))) {
          i = end + 1;
          // A macro definition this server does not run: its body is not open code either.
          if (name.toUpperCase() === "MACRO") {
            const mend = /%mend\b[^;]*;?/i.exec(code.slice(i));
            i = mend ? i + mend.index + mend[0].length : code.length;
          }
        } else {
          const call = await this.macro.call(code, i);
          text += call.value;
          i = call.end;
        }
      } else if (ch === "&" && (isNameStart(next) || next === "&")) {
        const ref = await this.macro.reference(code, i);
        text += ref.value;
        i = ref.end;
      } else if (ch === ";") {
        await this.statement(text.trim());
        text = "";
        i += 1;
      } else {
        text += ch;
        i += 1;
      }
    }
    if (text.trim() !== "") await this.statement(text.trim());
    await this.boundary();
  }

  private async statement(text: string): Promise<void> {
    if (text === "") return;
    const word = /^([A-Za-z_][A-Za-z0-9_]*)\s*(=?)/.exec(text);
    // `x = 1;` assigns to a variable named like a statement (X, FILE, LENGTH …).
    const keyword = word && !word[2] ? word[1]!.toUpperCase() : "";
    if (this.open?.kind === "data") {
      if (keyword === "RUN" || keyword === "QUIT") return this.boundary();
      if (keyword === "DATA" || keyword === "PROC") await this.boundary();
      else if (isGlobal(keyword)) return globalStatement(this.job, keyword, text);
      else {
        this.open.texts.push(text);
        return;
      }
    }
    if (this.open?.kind === "proc") {
      if (keyword !== "RUN" && keyword !== "QUIT" && keyword !== "DATA" && keyword !== "PROC") return;
      await this.boundary();
      if (keyword === "RUN" || keyword === "QUIT") return;
    }
    if (keyword === "DATA") {
      const target = /^data\s+([^\s/;(]+)/i.exec(text)?.[1] ?? "";
      const refused = target.toUpperCase() === "_NULL_" ? null : `Only DATA _NULL_ steps run in this session; the data set ${target.toUpperCase() || "DATA1"} cannot be created.`;
      this.open = { kind: "data", texts: [], refused };
      return;
    }
    if (keyword === "PROC") {
      const name = (/^proc\s+([A-Za-z_][A-Za-z0-9_]*)/i.exec(text)?.[1] ?? "").toUpperCase();
      this.job.error(`Procedure ${name} not found.`);
      this.open = { kind: "proc", name };
      return;
    }
    if (isGlobal(keyword)) return globalStatement(this.job, keyword, text);
    this.job.error(INVALID_STATEMENT);
  }

  /** Ends the open step: runs a DATA step, closes a PROC that could not run. */
  private async boundary(): Promise<void> {
    const open = this.open;
    this.open = null;
    if (!open) return;
    const started = Date.now();
    const cpu = process.cpuUsage();
    let ok = false;
    if (open.kind === "data" && open.refused) this.job.error(open.refused);
    else if (open.kind === "data") ok = await new DataStep(this.macro, open.texts).run();
    if (!ok) this.job.note(STOPPED);
    this.job.state.syserr = ok ? 0 : open.kind === "proc" ? 1012 : 3000;
    const used = process.cpuUsage(cpu);
    const label = open.kind === "data" ? "DATA statement" : `PROCEDURE ${open.name}`;
    this.job.note(
      `${label} used (Total process time):\n      real time           ${seconds(Date.now() - started)} seconds\n      cpu time            ${seconds((used.user + used.system) / 1000)} seconds`,
    );
  }
}

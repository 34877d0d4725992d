import { timerDelay } from "../../core/bounds.js";
import { assignFile, writeFile } from "../files.js";
import { JobContext } from "../job-context.js";
import type { Executor, ExecutorSession, JobInput, JobOutcome, OutLine, WorkArea } from "../types.js";
import { type Statement, firstToken, statements, substitute, textOf } from "./parse.js";

/** Statements clients wrap their code in; accepted, no effect. */
const IGNORED = new Set(["options", "ods", "title", "footnote", "libname", "run", "quit"]);

/** How many statements run between yields to the event loop. */
const YIELD_EVERY = 1000;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, timerDelay(ms));
    signal.addEventListener("abort", done, { once: true });
  });
}

const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));

async function runStatement(s: Statement, ctx: JobContext, area: WorkArea, signal: AbortSignal): Promise<void> {
  const argument = substitute(s.argument, (name) => ctx.getVariable(name));
  switch (s.keyword) {
    case "print":
      return ctx.line("normal", textOf(argument), "both");
    case "put":
    case "%put":
      return ctx.line("normal", textOf(argument));
    case "note":
    case "warning":
    case "error":
      return ctx.line(s.keyword, textOf(argument));
    case "%let": {
      const eq = argument.indexOf("=");
      if (eq < 0) return ctx.error(`Invalid variable name: ${argument}.`);
      return ctx.setVariable(argument.slice(0, eq).trim(), argument.slice(eq + 1).trim());
    }
    case "sleep": {
      const ms = Number(argument);
      if (argument === "" || !Number.isInteger(ms) || ms < 0) return ctx.error(`Invalid number: ${argument}.`);
      return sleep(ms, signal);
    }
    case "exit": {
      const code = argument === "" ? 0 : Number(argument);
      if (!Number.isInteger(code) || code < 0) return ctx.error(`Invalid number: ${argument}.`);
      return ctx.exit(code);
    }
    case "filename": {
      const ref = firstToken(argument);
      if (!ref) return ctx.error("Invalid fileref name: .");
      const path = firstToken(ref.rest);
      const clear = !path || (!path.quoted && path.token.toLowerCase() === "clear");
      const refused = await assignFile(area, ref.token, clear ? null : path.token);
      return refused ? ctx.error(refused) : undefined;
    }
    case "write": {
      const ref = firstToken(argument);
      if (!ref) return ctx.error("Invalid fileref name: .");
      const refused = await writeFile(area, ref.token, textOf(ref.rest));
      return refused ? ctx.error(refused) : undefined;
    }
    case "html": {
      const name = firstToken(argument);
      if (!name) return ctx.error("Invalid result name: .");
      return ctx.html(name.token, textOf(name.rest));
    }
    default:
      if (IGNORED.has(s.keyword)) return;
      return ctx.error(`Unknown statement: ${s.word}.`);
  }
}

class ScriptSession implements ExecutorSession {
  constructor(private readonly area: WorkArea) {}

  async run(job: JobInput, emit: (l: OutLine) => void): Promise<JobOutcome> {
    const ctx = new JobContext(job, emit);
    let n = 0;
    for (const s of statements(job.code)) {
      if (job.signal.aborted || ctx.exited) break;
      await runStatement(s, ctx, this.area, job.signal);
      n += 1;
      if (n % YIELD_EVERY === 0) await yieldNow();
    }
    return ctx.outcome();
  }

  async close(): Promise<void> {}
}

/**
 * The built-in "script" executor: a tiny statement language interpreted on the main
 * thread. Output depends only on code, variables and files; nothing is evaluated.
 */
export const scriptExecutor: Executor = {
  name: "script",
  stateful: false,
  async open({ area }) {
    return new ScriptSession(area);
  },
};

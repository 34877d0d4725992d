import { JobContext } from "../job-context.js";
import type { Executor, ExecutorSession, JobInput, JobOutcome, OutLine, WorkArea } from "../types.js";
import { Macro } from "./macro.js";
import { Program } from "./program.js";
import { SasJob, SasState } from "./session.js";

class SasSession implements ExecutorSession {
  private readonly state: SasState;

  constructor(area: WorkArea, options: string[]) {
    this.state = new SasState(area, Date.now(), options);
  }

  async run(job: JobInput, emit: (l: OutLine) => void): Promise<JobOutcome> {
    const ctx = new JobContext(job, emit);
    await new Program(new Macro(new SasJob(this.state, ctx, emit, job.signal, job.limits))).run(job.code);
    return ctx.outcome();
  }

  async close(): Promise<void> {
    this.state.files.clear();
  }
}

/**
 * The SAS language, for the subset real clients send (saspy, sasjs, restaf, the VS Code
 * extension): the macro processor, global statements and DATA _NULL_ steps over the
 * session's work area. Options, librefs and open file ids live in memory, so the
 * session is stateful; macro variables, filerefs and files are in the store.
 */
export const sasExecutor: Executor = {
  name: "sas",
  stateful: true,
  async open({ area, options }) {
    return new SasSession(area, options);
  },
};

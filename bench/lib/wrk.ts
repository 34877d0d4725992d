import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export interface Load {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /**
   * A wrk Lua script instead of the one fixed request above (rotating tokens or ids); it
   * is given the run's number so that runs can take disjoint slices of their pairs. The
   * fixed request is still what the response is captured from.
   */
  lua?: (run: number) => string;
}

export interface Measured {
  rps: number;
  p50ms: number;
  p99ms: number;
  maxms: number;
  requests: number;
  non2xx: number;
  errors: number;
  seconds: number;
}

export interface MeasureOptions {
  seconds: number;
  connections: number;
  /** Where the Lua scripts are written. */
  dir: string;
  name: string;
  run?: number;
  timeoutSeconds?: number;
  /** Ends the run early (wrk still reports what it measured until then). */
  until?: Promise<unknown>;
}

const luaString = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;

/** A wrk script for the load, plus the summary wrk prints in a form that parses. */
function script(load: Load, run: number): string {
  const setup = load.lua
    ? load.lua(run)
    : [
        `wrk.method = ${luaString(load.method)}`,
        `wrk.path = ${luaString(load.path)}`,
        ...Object.entries(load.headers ?? {}).map(([k, v]) => `wrk.headers[${luaString(k)}] = ${luaString(v)}`),
        load.body !== undefined ? `wrk.body = ${luaString(load.body)}` : "",
      ].join("\n");
  return `${setup}
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %f %f %f\\n", summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
`;
}

/** wrk with one thread (the other core is the server's) against `base`. */
export async function measure(base: string, load: Load, opts: MeasureOptions): Promise<Measured> {
  const file = join(opts.dir, `${opts.name.replace(/[^a-z0-9]+/gi, "-")}.lua`);
  writeFileSync(file, script(load, opts.run ?? 0));
  const args = ["-t1", `-c${opts.connections}`, `-d${opts.seconds}s`, "--timeout", `${opts.timeoutSeconds ?? 5}s`, "-s", file, `${base}${load.lua ? "" : load.path}`];
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn("wrk", args);
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    child.on("error", (e) => reject(new Error(`wrk: ${e.message} (apt-get install -y wrk)`)));
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`wrk exited ${code}: ${out}`))));
    void opts.until?.then(() => child.exitCode === null && child.pid !== undefined && process.kill(child.pid, "SIGINT"));
  });
  const m = output.match(/RESULT (\d+) (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+)/);
  if (!m) throw new Error(`cannot read wrk output:\n${output}`);
  const [, requests, non2xx, errors, durationUs, p50, p99, max] = m.map(Number) as number[];
  const seconds = durationUs! / 1e6;
  return { requests: requests!, non2xx: non2xx!, errors: errors!, seconds, rps: requests! / seconds, p50ms: p50!, p99ms: p99!, maxms: max! };
}

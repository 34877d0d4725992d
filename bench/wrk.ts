import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export interface Load {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** A wrk Lua script instead of one fixed request (rotating tokens or ids). */
  lua?: string;
}

export interface Measured {
  rps: number;
  p50ms: number;
  p99ms: number;
  requests: number;
  non2xx: number;
  errors: number;
}

const luaString = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;

/** A wrk script for one fixed request, plus the summary wrk prints in a parseable form. */
function script(load: Load): string {
  const setup = load.lua
    ? load.lua
    : `wrk.method = ${luaString(load.method)}
wrk.path = ${luaString(load.path)}
${Object.entries(load.headers ?? {}).map(([k, v]) => `wrk.headers[${luaString(k)}] = ${luaString(v)}`).join("\n")}
${load.body !== undefined ? `wrk.body = ${luaString(load.body)}` : ""}`;
  return `${setup}
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %f %f\\n", summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
`;
}

/** Runs wrk against `base` for `seconds` with `connections`; one wrk thread leaves a core to the server. */
export async function measure(base: string, load: Load, opts: { seconds: number; connections: number; dir: string; name: string }): Promise<Measured> {
  const file = join(opts.dir, `${opts.name.replace(/[^a-z0-9]+/gi, "-")}.lua`);
  writeFileSync(file, script(load));
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn("wrk", ["-t1", `-c${opts.connections}`, `-d${opts.seconds}s`, "--timeout", "5s", "-s", file, `${base}${load.lua ? "" : load.path}`]);
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`wrk exited ${code}: ${out}`))));
  });
  const m = output.match(/RESULT (\d+) (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+)/);
  if (!m) throw new Error(`cannot read wrk output:\n${output}`);
  const [, requests, non2xx, errors, durationUs, p50, p99] = m.map(Number) as number[];
  return { requests: requests!, non2xx: non2xx!, errors: errors!, rps: requests! / (durationUs! / 1e6), p50ms: p50!, p99ms: p99! };
}

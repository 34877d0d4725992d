import { request } from "node:http";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Started, launch, stop, waitForOutput } from "./procs.js";
import type { Load } from "./wrk.js";

export interface Captured {
  status: number;
  headers: Record<string, string | string[]>;
  /** Base64 of the body. */
  body: string;
  bytes: number;
}

/** Set per connection or per message by node:http itself, on both servers alike. */
const TRANSPORT = new Set(["date", "connection", "keep-alive", "transfer-encoding", "content-length"]);

/** sessionhub's real answer to the load's request: status, headers (as far as they are the answer's own) and body. */
export function capture(base: string, load: Load): Promise<Captured> {
  return new Promise((resolve, reject) => {
    const req = request(base + load.path, { method: load.method, headers: load.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const headers: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(res.headers)) if (!TRANSPORT.has(name) && value !== undefined) headers[name] = value;
        const body = Buffer.concat(chunks);
        if ((res.statusCode ?? 0) >= 400) reject(new Error(`${load.method} ${load.path} → ${res.statusCode} ${body.toString().slice(0, 300)}`));
        else resolve({ status: res.statusCode!, headers, body: body.toString("base64"), bytes: body.length });
      });
    });
    req.on("error", reject);
    req.end(load.body);
  });
}

export interface Bare {
  url: string;
  process: Started;
  stop(): Promise<void>;
}

/** A bare node:http server answering every request with the captured bytes. */
export async function startBare(captured: Captured, dir: string, name: string): Promise<Bare> {
  const file = join(dir, `bare-${name.replace(/[^a-z0-9]+/gi, "-")}.json`);
  writeFileSync(file, JSON.stringify(captured));
  const p = launch(process.execPath, ["bench/bare.mjs", file]);
  const m = await waitForOutput(p, /listening (\d+)/);
  return { url: `http://127.0.0.1:${m[1]}`, process: p, stop: () => stop(p) };
}

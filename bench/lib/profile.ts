import { readFileSync } from "node:fs";
import { ROOT } from "./procs.js";

/** A V8 CPU profile (.cpuprofile, as `node --cpu-prof` writes it). */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  startTime: number;
  endTime: number;
}

export interface Share {
  name: string;
  pct: number;
}

export interface ProfileSummary {
  /** Functions by self time. */
  self: Share[];
  /**
   * sessionhub functions by the time spent in them or in what they called outside
   * sessionhub (libraries, SQLite, node): the innermost sessionhub frame of each sample.
   */
  ours: Share[];
  /** Where the samples' time sits: idle, GC, node core, fastify, sessionhub, SQLite, … */
  areas: Share[];
  idlePct: number;
}

type Frame = CpuProfile["nodes"][number]["callFrame"];

const SPECIAL: Record<string, string> = { "(idle)": "idle", "(garbage collector)": "GC", "(program)": "V8/native (program)", "(root)": "V8/native (program)" };

/** The package a node_modules path belongs to (scoped names kept whole). */
function packageOf(url: string): string | null {
  const m = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//g);
  if (!m) return null;
  return m.at(-1)!.replace(/^node_modules\//, "").replace(/\/$/, "");
}

const DIST = `file://${ROOT}dist/`;

/** sessionhub's own code: the built files under dist/, named by their source path. */
function ourFile(url: string): string | null {
  return url.startsWith(DIST) && url.endsWith(".js") ? `src/${url.slice(DIST.length, -3)}.ts` : null;
}

function area(f: Frame): string {
  if (SPECIAL[f.functionName]) return SPECIAL[f.functionName]!;
  if (f.url.startsWith("node:")) return "node core (http, net, streams)";
  const pkg = packageOf(f.url);
  if (pkg) return pkg === "better-sqlite3" ? "SQLite (better-sqlite3)" : pkg;
  const ours = ourFile(f.url);
  if (ours) return `sessionhub ${ours.split("/").slice(1, -1).join("/") || "src"}`;
  if (f.url === "") {
    if (SOCKET.test(f.functionName)) return "socket writes (syscalls)";
    // fast-json-stringify compiles each response schema into a function without a file.
    return /^anonymous\d*$/.test(f.functionName) ? "fast-json-stringify (compiled serialisers)" : "native";
  }
  return "other";
}

const SOCKET = /^(writev|writeBuffer|writeString|write(Utf8|Latin1|Ascii|Ucs2)String|shutdown|close)$/;
const STATEMENT = /^(all|get|run|iterate|exec|prepare|pragma)$/;

/** Native code is named after the sessionhub module that called it: SQLite's statements are the store's. */
function nativeArea(f: Frame, owner: Frame | null): string {
  const file = owner ? ourFile(owner.url) : null;
  if (STATEMENT.test(f.functionName) && file?.startsWith("src/store/")) return "SQLite statements";
  return file ? `native code called from ${file}` : "native code (V8 builtins, addons)";
}

const label = (f: Frame) => {
  const where = ourFile(f.url) ?? packageOf(f.url) ?? (f.url.startsWith("node:") ? f.url : f.url === "" ? "native" : f.url.split("/").slice(-2).join("/"));
  return `${f.functionName || "(anonymous)"} (${where})`;
};

function top(weights: Map<string, number>, total: number, n: number): Share[] {
  return [...weights]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, w]) => ({ name, pct: (100 * w) / total }));
}

const add = (m: Map<string, number>, key: string, w = 1) => m.set(key, (m.get(key) ?? 0) + w);

export function summarise(file: string, n = 8): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);

  const self = new Map<string, number>();
  const ours = new Map<string, number>();
  const areas = new Map<string, number>();
  let idle = 0;
  for (const id of profile.samples) {
    const frame = byId.get(id)!.callFrame;
    add(self, label(frame));
    if (frame.functionName === "(idle)") idle += 1;
    // The innermost sessionhub frame owns the sample, whatever it called.
    let owner: Frame | null = null;
    for (let at: number | undefined = id; at !== undefined && !owner; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      if (ourFile(f.url)) owner = f;
    }
    if (owner) add(ours, label(owner));
    const a = area(frame);
    add(areas, a === "native" ? nativeArea(frame, owner) : a);
  }
  const total = profile.samples.length || 1;
  return { self: top(self, total, n), ours: top(ours, total, n), areas: top(areas, total, 10), idlePct: (100 * idle) / total };
}

const pct = (s: Share) => `${s.name} ${s.pct.toFixed(0)} %`;

/** How the server spent the run: saturated, waiting for requests, or held back by the machine. */
export function busyLine(serverCores: number, idlePct: number): string {
  const used = `server ${(serverCores * 100).toFixed(0)} % of a core, its event loop idle ${idlePct.toFixed(0)} % of the samples`;
  if (serverCores >= 0.9) return `${used}: CPU-bound`;
  if (idlePct >= 15) return `${used}: it waited on I/O — for requests (the load generator, itself short of CPU on this machine, set the pace) or for its database`;
  return `${used}: busy whenever it ran, so held back by the machine's other load`;
}

/** One line for a results table: where the server's time went. */
export function limitingLine(s: ProfileSummary, serverCores: number): string {
  const areas = s.areas.filter((a) => a.name !== "idle" && a.pct >= 4).slice(0, 4).map(pct).join(", ");
  const ours = s.ours.slice(0, 2).map(pct).join(", ");
  return `${busyLine(serverCores, s.idlePct)}; ${areas}${ours ? `; top sessionhub: ${ours}` : ""}`;
}

import { type MessagePort, parentPort, receiveMessageOnPort, workerData } from "node:worker_threads";
import { type QuickJSHandle, RELEASE_SYNC, newQuickJSWASMModuleFromVariant, newVariant } from "quickjs-emscripten";
import { JobContext } from "../job-context.js";
import { splitLines } from "../lines.js";
import type { Limits, OutLine } from "../types.js";
import { CANCEL, type FileReply, type FileRequest, MAX_ARGUMENT, REPLY, type RunMessage, type WorkerMessage } from "./protocol.js";

/**
 * One compute session's JavaScript: a QuickJS runtime and context compiled to
 * WebAssembly, living as long as the session (globals persist between jobs). The
 * WebAssembly engine is the boundary: the guest sees only `console` and `session`.
 * This worker is only a resource fence; it is terminated when the session ends, when
 * the guest runs out of memory, or when a job does not stop in time.
 */

const { control, files, memoryMb } = workerData as { control: SharedArrayBuffer; files: MessagePort; memoryMb: number };
const flags = new Int32Array(control);
const port = parentPort!;

/**
 * The guest's memory fence. QuickJS's own limit (`setMemoryLimit`) does not hold in this
 * build (array buffers and even plain objects grow past it), so the WebAssembly memory
 * itself is capped: the engine's start-up memory (static data, its 5 MB C stack, the
 * first heap) plus `memoryMb`. An allocation beyond it fails inside QuickJS; the failed
 * growth is noted, and the job is stopped at the next interrupt check (a guest that
 * catches the out-of-memory error does not get to go on).
 */
// Node has the global; the TypeScript setup here (ES2023, @types/node 20) declares none.
declare const WebAssembly: { Memory: new (descriptor: { initial: number; maximum: number }) => { grow(pages: number): number } };
const PAGE = 64 * 1024;
const STARTUP_BYTES = 16 * 1024 * 1024;
let exhausted = false;

class FencedMemory extends WebAssembly.Memory {
  override grow(pages: number): number {
    try {
      return super.grow(pages);
    } catch (e) {
      exhausted = true;
      throw e;
    }
  }
}

const memory = new FencedMemory({ initial: STARTUP_BYTES / PAGE, maximum: (STARTUP_BYTES + memoryMb * 1024 * 1024) / PAGE });
const QuickJS = await newQuickJSWASMModuleFromVariant(newVariant(RELEASE_SYNC, { wasmMemory: memory }));
const runtime = QuickJS.newRuntime();
const vm = runtime.newContext();

interface Job {
  ctx: JobContext;
  lines: number;
  maxLines: number;
  batch: OutLine[];
  stop: boolean;
}

let job: Job | null = null;

function post(message: WorkerMessage): void {
  port.postMessage(message);
}

function flushLines(): void {
  if (job && job.batch.length > 0) {
    post({ type: "lines", lines: job.batch });
    job.batch = [];
  }
}

/** A synchronous file operation on the main thread: the guest's `session.write`/`read`. */
function fileCall(request: FileRequest): FileReply {
  flushLines();
  Atomics.store(flags, REPLY, 0);
  files.postMessage(request);
  while (Atomics.load(flags, REPLY) === 0) Atomics.wait(flags, REPLY, 0, 1000);
  return (receiveMessageOnPort(files)?.message as FileReply | undefined) ?? { error: "The work area did not answer." };
}

function text(h: QuickJSHandle | undefined): string {
  if (h === undefined) return "";
  const value = vm.typeof(h) === "string" ? vm.getString(h) : String(vm.dump(h));
  return value.length > MAX_ARGUMENT ? value.slice(0, MAX_ARGUMENT) : value;
}

function define(target: QuickJSHandle, name: string, impl: (...args: string[]) => QuickJSHandle | void): void {
  const fn = vm.newFunction(name, (...handles) => {
    if (!job || job.stop) return undefined;
    return impl(...handles.map(text)) ?? undefined;
  });
  vm.setProp(target, name, fn);
  fn.dispose();
}

const host = vm.newObject();
define(host, "emit", (type, stream, line) => {
  job!.ctx.line(type as OutLine["type"], line, stream as OutLine["stream"]);
});
define(host, "getVariable", (name) => {
  const value = job!.ctx.getVariable(name ?? "");
  return value === null ? vm.null : vm.newString(value);
});
define(host, "setVariable", (name, value) => job!.ctx.setVariable(name ?? "", value ?? ""));
define(host, "html", (name, fragment) => job!.ctx.html(name ?? "", fragment ?? ""));
define(host, "write", (ref, line) => {
  const reply = fileCall({ op: "write", ref: ref ?? "", text: line ?? "" });
  if ("error" in reply) job!.ctx.error(reply.error);
});
define(host, "read", (ref) => {
  const reply = fileCall({ op: "read", ref: ref ?? "" });
  if ("error" in reply) {
    job!.ctx.error(reply.error);
    return vm.null;
  }
  return "text" in reply && reply.text !== null ? vm.newString(reply.text) : vm.null;
});
define(host, "exit", (code) => {
  job!.ctx.exit(Number(code));
  job!.stop = true;
});
vm.setProp(vm.global, "__host", host);
host.dispose();

// The guest's only globals; the host object is reachable from these closures alone.
const BOOTSTRAP = `(function (h) {
  "use strict";
  const fmt = (v) => {
    if (typeof v === "string") return v;
    try { const s = JSON.stringify(v); return s === undefined ? String(v) : s; } catch (e) { return String(v); }
  };
  const out = (type, stream) => function () { h.emit(type, stream, Array.prototype.map.call(arguments, fmt).join(" ")); };
  const console = Object.freeze({ log: out("normal", "both"), info: out("normal", "both"), debug: out("normal", "both"),
    warn: out("warning", "log"), error: out("error", "log") });
  const str = (v) => String(v);
  const session = Object.freeze({
    put: (t) => { h.emit("normal", "log", str(t)); },
    note: (t) => { h.emit("note", "log", str(t)); },
    getVariable: (n) => h.getVariable(str(n)),
    setVariable: (n, v) => { h.setVariable(str(n), str(v)); },
    html: (n, f) => { h.html(str(n), str(f)); },
    write: (r, t) => { h.write(str(r), str(t)); },
    read: (r) => h.read(str(r)),
    exit: (c) => { h.exit(c === undefined ? 0 : Number(c)); },
  });
  Object.defineProperty(globalThis, "console", { value: console, writable: false, configurable: false, enumerable: false });
  Object.defineProperty(globalThis, "session", { value: session, writable: false, configurable: false, enumerable: false });
})(globalThis.__host);
delete globalThis.__host;`;
vm.unwrapResult(vm.evalCode(BOOTSTRAP, "bootstrap.js")).dispose();

runtime.setInterruptHandler(() => job !== null && (job.stop || exhausted || Atomics.load(flags, CANCEL) !== 0));

interface Thrown {
  name: string;
  message: string;
}

function thrown(handle: QuickJSHandle): Thrown | null {
  let value: unknown;
  try {
    value = vm.dump(handle);
  } catch {
    value = null;
  } finally {
    handle.dispose();
  }
  if (value && typeof value === "object" && "message" in value) {
    const e = value as { name?: unknown; message?: unknown };
    return { name: typeof e.name === "string" ? e.name : "Error", message: String(e.message) };
  }
  return value === null || value === undefined ? null : { name: "Error", message: typeof value === "string" ? value : JSON.stringify(value) };
}

function run(message: RunMessage): void {
  const limits: Pick<Limits, "maxLines" | "maxVariables" | "maxVariableBytes"> = message.limits;
  const current: Job = { ctx: null as unknown as JobContext, lines: 0, maxLines: limits.maxLines, batch: [], stop: false };
  current.ctx = new JobContext({ variables: message.variables, automatic: message.automatic, limits: message.limits as Limits }, (line) => {
    current.lines += splitLines(line.text).length;
    current.batch.push(line);
    // Past the limit the main thread drops what follows; stop producing it.
    if (current.lines > current.maxLines) current.stop = true;
    if (current.batch.length >= 500) flushLines();
  });
  job = current;
  exhausted = false;
  runtime.setMemoryLimit(memoryMb * 1024 * 1024);
  runtime.setMaxStackSize(message.limits.stackKb * 1024);
  let outOfMemory = false;
  let error: Thrown | null = null;
  const fail = (handle: QuickJSHandle) => {
    const e = thrown(handle);
    if (e === null || /out of memory/i.test(e.message)) outOfMemory = true;
    else error = e;
  };
  try {
    const result = vm.evalCode(message.code, message.label, { type: "global" });
    if (result.error) fail(result.error);
    else {
      result.value.dispose();
      const pending = runtime.executePendingJobs();
      if (pending.error) fail(pending.error);
    }
  } catch (e) {
    // The engine itself gave up (its allocator or stack): treat as out of memory.
    outOfMemory = true;
    error = { name: "InternalError", message: e instanceof Error ? e.message : String(e) };
  }
  const interrupted = current.stop || Atomics.load(flags, CANCEL) !== 0;
  outOfMemory ||= exhausted;
  if (outOfMemory) {
    current.ctx.error(`The job exceeded its memory limit of ${memoryMb} MB.`);
    current.ctx.raise(1016);
  } else if (error !== null && !(interrupted && (error as Thrown).message === "interrupted")) {
    current.ctx.error(`Uncaught ${(error as Thrown).name}: ${(error as Thrown).message}`);
    current.ctx.raise(1012);
  }
  flushLines();
  job = null;
  post({ type: "done", outcome: { ...current.ctx.outcome(), ...(outOfMemory ? { lostState: true } : {}) }, outOfMemory });
}

port.on("message", (message: RunMessage) => {
  if (message.type === "run") run(message);
});
post({ type: "ready" });

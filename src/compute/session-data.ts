import { createHash, randomBytes } from "node:crypto";
import type { FamilyRecords } from "../core/records.js";
import { uuidv7 } from "../core/ids.js";
import type { FamilyRecord, JsonObject } from "../core/types.js";
import { type AreaEntry, type JobResult, type WorkArea, WorkAreaError } from "./types.js";

/**
 * A compute session's data in the store (family records, no host files): its work
 * area (files and filerefs), variables and results. Every node reads the same, and all
 * of it goes with the session.
 */

const NS = { files: "files", filerefs: "filerefs", variables: "variables", results: "results" } as const;
const MAX_PATH = 1024;

/** An area path (`/a/b`) from `/`- or `\`-separated segments, `.` and `..` resolved; null when it leaves the area. */
export function areaPath(raw: string): string | null {
  if (raw === "" || raw.length > MAX_PATH || raw.includes("\0")) return null;
  const parts: string[] = [];
  for (const segment of raw.split(/[\\/]/)) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(segment);
  }
  return parts.length === 0 ? null : `/${parts.join("/")}`;
}

const generation = () => randomBytes(9).toString("base64url");

export interface Fileref {
  name: string;
  path: string;
  accessMethod: "DISK" | "TEMP";
  assignedAt: number;
  gen: string;
}

export interface FileInfo {
  size: number;
  modifiedAt: number;
  gen: string;
}

export interface StoredResult {
  id: string;
  name: string;
  type: "ODS" | "FILE";
  mediaType: string;
  jobId: string | null;
  createdAt: number;
}

export class VariableLimitError extends Error {}

export class SessionData implements WorkArea {
  constructor(
    private readonly records: FamilyRecords,
    readonly sessionId: string,
    private readonly limits: () => { workAreaBytes: number; maxVariables: number; maxVariableBytes: number },
    private readonly clock: () => number,
  ) {}

  private key(rest = ""): string {
    return `${this.sessionId}/${rest}`;
  }

  private async all(ns: string): Promise<FamilyRecord[]> {
    const out: FamilyRecord[] = [];
    for (;;) {
      const page = await this.records.list(ns, { sessionId: this.sessionId, prefix: this.key(), after: out.at(-1)?.key, limit: 500 });
      out.push(...page);
      if (page.length < 500) return out;
    }
  }

  // Files ------------------------------------------------------------------

  private fileKey(path: string): string {
    return this.key(`file${path}`);
  }

  private static info(r: FamilyRecord): FileInfo {
    return { size: r.blob?.byteLength ?? 0, modifiedAt: r.updatedAt, gen: String(r.doc.gen) };
  }

  async stat(path: string): Promise<AreaEntry | null> {
    const file = await this.fileInfo(path);
    if (file) return { kind: "file", size: file.size, modifiedAt: file.modifiedAt };
    if (path === "/") return { kind: "directory" };
    const under = await this.records.list(NS.files, { sessionId: this.sessionId, prefix: this.fileKey(`${path}/`), limit: 1 });
    return under.length > 0 ? { kind: "directory" } : null;
  }

  async fileInfo(path: string): Promise<FileInfo | null> {
    const r = await this.records.get(NS.files, this.fileKey(path));
    return r ? SessionData.info(r) : null;
  }

  async read(path: string): Promise<Uint8Array | null> {
    return (await this.file(path))?.content ?? null;
  }

  /** The file's bytes and its info, from one read; null when there is no file. */
  async file(path: string): Promise<{ content: Uint8Array; info: FileInfo } | null> {
    const r = await this.records.get(NS.files, this.fileKey(path));
    return r?.blob ? { content: r.blob, info: SessionData.info(r) } : null;
  }

  /**
   * Writes the file as a compare-and-set on the version it read; `guard` sees the file as
   * read (a precondition such as If-Match belongs there, not before). Returns the file written.
   */
  async write(path: string, data: Uint8Array, mode: "replace" | "append", guard?: (file: FileInfo | null) => void): Promise<FileInfo> {
    const current = await this.records.get(NS.files, this.fileKey(path));
    guard?.(current ? SessionData.info(current) : null);
    const before = current?.blob ?? new Uint8Array(0);
    const next = mode === "append" ? Buffer.concat([before, data]) : data;
    const cap = this.limits().workAreaBytes;
    const used = await this.records.bytes(NS.files, this.sessionId);
    if (used - before.byteLength + next.byteLength > cap) {
      throw new WorkAreaError("cap", `The work area limit of ${cap} bytes would be exceeded.`);
    }
    const written = await this.records.put(NS.files, this.fileKey(path), { path, gen: generation() }, {
      sessionId: this.sessionId,
      blob: next,
      ...(current ? { expectedVersion: current.version } : { expectedVersion: null }),
    });
    return SessionData.info(written);
  }

  async remove(path: string): Promise<void> {
    await this.records.delete(NS.files, this.fileKey(path));
  }

  usedBytes(): Promise<number> {
    return this.records.bytes(NS.files, this.sessionId);
  }

  // Filerefs ---------------------------------------------------------------

  async filerefs(): Promise<Fileref[]> {
    return (await this.all(NS.filerefs)).map((r) => r.doc as unknown as Fileref);
  }

  async fileref(name: string): Promise<Fileref | null> {
    const r = await this.records.get(NS.filerefs, this.key(name.toUpperCase()));
    return r ? (r.doc as unknown as Fileref) : null;
  }

  async assign(ref: string, path: string | null, method: "DISK" | "TEMP"): Promise<void> {
    const name = ref.toUpperCase();
    if (path === null && method === "DISK") return this.deassign(name);
    const resolved = areaPath(path ?? `/.temp/${name}`);
    if (resolved === null) throw new WorkAreaError("path", `Invalid path: ${path}.`);
    const previous = await this.fileref(name);
    if (previous?.accessMethod === "TEMP" && previous.path !== resolved) await this.remove(previous.path);
    const doc: Fileref = { name, path: resolved, accessMethod: method, assignedAt: this.clock(), gen: generation() };
    await this.records.put(NS.filerefs, this.key(name), doc as unknown as JsonObject, { sessionId: this.sessionId });
  }

  /** Removes an assignment; a TEMP fileref's file goes with it. */
  async deassign(ref: string): Promise<void> {
    const current = await this.fileref(ref);
    if (!current) return;
    await this.records.delete(NS.filerefs, this.key(current.name));
    if (current.accessMethod === "TEMP") await this.remove(current.path);
  }

  async resolve(ref: string): Promise<string | null> {
    return (await this.fileref(ref))?.path ?? null;
  }

  /** An opaque tag that changes with the assignment and with the file (`file`, as read). */
  tagOf(ref: Fileref, file: FileInfo | null): string {
    return createHash("sha256").update(`${ref.gen}:${file?.gen ?? "-"}`).digest("base64url").slice(0, 27);
  }

  // Variables --------------------------------------------------------------

  async variables(): Promise<Record<string, string>> {
    const r = await this.records.get(NS.variables, this.key("vars"));
    return { ...((r?.doc.vars as Record<string, string> | undefined) ?? {}) };
  }

  /** Merges variables in and removes `removed`; throws VariableLimitError past the session's limits. */
  async setVariables(values: Record<string, string>, removed: readonly string[] = []): Promise<void> {
    if (Object.keys(values).length === 0 && removed.length === 0) return;
    const { maxVariables, maxVariableBytes } = this.limits();
    for (let attempt = 0; ; attempt += 1) {
      const r = await this.records.get(NS.variables, this.key("vars"));
      const vars = { ...((r?.doc.vars as Record<string, string> | undefined) ?? {}), ...values };
      for (const name of removed) delete vars[name];
      const entries = Object.entries(vars);
      if (entries.length > maxVariables) throw new VariableLimitError(`The session already has ${maxVariables} variables.`);
      if (entries.reduce((n, [k, v]) => n + k.length + v.length, 0) > maxVariableBytes) {
        throw new VariableLimitError(`The session variables would exceed their limit of ${maxVariableBytes} bytes.`);
      }
      try {
        await this.records.put(NS.variables, this.key("vars"), { vars }, { sessionId: this.sessionId, expectedVersion: r ? r.version : null });
        return;
      } catch (e) {
        if (attempt >= 5) throw e;
      }
    }
  }

  // Results ----------------------------------------------------------------

  async addResults(jobId: string | null, results: JobResult[], now: number): Promise<void> {
    for (const result of results) {
      const id = uuidv7(now);
      const doc: StoredResult = { id, name: result.name, type: result.type, mediaType: result.mediaType, jobId, createdAt: now };
      await this.records.put(NS.results, this.key(id), doc as unknown as JsonObject, { sessionId: this.sessionId, blob: result.content });
    }
  }

  async results(): Promise<StoredResult[]> {
    return (await this.all(NS.results)).map((r) => r.doc as unknown as StoredResult);
  }

  async result(id: string): Promise<{ result: StoredResult; content: Uint8Array } | null> {
    const r = await this.records.get(NS.results, this.key(id.toLowerCase()));
    return r ? { result: r.doc as unknown as StoredResult, content: r.blob ?? new Uint8Array(0) } : null;
  }

  // All --------------------------------------------------------------------

  /** Drops the work area, filerefs, variables and results (the session has ended). */
  async drop(): Promise<void> {
    for (const ns of Object.values(NS)) {
      for (const r of await this.all(ns)) await this.records.delete(ns, r.key);
    }
  }
}

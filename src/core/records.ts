import type { RecordList, Store } from "./store.js";
import { checkDepth } from "./json-depth.js";
import type { FamilyRecord, JsonObject } from "./types.js";

/**
 * A family's own data, kept by the store under namespaces that start with the family's
 * name (`roundware.languages`, `sas.filerefs`). Rules about that data stay in the
 * family; this only scopes it and stamps the time.
 */
export class FamilyRecords {
  constructor(
    private readonly store: Store,
    private readonly family: string,
    private readonly clock: () => number,
    private readonly jsonDepth: number,
  ) {}

  private ns(name: string): string {
    return `${this.family}.${name}`;
  }

  async put(
    name: string,
    key: string,
    doc: JsonObject,
    opts: { sessionId?: string | null; blob?: Uint8Array | null; expectedVersion?: number | null } = {},
  ): Promise<FamilyRecord> {
    checkDepth(doc, this.jsonDepth, "/doc");
    return this.store.putRecord(
      { namespace: this.ns(name), key, sessionId: opts.sessionId ?? null, doc, ...(opts.blob !== undefined ? { blob: opts.blob } : {}) },
      opts.expectedVersion,
      this.clock(),
    );
  }

  get(name: string, key: string): Promise<FamilyRecord | null> {
    return this.store.getRecord(this.ns(name), key);
  }

  list(name: string, list: RecordList): Promise<FamilyRecord[]> {
    return this.store.listRecords(this.ns(name), list);
  }

  delete(name: string, key: string, expectedVersion?: number): Promise<boolean> {
    return this.store.deleteRecord(this.ns(name), key, expectedVersion);
  }

  bytes(name: string, sessionId: string): Promise<number> {
    return this.store.recordBytes(this.ns(name), sessionId);
  }
}

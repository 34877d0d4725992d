import { isCoreError } from "../../core/errors.js";
import type { FamilyRecords } from "../../core/records.js";
import type { FamilyRecord } from "../../core/types.js";

export interface Language {
  id: number;
  name: string;
  language_code: string;
}

/** What a language write was refused for; the routes turn each into its field error. */
export type LanguageRefusal = "code-taken" | "id-taken" | "not-found" | "in-use";

export class LanguageRefused extends Error {
  constructor(readonly reason: LanguageRefusal) {
    super(reason);
  }
}

const LANGUAGES = "languages";
const CODES = "language-codes";
const META = "meta";
const ENGLISH: Language = { id: 1, name: "English", language_code: "en" };

/** Record keys sort as text, so ids are padded for the list to come out in id order. */
const key = (id: number) => String(id).padStart(16, "0");
const fromRecord = (r: FamilyRecord): Language => ({ id: Number(r.doc.id), name: String(r.doc.name), language_code: String(r.doc.language_code) });

/**
 * Roundware languages, kept as family records: one record per language, one index
 * record per code (inserted only if absent, which makes codes unique on every node) and
 * a counter for new ids (compare-and-set). The index is written before the language and
 * removed after it, so a crash can leave a stale index entry but never a duplicate
 * code; stale entries are recognised (the language they name has another code) and
 * reclaimed.
 */
export class Languages {
  constructor(private readonly records: FamilyRecords) {}

  /** Language 1 = en "English" on a fresh install; idempotent, safe when nodes start together. */
  async seed(): Promise<void> {
    if (await this.records.get(META, "seeded")) return;
    await this.insertOnly(CODES, ENGLISH.language_code, { id: ENGLISH.id });
    await this.insertOnly(LANGUAGES, key(ENGLISH.id), { ...ENGLISH });
    await this.insertOnly(META, "seeded", { at: "init" });
  }

  private async insertOnly(name: string, k: string, doc: FamilyRecord["doc"]): Promise<boolean> {
    try {
      await this.records.put(name, k, doc, { expectedVersion: null });
      return true;
    } catch (e) {
      if (isCoreError(e, "already-exists")) return false;
      throw e;
    }
  }

  async get(id: number): Promise<Language | null> {
    const r = await this.records.get(LANGUAGES, key(id));
    return r ? fromRecord(r) : null;
  }

  /** The language with exactly this code (case-sensitive). */
  async byCode(code: string): Promise<Language | null> {
    const index = await this.records.get(CODES, code);
    if (!index) return null;
    const language = await this.get(Number(index.doc.id));
    return language && language.language_code === code ? language : null;
  }

  /** The language of `en`, else language 1. */
  async defaultLanguage(): Promise<Language | null> {
    return (await this.byCode(ENGLISH.language_code)) ?? (await this.get(ENGLISH.id));
  }

  async list(): Promise<Language[]> {
    const out: Language[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.records.list(LANGUAGES, { limit: 500, ...(after !== undefined ? { after } : {}) });
      out.push(...page.map(fromRecord));
      if (page.length < 500) return out;
      after = page[page.length - 1]!.key;
    }
  }

  /** Claims a code for a language id; a stale claim (its language has another code) is reclaimed. */
  private async claimCode(code: string, id: number): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      if (await this.insertOnly(CODES, code, { id })) return;
      const index = await this.records.get(CODES, code);
      if (!index) continue;
      const holder = await this.get(Number(index.doc.id));
      if (holder && holder.language_code === code && holder.id !== id) throw new LanguageRefused("code-taken");
      if (holder?.id === id) return;
      await this.deleteUnlessChanged(CODES, code, index.version);
    }
    throw new LanguageRefused("code-taken");
  }

  private async releaseCode(code: string, id: number): Promise<void> {
    const index = await this.records.get(CODES, code);
    if (index && Number(index.doc.id) === id) await this.deleteUnlessChanged(CODES, code, index.version);
  }

  /** A record that changed meanwhile belongs to someone else's write now: leave it. */
  private async deleteUnlessChanged(name: string, k: string, version: number): Promise<void> {
    try {
      await this.records.delete(name, k, version);
    } catch (e) {
      if (!isCoreError(e, "version-conflict")) throw e;
    }
  }

  /** The next free id from the counter (compare-and-set), past any id given explicitly. */
  private async nextId(): Promise<number> {
    for (;;) {
      const counter = await this.records.get(META, "next-id");
      const next = counter ? Number(counter.doc.next) : 2;
      try {
        await this.records.put(META, "next-id", { next: next + 1 }, { expectedVersion: counter ? counter.version : null });
      } catch (e) {
        if (isCoreError(e, "already-exists") || isCoreError(e, "version-conflict")) continue;
        throw e;
      }
      if (!(await this.records.get(LANGUAGES, key(next)))) return next;
    }
  }

  async create(input: { name: string; language_code: string; id?: number }): Promise<Language> {
    for (;;) {
      const id = input.id ?? (await this.nextId());
      if (input.id !== undefined && (await this.get(id))) throw new LanguageRefused("id-taken");
      await this.claimCode(input.language_code, id);
      const language: Language = { id, name: input.name, language_code: input.language_code };
      if (await this.insertOnly(LANGUAGES, key(id), { ...language })) return language;
      // The id was taken between the check and the write.
      await this.releaseCode(input.language_code, id);
      if (input.id !== undefined) throw new LanguageRefused("id-taken");
    }
  }

  async update(id: number, change: { name?: string; language_code?: string }): Promise<Language> {
    for (;;) {
      const current = await this.records.get(LANGUAGES, key(id));
      if (!current) throw new LanguageRefused("not-found");
      const before = fromRecord(current);
      const next: Language = { ...before, ...change };
      const newCode = next.language_code !== before.language_code;
      if (newCode) await this.claimCode(next.language_code, id);
      try {
        await this.records.put(LANGUAGES, key(id), { ...next }, { expectedVersion: current.version });
      } catch (e) {
        if (newCode) await this.releaseCode(next.language_code, id);
        if (isCoreError(e, "version-conflict")) continue;
        throw e;
      }
      if (newCode) await this.releaseCode(before.language_code, id);
      return next;
    }
  }

  /** Deletes a language unless `inUse` says it is needed (language 1 always is). */
  async delete(id: number, inUse: (id: number) => Promise<boolean>): Promise<void> {
    const current = await this.records.get(LANGUAGES, key(id));
    if (!current) throw new LanguageRefused("not-found");
    if (id === ENGLISH.id || (await inUse(id))) throw new LanguageRefused("in-use");
    if (!(await this.records.delete(LANGUAGES, key(id), current.version))) throw new LanguageRefused("not-found");
    await this.releaseCode(fromRecord(current).language_code, id);
  }
}

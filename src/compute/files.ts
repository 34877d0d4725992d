import { NAME } from "./job-context.js";
import { type WorkArea, WorkAreaError } from "./types.js";

/**
 * The file statements every executor offers (`filename`, `write`, `read`), over the
 * session's work area. Each returns the ERROR text of a refusal, or its value.
 */

function refused(e: unknown): string {
  if (e instanceof WorkAreaError) return e.message;
  throw e;
}

export async function assignFile(area: WorkArea, ref: string, path: string | null): Promise<string | null> {
  if (!NAME.test(ref)) return `Invalid fileref name: ${ref}.`;
  try {
    await area.assign(ref.toUpperCase(), path, "DISK");
    return null;
  } catch (e) {
    return refused(e);
  }
}

/** Appends `text` + LF to the fileref's file, assigning an unknown fileref as TEMP first. */
export async function writeFile(area: WorkArea, ref: string, text: string): Promise<string | null> {
  if (!NAME.test(ref)) return `Invalid fileref name: ${ref}.`;
  const name = ref.toUpperCase();
  try {
    let path = await area.resolve(name);
    if (path === null) {
      await area.assign(name, null, "TEMP");
      path = await area.resolve(name);
    }
    if (path === null) return `Fileref ${name} is not assigned.`;
    await area.write(path, new TextEncoder().encode(`${text}\n`), "append");
    return null;
  } catch (e) {
    return refused(e);
  }
}

/** The fileref's file as text; null when unassigned or absent. */
export async function readFile(area: WorkArea, ref: string): Promise<{ error: string } | { text: string | null }> {
  if (!NAME.test(ref)) return { error: `Invalid fileref name: ${ref}.` };
  try {
    const path = await area.resolve(ref.toUpperCase());
    const data = path === null ? null : await area.read(path);
    return { text: data === null ? null : new TextDecoder().decode(data) };
  } catch (e) {
    return { error: refused(e) };
  }
}

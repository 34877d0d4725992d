/**
 * How long a test waits for a condition before it calls it a failure. Generous on purpose:
 * a slow or busy machine only makes a wait longer, never a test fail; only a condition
 * that does not come at all (a real failure) reaches it.
 */
export const PATIENCE_MS = 30_000;

/**
 * Polls `check` until it returns a truthy value, and resolves with that value. A test
 * that depends on something happening waits for it here, never for a fixed time.
 */
export async function until<T>(what: string, check: () => T | Promise<T>, ms = PATIENCE_MS): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * An answer that should come at once comes within this, however busy the machine. Only
 * worth asserting against what takes far longer when it goes wrong (a 30 s sleep, a hang).
 */
export const PROMPT_MS = 10_000;

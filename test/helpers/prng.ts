/**
 * A small seeded generator (mulberry32), so a randomised test replays exactly from its
 * seed. Not for secrets.
 */
export interface Prng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** One of the entries, by weight. */
  weighted<T>(entries: readonly (readonly [number, T])[]): T;
  /** A new generator whose sequence depends only on this seed and `salt`. */
  fork(salt: number): Prng;
}

export function prng(seed: number): Prng {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: (items) => items[int(items.length)]!,
    weighted(entries) {
      const total = entries.reduce((sum, [w]) => sum + w, 0);
      let at = next() * total;
      for (const [w, item] of entries) {
        if (at < w) return item;
        at -= w;
      }
      return entries[entries.length - 1]![1];
    },
    fork: (salt) => prng(Math.imul(seed ^ 0x9e3779b9, 31) + Math.imul(salt, 0x85ebca6b)),
  };
}

/** The seed of a randomised test: fixed, unless the named environment variable gives another. */
export function seedFrom(variable: string, fixed: number): number {
  const given = process.env[variable];
  if (given === undefined || given === "") return fixed;
  const n = Number(given);
  if (!Number.isInteger(n)) throw new Error(`${variable} must be an integer, got ${given}`);
  return n;
}

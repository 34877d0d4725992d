/**
 * The largest numbers kept from a client, in one place: each fits the narrowest column
 * that stores it (4-byte integers in PostgreSQL), a Date, and a timer. Every API bounds
 * its input by these, so no number overflows on the way in or on the way out.
 */

/** A 4-byte integer column: versions, counts, positions, ids chosen by clients. */
export const MAX_INT32 = 2_147_483_647;

/** An inactivity timeout: a year. */
export const MAX_TIMEOUT_SECONDS = 31_536_000;

/** The lifetime of an API token: ten years. */
export const MAX_TOKEN_SECONDS = 10 * MAX_TIMEOUT_SECONDS;

/**
 * A delay Node's timers can wait: one longer than 2^31−1 ms fires at once. Longer waits
 * wait that long (24.8 days) instead; the caller's own limits end them sooner.
 */
export const timerDelay = (ms: number): number => Math.min(Math.max(0, ms), MAX_INT32);

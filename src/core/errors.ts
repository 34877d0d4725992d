/**
 * Typed errors of the core. Each API family maps a `kind` to its own wire format;
 * the core never speaks HTTP.
 */

export type ErrorKind =
  | "invalid"
  | "not-found"
  | "forbidden"
  | "unauthenticated"
  | "version-conflict"
  | "precondition-failed"
  | "session-full"
  | "team-full"
  | "not-joinable"
  | "wrong-password"
  | "already-exists"
  | "conflict"
  | "too-many"
  | "unavailable";

export interface FieldError {
  /** JSON pointer into the request, e.g. `/capacity`. */
  pointer: string;
  detail: string;
}

export class CoreError extends Error {
  readonly kind: ErrorKind;
  readonly fields: FieldError[];

  constructor(kind: ErrorKind, message: string, fields: FieldError[] = []) {
    super(message);
    this.name = "CoreError";
    this.kind = kind;
    this.fields = fields;
  }
}

export const invalid = (message: string, fields: FieldError[] = []) => new CoreError("invalid", message, fields);
export const notFound = (what = "session") => new CoreError("not-found", `No such ${what}.`);
export const forbidden = (message = "You may not do this.") => new CoreError("forbidden", message);

export function isCoreError(e: unknown, kind?: ErrorKind): e is CoreError {
  return e instanceof CoreError && (kind === undefined || e.kind === kind);
}

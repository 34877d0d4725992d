import type { Problem } from "./types.js";

/**
 * Why a call failed: `http` — the server answered with a problem (see `status` and
 * `problem`); `unreachable` — no answer (refused, DNS, timeout); `not-sessionhub` — an
 * answer, but not one a sessionhub server gives (the URL points elsewhere).
 */
export type FailureKind = "http" | "unreachable" | "not-sessionhub";

export class SessionHubError extends Error {
  override readonly name = "SessionHubError";

  constructor(
    message: string,
    readonly kind: FailureKind,
    /** The HTTP status, when there was an answer. */
    readonly status: number | null = null,
    /** The server's RFC 9457 problem details, for `http` failures. */
    readonly problem: Problem | null = null,
  ) {
    super(message);
  }
}

/** `404 Not found: No session 12.` and one line per field error. */
export function describeProblem(p: Problem): string {
  const fields = p.errors?.map((f) => `\n  ${f.pointer}: ${f.detail}`).join("") ?? "";
  return `${p.status} ${p.title}: ${p.detail}${fields}`;
}

const isProblem = (body: unknown): body is Problem =>
  typeof body === "object" && body !== null && typeof (body as Problem).title === "string" && typeof (body as Problem).status === "number";

/** The error for an answer that is not a success: the server's problem, or a sign that this is not sessionhub. */
export function failureOf(url: string, status: number, contentType: string, body: unknown): SessionHubError {
  if (isProblem(body)) return new SessionHubError(describeProblem(body), "http", status, body);
  return notSessionhub(url, status, contentType);
}

export function notSessionhub(url: string, status: number, contentType: string): SessionHubError {
  return new SessionHubError(
    `${url} did not answer as a sessionhub server (HTTP ${status}, ${contentType.split(";")[0] || "no content type"}); check the URL.`,
    "not-sessionhub",
    status,
  );
}

/** `Cannot reach http://…: connect ECONNREFUSED 127.0.0.1:1`. */
export function unreachable(url: string, e: unknown): SessionHubError {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  const why = err.name === "TimeoutError" ? "no answer in time" : (err.cause?.message ?? err.cause?.code ?? err.message);
  return new SessionHubError(`Cannot reach ${url}: ${why}`, "unreachable");
}

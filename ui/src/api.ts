/**
 * The console's only way to the server: the native API with the operator's token in the
 * Authorization header (never in a URL), problem+json errors turned into ApiError.
 */

const TOKEN_KEY = "sessionhub.token";
export const API = "/api/v1";

let token = sessionStorage.getItem(TOKEN_KEY) ?? "";

export const currentToken = () => token;

export function rememberToken(value: string | null): void {
  token = value ?? "";
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(detail);
  }
}

export const authHeaders = (): Record<string, string> => ({ authorization: `Bearer ${token}` });

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(API + path, {
    method,
    headers: { ...authHeaders(), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    throw new ApiError(res.status, `The server answered ${res.status} with something that is not JSON.`);
  }
  if (!res.ok) {
    const problem = data as { detail?: string; errors?: { pointer: string; detail: string }[] } | null;
    const fields = problem?.errors?.map((e) => `${e.pointer}: ${e.detail}`).join("; ");
    throw new ApiError(res.status, [problem?.detail ?? `HTTP ${res.status}`, fields].filter(Boolean).join(" — "));
  }
  return data as T;
}

/** A query string from the defined, non-empty values. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

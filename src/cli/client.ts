/**
 * The CLI's HTTP client for the native API. Errors are the server's problem details,
 * printed as `status title: detail`.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export interface ClientOptions {
  url: string;
  token: string | undefined;
}

export class NativeClient {
  constructor(readonly options: ClientOptions) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    if (!this.options.token) throw new CliError("No token: pass --token or set SESSIONHUB_TOKEN.", 2);
    const url = new URL(`/api/v1${path}`, this.options.url);
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          accept: "application/json",
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new CliError(`Cannot reach ${this.options.url}: ${(e as Error).cause ?? (e as Error).message}`);
    }
    const text = await res.text();
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (!res.ok) {
      const p = (parsed ?? {}) as { title?: string; detail?: string; errors?: { pointer: string; detail: string }[] };
      const fields = p.errors?.map((f) => `\n  ${f.pointer}: ${f.detail}`).join("") ?? "";
      throw new CliError(`${res.status} ${p.title ?? res.statusText}: ${p.detail ?? text}${fields}`);
    }
    return parsed as T;
  }
}

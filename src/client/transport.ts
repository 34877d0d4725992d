import type { Static } from "typebox";
import type * as Schemas from "../api/native/schemas.js";
import { failureOf, notSessionhub, unreachable } from "./errors.js";
import type { Route, SchemaName } from "./routes.js";

/** What a route answers, typed by its response schema. */
export type Answer<R extends Route> = R extends { response: infer N extends SchemaName } ? Static<(typeof Schemas)[N]> : void;
/** What a route takes as its body and query, typed by their schemas. */
type Body<R extends Route> = R extends { body: infer N extends SchemaName } ? Static<(typeof Schemas)[N]> : never;
type Query<R extends Route> = R extends { query: infer N extends SchemaName } ? Static<(typeof Schemas)[N]> : never;

export interface TransportOptions {
  /** The server's base URL, e.g. `http://127.0.0.1:8080` (a path prefix behind a proxy is kept). */
  url: string;
  /** An API token or a JWT, sent as `Authorization: Bearer …`. */
  token?: string;
  /** Per request, except event streams; default 30 s. */
  timeoutMs?: number;
}

export interface CallInit<R extends Route> {
  params?: Record<string, string | number>;
  query?: Query<R>;
  body?: Body<R>;
  headers?: Record<string, string>;
}

const JSON_TYPE = /^application\/(problem\+)?json\b/i;

/** Query parameters from an object: undefined and null are left out, everything else is its string form. */
function queryString(query: object | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined && value !== null) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** The native API over fetch: one JSON request, one typed answer or a SessionHubError. */
export class Transport {
  readonly url: string;
  private readonly token: string | undefined;
  private readonly timeoutMs: number;

  constructor(options: TransportOptions) {
    const base = new URL(options.url);
    if (base.protocol !== "http:" && base.protocol !== "https:") throw new TypeError(`url must be http:// or https://, got ${options.url}`);
    this.url = base.href.replace(/\/+$/, "");
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** The absolute URL of a route with its path parameters and query filled in. */
  href<R extends Route>(route: R, init: Pick<CallInit<R>, "params" | "query"> = {}): string {
    const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = init.params?.[name];
      if (value === undefined || value === "") throw new TypeError(`${route.method} ${route.path}: missing ${name}`);
      return encodeURIComponent(String(value));
    });
    return `${this.url}/api/v1${path}${queryString(init.query as object | undefined)}`;
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...extra };
  }

  async call<R extends Route>(route: R, init: CallInit<R> = {}): Promise<Answer<R>> {
    const href = this.href(route, init);
    let res: Response;
    try {
      res = await fetch(href, {
        method: route.method,
        headers: this.headers({
          accept: "application/json",
          ...(init.body !== undefined ? { "content-type": "application/json" } : {}),
          ...init.headers,
        }),
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw unreachable(this.url, e);
    }
    const contentType = res.headers.get("content-type") ?? "";
    const text = await res.text().catch((e: unknown) => {
      throw unreachable(this.url, e);
    });
    let body: unknown;
    if (text !== "") {
      if (!JSON_TYPE.test(contentType)) throw notSessionhub(this.url, res.status, contentType);
      try {
        body = JSON.parse(text);
      } catch {
        throw notSessionhub(this.url, res.status, contentType);
      }
    }
    if (!res.ok) throw failureOf(this.url, res.status, contentType, body);
    if (route.response && body === undefined) throw notSessionhub(this.url, res.status, contentType);
    return body as Answer<R>;
  }
}

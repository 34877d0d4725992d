import type { IncomingHttpHeaders } from "node:http";
import type { AuthFailure, Scheme } from "../../auth/authenticate.js";
import type { WindowLimiter } from "../../auth/limiter.js";

/** What the edge knows of a request it answers itself, before or instead of a route. */
export interface EdgeRequest {
  method: string;
  /** The normalised path, or the best reading of a refused target. */
  path: string;
  /** The query string without its `?` ("" when there is none). */
  query: string;
  headers: IncomingHttpHeaders;
  requestId: string;
}

/** A complete answer: the edge writes it as is. An empty body sends no Content-Type. */
export interface EdgeAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * How one API is treated at the edge of a listener: which credentials it takes, whether
 * unknown paths are answered before authentication, and how its errors look. Every
 * request is matched to exactly one of these by listener and path prefix, and every
 * answer the edge gives for it — a refused target, oversized headers, a parser error,
 * missing credentials — is in that API's format.
 */
export interface ApiEdge {
  /** The API's name in logs and metrics. */
  name: string;
  /** Credentials it accepts; none means every route is public. */
  schemes: readonly Scheme[];
  /** true: an unknown path is authenticated first (401 before 404); false: 404 to anyone. */
  authenticateUnknownPaths: boolean;
  /** Methods answered without credentials on every path (OPTIONS, for APIs that answer it openly). */
  publicMethods?: readonly string[];
  /** Failed authentications per client address, limited: blocked clients get 429 before any check. */
  failureLimiter?: WindowLimiter;
  /** Whether it takes passwords (HTTP Basic, a login form): a listener serving it beyond loopback wants TLS. */
  takesPasswords: boolean;
  /** Bodies this API parses as JSON whatever their Content-Type says (true), or only JSON media types. */
  jsonWhateverContentType?: boolean;
  /** An error the edge raises (400, 408, 413, 414, 429, 431, 503…), in this API's format. */
  error(status: number, message: string, req: EdgeRequest): EdgeAnswer;
  /** Missing or bad credentials, in this API's format (401 body and challenge). */
  unauthenticated(failure: AuthFailure, req: EdgeRequest): EdgeAnswer;
}

/** A request answered without a route or before one: the body only if the method wants one. */
export function withoutBodyForHead(answer: EdgeAnswer, method: string): EdgeAnswer {
  return method === "HEAD" ? { ...answer, body: "" } : answer;
}

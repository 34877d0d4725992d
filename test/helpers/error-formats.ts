import assert from "node:assert/strict";

/**
 * Each API's error body, from its contract, and which API owns a request: the listener
 * and the path prefix decide (DESIGN §2, "the edge"). A validator returns null when the
 * answer is in its API's format, else why not.
 */

export type Api = "native" | "game" | "maxscale" | "sas" | "roundware";
export type Listener = "main" | "maxscale" | "roundware";

export interface Answered {
  method: string;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

function json(body: Buffer): { value?: unknown; error?: string } {
  try {
    return { value: JSON.parse(body.toString("utf8")) };
  } catch (e) {
    return { error: `not JSON (${(e as Error).message})` };
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const type = (a: Answered) => a.headers["content-type"] ?? "";
const bodiless = (a: Answered) => a.method === "HEAD" || a.body.length === 0;

/** native: RFC 9457 problem+json `{type, title, status, detail, …}`. */
function native(a: Answered): string | null {
  if (a.method === "HEAD") return null;
  if (!type(a).startsWith("application/problem+json")) return `content-type ${JSON.stringify(type(a))}, not application/problem+json`;
  const { value, error } = json(a.body);
  if (error) return error;
  if (!isObject(value)) return "not a JSON object";
  for (const key of ["type", "title", "detail"]) if (typeof value[key] !== "string") return `no string "${key}"`;
  if (value.status !== a.status) return `"status" ${JSON.stringify(value.status)} ≠ ${a.status}`;
  return null;
}

/** game: exactly `{code, status, message}`. */
function game(a: Answered): string | null {
  if (a.method === "HEAD") return null;
  if (!type(a).startsWith("application/json")) return `content-type ${JSON.stringify(type(a))}, not application/json`;
  const { value, error } = json(a.body);
  if (error) return error;
  if (!isObject(value)) return "not a JSON object";
  if (Object.keys(value).join() !== "code,status,message") return `keys ${Object.keys(value).join(",")}, not code,status,message`;
  if (typeof value.code !== "string" || typeof value.message !== "string") return "code or message not a string";
  if (value.status !== a.status) return `"status" ${JSON.stringify(value.status)} ≠ ${a.status}`;
  return null;
}

/** MaxScale: `{"errors":[{"detail":…}]}`, or no body where the original sends none (404, 412). */
function maxscale(a: Answered): string | null {
  if (bodiless(a)) return a.method === "HEAD" || a.status === 404 || a.status === 412 ? null : `an empty ${a.status}`;
  const { value, error } = json(a.body);
  if (error) return error;
  if (!isObject(value) || Object.keys(value).join() !== "errors" || !Array.isArray(value.errors) || value.errors.length === 0) return 'not {"errors":[…]}';
  for (const e of value.errors) if (!isObject(e) || Object.keys(e).join() !== "detail" || typeof e.detail !== "string") return 'an error object other than {"detail": string}';
  return null;
}

/** SAS: application/vnd.sas.error+json `{version, httpStatusCode, errorCode, message, details, …}`; 401 empty. */
function sas(a: Answered): string | null {
  if (a.method === "HEAD") return null;
  if (a.status === 401) return a.body.length === 0 ? null : "a 401 with a body";
  if (!type(a).startsWith("application/vnd.sas.error+json")) return `content-type ${JSON.stringify(type(a))}, not application/vnd.sas.error+json`;
  const { value, error } = json(a.body);
  if (error) return error;
  if (!isObject(value)) return "not a JSON object";
  const keys = Object.keys(value).slice(0, 5).join();
  if (keys !== "version,httpStatusCode,errorCode,message,details") return `keys ${Object.keys(value).join(",")}`;
  if (value.httpStatusCode !== a.status) return `httpStatusCode ${JSON.stringify(value.httpStatusCode)} ≠ ${a.status}`;
  if (typeof value.errorCode !== "number" || !Array.isArray(value.details) || !value.details.every((d) => typeof d === "string")) return "errorCode or details of the wrong type";
  return null;
}

/** Roundware: DRF `{"detail": …}`, or field errors `{"field": ["msg", …], …}`. */
function roundware(a: Answered): string | null {
  if (a.method === "HEAD") return null;
  if (!type(a).startsWith("application/json")) return `content-type ${JSON.stringify(type(a))}, not application/json`;
  const { value, error } = json(a.body);
  if (error) return error;
  if (!isObject(value) || Object.keys(value).length === 0) return "not a non-empty JSON object";
  if (Object.keys(value).join() === "detail") return typeof value.detail === "string" ? null : '"detail" not a string';
  for (const [k, v] of Object.entries(value)) {
    if (!Array.isArray(v) || v.length === 0 || !v.every((m) => typeof m === "string")) return `"${k}" is not a list of messages`;
  }
  return null;
}

export const ERROR_FORMATS: Record<Api, (a: Answered) => string | null> = { native, game, maxscale, sas, roundware };

/**
 * The path a router sees: percent-escapes of characters other than `/` decoded once
 * (an undecodable escape stays as sent), the query and any fragment dropped.
 */
export function routedPath(target: string): string {
  const path = target.split(/[?#]/, 1)[0]!;
  return path.replace(/%([0-9A-Fa-f]{2})/g, (all, hex: string) => {
    const code = parseInt(hex, 16);
    return code < 0x80 && code !== 0x2f ? String.fromCharCode(code) : all;
  });
}

const startsWithSegment = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

/** Paths of the house (health, metrics, documentation, admin page): no API's error format applies. */
export const HOUSE = ["/healthz", "/readyz", "/metrics", "/docs", "/admin"];

/** The API whose error format a request gets; null for the house's own paths. */
export function ownerOf(listener: Listener, target: string): Api | null {
  if (listener === "maxscale") return "maxscale";
  if (listener === "roundware") return "roundware";
  const path = routedPath(target);
  if (startsWithSegment(path, "/api/v1")) return "native";
  if (startsWithSegment(path, "/api/2")) return "roundware";
  if (startsWithSegment(path, "/v1")) return "maxscale";
  if (startsWithSegment(path, "/compute")) return "sas";
  if (HOUSE.some((h) => startsWithSegment(path, h))) return null;
  return "game";
}

/** Asserts an error answer: its status, and a body in the format of `api`. */
export function assertErrorFormat(api: Api, answer: Answered, status: number, context = ""): void {
  const where = `${context} → ${answer.status} ${answer.body.toString("utf8").slice(0, 200)}`;
  assert.equal(answer.status, status, where);
  const wrong = ERROR_FORMATS[api](answer);
  assert.equal(wrong, null, `${where}: ${wrong}`);
}

/** A fetch Response as the validators read it. */
export async function answered(method: string, res: Response): Promise<Answered> {
  return { method, status: res.status, headers: Object.fromEntries(res.headers), body: Buffer.from(await res.arrayBuffer()) };
}

import { ERROR_FORMATS, HOUSE, ownerOf, routedPath } from "../../helpers/error-formats.js";
import type { Outcome } from "../../helpers/raw-http.js";
import type { FuzzRequest } from "./generate.js";
import { SECRET } from "./world.js";

/** What went wrong with one request, in one of the classes the report groups by. */
export interface Failure {
  kind: string;
  request: FuzzRequest;
  status: number | null;
  body: string;
  note: string;
}

/** The path a lenient router could make of the target: dot segments and doubled slashes resolved. */
function normalised(target: string): string {
  const out: string[] = [];
  for (const seg of routedPath(target).split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  return `/${out.join("/")}`.toLowerCase();
}

/** Paths (and methods) any API answers without credentials; OPTIONS is left to CORS. */
function open(req: FuzzRequest): boolean {
  if (req.method.toUpperCase() === "OPTIONS") return true;
  const path = normalised(req.target.toString("latin1").replace(/^http:\/\/[^/]+/, ""));
  if (HOUSE.some((h) => path === h || path.startsWith(`${h}/`))) return req.listener === "main";
  if (path === "/api/v1/openapi.json") return req.listener === "main";
  if (["/api/2", "/api/2/login"].includes(path)) return req.listener !== "maxscale";
  if (path === "/api/2/users") return req.listener !== "maxscale" && req.method === "POST";
  return false;
}

const text = (b: Buffer) => b.subarray(0, 200).toString("latin1");

/** Every check of one answer: no 5xx, the owner's error format, no answer without credentials, no secret. */
export function check(req: FuzzRequest, outcome: Outcome): Failure[] {
  if (outcome.kind === "timeout") return [{ kind: "no answer in time (hang)", request: req, status: null, body: outcome.partial, note: `${outcome.ms} ms` }];
  if (outcome.kind === "dropped") return [{ kind: "connection closed without an answer", request: req, status: null, body: outcome.partial, note: outcome.error }];
  const res = outcome.response;
  const failures: Failure[] = [];
  const fail = (kind: string, note = "") => failures.push({ kind, request: req, status: res.status, body: text(res.body), note });
  if (res.status >= 500) fail("5xx");
  const target = req.target.toString("latin1").replace(/^http:\/\/[^/]+/, "");
  const owner = ownerOf(req.listener, target);
  if (res.status >= 400 && owner) {
    const why = ERROR_FORMATS[owner]({ method: req.method, status: res.status, headers: res.headers, body: res.body });
    if (why) fail("error body not in the owning API's format", `${owner}: ${why}`);
  }
  if (!req.authenticated && res.status < 400 && !open(req)) fail("answered without valid credentials");
  if (req.weakIfMatch && res.status < 300) fail("weak ETag accepted by If-Match");
  if (res.body.includes(SECRET)) fail("secret echoed in a response");
  return failures;
}

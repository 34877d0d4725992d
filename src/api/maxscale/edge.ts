import type { WindowLimiter } from "../../auth/limiter.js";
import type { ApiEdge, EdgeAnswer, EdgeRequest } from "../../http/edge/api.js";
import { SECURITY_HEADERS } from "./access.js";
import { booleanParam } from "./params.js";

const REALM = 'Basic realm="maxscale"';
const JSON_TYPE = "application/json; charset=utf-8";

/** `pretty` is on unless the query says one of MaxScale's false values. */
function pretty(query: string): boolean {
  const values = new URLSearchParams(query).getAll("pretty");
  return booleanParam(values.at(-1)) !== false;
}

function errors(status: number, detail: string, req: EdgeRequest, headers: Record<string, string> = {}): EdgeAnswer {
  const doc = { errors: [{ detail }] };
  const body = pretty(req.query) ? JSON.stringify(doc, null, 4) : JSON.stringify(doc);
  return { status, headers: { ...SECURITY_HEADERS, "content-type": JSON_TYPE, ...headers }, body };
}

/**
 * MaxScale at the edge: HTTP Basic (maxctrl) and sessionhub's tokens, failed attempts
 * limited per address; OPTIONS is open (browsers send preflights without credentials);
 * an unknown path is a body-less 404, as in the original, but only after credentials.
 */
export function maxscaleEdge(failures: WindowLimiter): ApiEdge {
  return {
    name: "maxscale",
    schemes: ["basic", "bearer", "token", "jwt"],
    authenticateUnknownPaths: true,
    takesPasswords: true,
    publicMethods: ["OPTIONS"],
    failureLimiter: failures,
    // maxctrl and curl users often send JSON without a Content-Type; it is parsed anyway.
    jsonWhateverContentType: true,
    error: (status, message, req) =>
      status === 404 ? { status, headers: { ...SECURITY_HEADERS }, body: "" } : errors(status, message.replace(/\.$/, ""), req),
    unauthenticated: (_failure, req) => {
      const xhr = String(req.headers["x-requested-with"] ?? "").toLowerCase() === "xmlhttprequest";
      return errors(401, "Access denied", req, xhr ? {} : { "www-authenticate": REALM });
    },
  };
}

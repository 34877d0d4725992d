import type { ApiEdge } from "../../http/edge/api.js";
import { ERROR_TYPE, SasError, errorBody } from "./errors.js";

const CHALLENGE = 'Bearer realm="sessionhub"';
const INVALID = `${CHALLENGE}, error="invalid_token", error_description="The access token is invalid or has expired."`;

/**
 * SAS Compute at the edge: bearer tokens (API tokens, JWTs) and HTTP Basic; every path
 * is authenticated first, unknown ones included (contract §5); a failure is a 401 with
 * an empty body and a Bearer challenge; other errors are SAS error documents.
 */
export const sasComputeEdge: ApiEdge = {
  name: "sas-compute",
  schemes: ["bearer", "token", "jwt", "basic"],
  authenticateUnknownPaths: true,
  takesPasswords: true,
  error: (status, message, req) => ({
    status,
    headers: { "content-type": ERROR_TYPE, "cache-control": "no-cache" },
    body: JSON.stringify(errorBody(new SasError(status, 9000 + status, message), req.path, req.requestId)),
  }),
  unauthenticated: (failure, req) => ({
    status: 401,
    headers: {
      "www-authenticate": failure === "missing" && req.headers.authorization === undefined ? CHALLENGE : INVALID,
      "cache-control": "no-cache",
    },
    body: "",
  }),
};

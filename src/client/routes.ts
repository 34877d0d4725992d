import type * as Schemas from "../api/native/schemas.js";

/** The name of one of the native API's schemas (src/api/native/schemas.ts). */
export type SchemaName = keyof typeof Schemas;

/**
 * One operation of the native API as the client calls it: the path under /api/v1 in the
 * OpenAPI document's form, and the schemas of what is sent and answered. The client's
 * types come from these schemas (see types.ts), and a test checks each entry against
 * /api/v1/openapi.json, so the client cannot drift from the server.
 */
export interface Route {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: string;
  query?: SchemaName;
  body?: SchemaName;
  /** The schema of the success answer; none for 204. */
  response?: SchemaName;
  status: number;
}

export const ROUTES = {
  listSessions: { method: "GET", path: "/sessions", query: "ListSessionsQuery", response: "SessionList", status: 200 },
  createSession: { method: "POST", path: "/sessions", body: "CreateSession", response: "Session", status: 201 },
  getSession: { method: "GET", path: "/sessions/{id}", response: "Session", status: 200 },
  updateSession: { method: "PATCH", path: "/sessions/{id}", body: "PatchSession", response: "Session", status: 200 },
  deleteSession: { method: "DELETE", path: "/sessions/{id}", status: 204 },
  endSession: { method: "POST", path: "/sessions/{id}/end", body: "EndSession", response: "Session", status: 200 },
  heartbeat: { method: "POST", path: "/sessions/{id}/heartbeat", response: "Heartbeat", status: 200 },
  listMembers: { method: "GET", path: "/sessions/{id}/members", response: "MemberList", status: 200 },
  join: { method: "POST", path: "/sessions/{id}/members", body: "Join", response: "Session", status: 201 },
  leave: { method: "DELETE", path: "/sessions/{id}/members/{userId}", status: 204 },
  readLog: { method: "GET", path: "/sessions/{id}/log", query: "LogQuery", response: "LogPage", status: 200 },
  appendLog: { method: "POST", path: "/sessions/{id}/log", body: "AppendLog", response: "LogAppended", status: 201 },
  events: { method: "GET", path: "/events", query: "EventsQuery", response: "Event", status: 200 },
  listServices: { method: "GET", path: "/services", response: "ServiceList", status: 200 },
  createService: { method: "POST", path: "/services", body: "CreateService", response: "Service", status: 201 },
  getService: { method: "GET", path: "/services/{id}", response: "Service", status: 200 },
  updateService: { method: "PATCH", path: "/services/{id}", body: "PatchService", response: "Service", status: 200 },
  deleteService: { method: "DELETE", path: "/services/{id}", query: "ForceQuery", status: 204 },
  me: { method: "GET", path: "/me", response: "Me", status: 200 },
  createToken: { method: "POST", path: "/tokens", body: "CreateToken", response: "IssuedToken", status: 201 },
  listTokens: { method: "GET", path: "/tokens", query: "TokenListQuery", response: "TokenList", status: 200 },
  revokeToken: { method: "DELETE", path: "/tokens/{id}", status: 204 },
  listUsers: { method: "GET", path: "/users", response: "UserList", status: 200 },
  createUser: { method: "POST", path: "/users", body: "CreateUser", response: "User", status: 201 },
  getUser: { method: "GET", path: "/users/{id}", response: "User", status: 200 },
  updateUser: { method: "PATCH", path: "/users/{id}", body: "PatchUser", response: "User", status: 200 },
  deleteUser: { method: "DELETE", path: "/users/{id}", status: 204 },
} as const satisfies Record<string, Route>;

import type { Api } from "../../helpers/error-formats.js";
import type { Prng } from "../../helpers/prng.js";
import { HOLE } from "./hostile.js";
import { gameQuery, maxscaleQuery, nativeQuery, roundwareQuery, sasQuery } from "./queries.js";
import type { World } from "./world.js";

/**
 * Every route of every API, each with a body a client of it would send (a field of which
 * the generator may swap for a hostile value: `HOLE`) and the list syntax it takes. Paths
 * are relative to the API's prefix; `:x` placeholders are filled by `fillers`.
 */
export interface Route {
  api: Api;
  method: string;
  path: string;
  body?: (r: Prng, w: World) => Record<string, unknown>;
  query?: (r: Prng) => string;
  /** The route answers a weak or stale `If-Match` with an error, never with a change. */
  ifMatch?: boolean;
  /** Methods and paths that need no credentials. */
  open?: boolean;
  /** Writes only an administrator may make, kept to spare resources. */
  admin?: boolean;
  weight?: number;
}

const user = (r: Prng, w: World) => r.pick(w.principals).user;
const maybe = (r: Prng, v: unknown) => (r.chance(0.6) ? v : undefined);
const hole = (r: Prng, v: unknown) => (r.chance(0.15) ? HOLE : v);

function compact(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

const nativeSession = (r: Prng, w: World) =>
  compact({
    serviceId: hole(r, r.pick(w.services)),
    name: maybe(r, hole(r, `fz-${r.int(1000)}`)),
    visibility: maybe(r, hole(r, r.pick(["public", "private"]))),
    capacity: maybe(r, hole(r, r.pick([1, 2, 5, null]))),
    invited: maybe(r, hole(r, [user(r, w)])),
    status: maybe(r, hole(r, r.pick(["lobby", "closed", null]))),
    attributes: maybe(r, hole(r, { color: r.pick(["red", "blue"]), n: r.int(10), nested: { deep: hole(r, [1]) } })),
    inactiveTimeoutSeconds: maybe(r, hole(r, r.pick([0, 60, 3600]))),
    password: r.chance(0.02) ? "pw-room" : undefined,
    client: maybe(r, hole(r, { userAgent: "fuzz", address: "192.0.2.1", port: 1 })),
  });

const gameSession = (r: Prng, w: World) =>
  compact({
    numTeams: maybe(r, hole(r, r.pick([0, 1, 2, 3]))),
    teamSize: maybe(r, hole(r, r.pick([0, 1, 2, 5]))),
    visibility: maybe(r, hole(r, r.pick(["", "public", "private", "PUBLIC"]))),
    status: maybe(r, hole(r, r.pick(["lobby", "in-game", "closed"]))),
    data: maybe(r, hole(r, { map: "harbor", level: r.int(5) })),
    invited: maybe(r, hole(r, [user(r, w)])),
    users: maybe(r, hole(r, r.pick([[], [user(r, w)]]))),
    hostUid: maybe(r, hole(r, r.pick(["", user(r, w)]))),
    teams: r.chance(0.1) ? hole(r, [{ id: 0, members: [user(r, w)] }]) : undefined,
    password: r.chance(0.02) ? "pw-room" : undefined,
    version: maybe(r, hole(r, r.int(4))),
  });

const roundwareSession = (r: Prng, w: World) =>
  compact({
    project_id: hole(r, r.pick([...w.projects, 999, "1"])),
    client_system: hole(r, "fuzz"),
    client_type: maybe(r, hole(r, "web")),
    timezone: maybe(r, hole(r, r.pick(["-0800", "0000", "PST"]))),
    language: maybe(r, hole(r, r.pick(["en", "es-MX", "xx"]))),
    language_id: maybe(r, hole(r, r.pick([1, "1", 99]))),
    geo_listen_enabled: maybe(r, hole(r, r.pick([true, "yes", "maybe"]))),
    demo_stream_enabled: maybe(r, hole(r, false)),
  });

const N = "native";
const G = "game";
const M = "maxscale";
const S = "sas";
const R = "roundware";

export const ROUTES: Route[] = [
  // native /api/v1
  { api: N, method: "GET", path: "/me" },
  { api: N, method: "GET", path: "/sessions", query: nativeQuery, weight: 4 },
  { api: N, method: "POST", path: "/sessions", body: nativeSession, weight: 4 },
  { api: N, method: "GET", path: "/sessions/:nid", weight: 2 },
  { api: N, method: "PATCH", path: "/sessions/:nid", ifMatch: true, weight: 3, body: (r) => compact({ name: maybe(r, hole(r, "renamed")), status: maybe(r, hole(r, r.pick(["lobby", "in-game"]))), attributes: maybe(r, hole(r, { color: "green" })), capacity: maybe(r, hole(r, r.pick([1, 3, null]))), visibility: maybe(r, hole(r, "public")), version: maybe(r, hole(r, r.int(5))) }) },
  { api: N, method: "DELETE", path: "/sessions/:nid", ifMatch: true, weight: 0.3 },
  { api: N, method: "POST", path: "/sessions/:nid/end", ifMatch: true, weight: 0.3, body: (r) => compact({ reason: maybe(r, hole(r, r.pick(["closed", "killed", "failed"]))) }) },
  { api: N, method: "POST", path: "/sessions/:nid/heartbeat" },
  { api: N, method: "GET", path: "/sessions/:nid/members" },
  { api: N, method: "POST", path: "/sessions/:nid/members", weight: 3, body: (r) => compact({ team: maybe(r, hole(r, r.pick([0, 1, 2, 7]))), password: r.chance(0.02) ? "pw-room" : undefined }) },
  { api: N, method: "DELETE", path: "/sessions/:nid/members/:member", weight: 1.5 },
  { api: N, method: "GET", path: "/sessions/:nid/log", query: (r) => `stream=${r.pick(["log", "listing", "x"])}&from=${r.pick(["0", "8640000000000", "-1"])}&limit=${r.pick(["1", "1000", "1e400"])}` },
  { api: N, method: "POST", path: "/sessions/:nid/log", body: (r) => ({ lines: hole(r, [{ type: hole(r, r.pick(["note", "warning", "error"])), text: hole(r, "a line") }]) }) },
  { api: N, method: "GET", path: "/events", query: (r) => `service=${r.pick(["fz", "game"])}`, weight: 0.3 },
  { api: N, method: "HEAD", path: "/events", weight: 0.3 },
  { api: N, method: "GET", path: "/services" },
  { api: N, method: "POST", path: "/services", admin: true, body: (r) => compact({ id: hole(r, `fz-svc-${r.int(100)}`), kind: maybe(r, hole(r, r.pick(["generic", "roundware", "game", "sas-compute"]))), settings: maybe(r, hole(r, { roundware: { geo_listen_enabled: hole(r, true) } })), number: maybe(r, hole(r, 700 + r.int(50))), defaultInactiveTimeoutSeconds: maybe(r, hole(r, 60)) }) },
  { api: N, method: "GET", path: "/services/:svc" },
  { api: N, method: "PATCH", path: "/services/:spareSvc", admin: true, body: (r) => compact({ name: maybe(r, hole(r, "Spare")), settings: maybe(r, hole(r, { x: 1 })), defaultInactiveTimeoutSeconds: maybe(r, hole(r, 60)) }) },
  { api: N, method: "DELETE", path: "/services/:spareSvc", admin: true, weight: 0.2, query: (r) => `force=${r.pick(["true", "false", "maybe"])}` },
  { api: N, method: "GET", path: "/tokens", query: (r) => `userId=${r.pick(["alice", "spare-1", "%00"])}` },
  { api: N, method: "POST", path: "/tokens", body: (r) => compact({ name: maybe(r, hole(r, "t")), expiresInSeconds: hole(r, r.pick([60, 8640000000000, 1e308, null])), userId: maybe(r, r.pick(["spare-1", "spare-2"])) }) },
  { api: N, method: "DELETE", path: "/tokens/:tok", weight: 0.3 },
  { api: N, method: "GET", path: "/users" },
  { api: N, method: "GET", path: "/users/:anyUser" },
  { api: N, method: "POST", path: "/users", admin: true, body: (r) => compact({ id: hole(r, `fz-user-${r.int(100)}`), roles: maybe(r, hole(r, [])), attributes: maybe(r, hole(r, { a: 1 })), deviceId: maybe(r, hole(r, `dev-${r.int(100)}`)) }) },
  { api: N, method: "PATCH", path: "/users/:spare", admin: true, body: (r) => compact({ attributes: maybe(r, hole(r, { a: 2 })), clientType: maybe(r, hole(r, "web")), disabled: maybe(r, hole(r, r.pick([true, false]))) }) },
  { api: N, method: "DELETE", path: "/users/:spare", admin: true, weight: 0.2 },
  { api: N, method: "GET", path: "/openapi.json", open: true, weight: 0.1 },

  // game /sessions
  { api: G, method: "GET", path: "/sessions", query: gameQuery, weight: 4 },
  { api: G, method: "GET", path: "/sessions/count", query: gameQuery },
  { api: G, method: "POST", path: "/sessions", body: gameSession, weight: 3 },
  { api: G, method: "GET", path: "/sessions/:gid", weight: 2 },
  { api: G, method: "PUT", path: "/sessions/:gid", ifMatch: true, weight: 3, body: gameSession },
  { api: G, method: "DELETE", path: "/sessions/:gid", weight: 0.3 },
  { api: G, method: "DELETE", path: "/sessions", weight: 0.01 },
  { api: G, method: "GET", path: "/sessions/:gid/join", weight: 3, query: (r) => r.pick(["", "team=0", "team=1", "team=5", "team=x", "password=pw-room", `team=${r.pick(["8640000000000", "1e400", "-1"])}`]) },
  { api: G, method: "POST", path: "/sessions/:gid/join", weight: 2, body: (r) => compact({ team: maybe(r, hole(r, r.pick([0, 1, 9]))), password: r.chance(0.02) ? "pw-room" : undefined }) },
  { api: G, method: "GET", path: "/sessions/:gid/leave", weight: 1.5 },
  { api: G, method: "POST", path: "/sessions/:gid/leave", weight: 0.5 },

  // MaxScale /v1 (and the root of its own listener)
  { api: M, method: "GET", path: "/", weight: 0.5 },
  { api: M, method: "GET", path: "/sessions", query: maxscaleQuery, weight: 3 },
  { api: M, method: "GET", path: "/sessions/:mid", weight: 2, query: (r) => r.pick(["", "pretty=false", "rdns=false", maxscaleQuery(r)]) },
  { api: M, method: "DELETE", path: "/sessions/:mid", ifMatch: true, weight: 0.3, query: (r) => `ttl=${r.pick(["0", "60", "1.5", "abc", "-1", "1e3", "NaN", ...["8640000000000", "2147483648", "99999999999999999999"]])}` },
  { api: M, method: "POST", path: "/sessions/:mid/restart", ifMatch: true },
  { api: M, method: "POST", path: "/sessions/restart", weight: 0.1 },
  { api: M, method: "PATCH", path: "/sessions/:mid", ifMatch: true, weight: 2, body: (r) => ({ data: hole(r, { attributes: hole(r, { parameters: hole(r, { [r.pick(["log_info", "log_error", "foo", "__proto__"])]: hole(r, r.pick([true, false, 1])) }) }) }) }) },
  { api: M, method: "PATCH", path: "/sessions/:mid/relationships/filters", body: (r) => ({ data: hole(r, r.pick([[], [{ id: "Hint", type: "filters" }]])) }) },
  { api: M, method: "GET", path: "/services", query: maxscaleQuery },
  { api: M, method: "GET", path: "/services/:svc" },
  { api: M, method: "GET", path: "/maxscale" },
  { api: M, method: "OPTIONS", path: "/sessions/:mid", open: true, weight: 0.2 },

  // SAS Viya Compute /compute
  { api: S, method: "GET", path: "/", weight: 0.5 },
  { api: S, method: "GET", path: "/contexts", query: sasQuery },
  { api: S, method: "GET", path: "/contexts/:ctx" },
  { api: S, method: "POST", path: "/contexts/:ctx/sessions", weight: 0.5, body: (r) => compact({ name: maybe(r, hole(r, "fz")), attributes: maybe(r, hole(r, { sessionInactiveTimeout: hole(r, r.pick([60, "60", 0, -1])) })), environment: maybe(r, hole(r, { options: [], autoExecLines: [] })) }) },
  { api: S, method: "GET", path: "/sessions", query: sasQuery, weight: 2 },
  { api: S, method: "GET", path: "/sessions/:sid", weight: 2 },
  { api: S, method: "DELETE", path: "/sessions/:sid", weight: 0.1 },
  { api: S, method: "GET", path: "/sessions/:sid/state", query: (r) => `wait=${r.pick(["0", "1", "8640000000000"])}` },
  { api: S, method: "PUT", path: "/sessions/:sid/state", ifMatch: true, query: (r) => `${r.pick(["state", "value"])}=${r.pick(["canceled", "deleted", "x"])}`, weight: 0.5 },
  { api: S, method: "POST", path: "/sessions/:sid/jobs", weight: 0.7, body: (r) => compact({ code: hole(r, r.pick([["print hello"], ["\n"], [], "print x"])), variables: maybe(r, hole(r, { X: 1, [r.pick(["_ok", "1bad", "__proto__"])]: hole(r, "v") })), name: maybe(r, hole(r, "job")) }) },
  { api: S, method: "GET", path: "/sessions/:sid/jobs", query: sasQuery },
  { api: S, method: "GET", path: "/sessions/:sid/jobs/:jid" },
  { api: S, method: "DELETE", path: "/sessions/:sid/jobs/:jid", weight: 0.2 },
  { api: S, method: "GET", path: "/sessions/:sid/jobs/:jid/state" },
  { api: S, method: "PUT", path: "/sessions/:sid/jobs/:jid/state", ifMatch: true, query: () => "value=canceled", weight: 0.3 },
  { api: S, method: "GET", path: "/sessions/:sid/:stream", query: sasQuery },
  { api: S, method: "GET", path: "/sessions/:sid/jobs/:jid/:stream", query: sasQuery },
  { api: S, method: "GET", path: "/sessions/:sid/results", query: sasQuery },
  { api: S, method: "GET", path: "/sessions/:sid/results/:result" },
  { api: S, method: "GET", path: "/sessions/:sid/filerefs", query: sasQuery },
  { api: S, method: "POST", path: "/sessions/:sid/filerefs", body: (r) => compact({ name: hole(r, r.pick(["F2", "f3", "1bad", "X".repeat(40)])), accessMethod: maybe(r, hole(r, r.pick(["TEMP", "DISK", "FTP"]))), path: maybe(r, hole(r, r.pick(["/a.txt", "../../etc/passwd", "\u0000", "a/".repeat(600)]))) }) },
  { api: S, method: "GET", path: "/sessions/:sid/filerefs/:ref" },
  { api: S, method: "DELETE", path: "/sessions/:sid/filerefs/:ref", weight: 0.2 },
  { api: S, method: "GET", path: "/sessions/:sid/filerefs/:ref/content" },
  { api: S, method: "PUT", path: "/sessions/:sid/filerefs/:ref/content", ifMatch: true, body: (r) => ({ raw: hole(r, "bytes") }) },
  { api: S, method: "POST", path: "/sessions/:sid/filerefs/:ref/content", body: (r) => ({ raw: hole(r, "more") }) },
  { api: S, method: "GET", path: "/sessions/:sid/data", query: sasQuery },
  { api: S, method: "GET", path: "/sessions/:sid/data/:lib" },
  { api: S, method: "GET", path: "/sessions/:sid/variables", query: sasQuery },
  { api: S, method: "GET", path: "/sessions/:sid/variables/:var" },

  // Roundware /api/2
  { api: R, method: "GET", path: "/", open: true, weight: 0.3 },
  { api: R, method: "POST", path: "/users/", open: true, body: (r) => compact({ device_id: hole(r, `fz-dev-${r.int(50)}`), client_type: hole(r, r.pick(["web", "phone"])), first_name: maybe(r, hole(r, "F")) }) },
  { api: R, method: "GET", path: "/users/" },
  { api: R, method: "GET", path: "/users/:anyNumber/" },
  { api: R, method: "POST", path: "/login/", open: true, weight: 0.2, body: (r) => compact({ username: hole(r, r.pick(["alice", "admin", "nobody"])), password: hole(r, r.pick(["wrong", "pw-alice"])) }) },
  { api: R, method: "GET", path: "/sessions/", query: roundwareQuery, weight: 3 },
  { api: R, method: "GET", path: "/sessions/count/", query: roundwareQuery },
  { api: R, method: "POST", path: "/sessions/", body: roundwareSession, weight: 3 },
  { api: R, method: "GET", path: "/sessions/:rid/", weight: 2 },
  { api: R, method: "GET", path: "/projects/", query: roundwareQuery },
  { api: R, method: "GET", path: "/projects/:proj/", query: (r) => `session_id=${r.pick(["1", "abc", "", "99999999999999999999"])}` },
  { api: R, method: "GET", path: "/languages/", query: roundwareQuery },
  { api: R, method: "GET", path: "/languages/:lang/" },
  { api: R, method: "POST", path: "/languages/", admin: true, weight: 0.3, body: (r) => compact({ name: hole(r, "Lang"), language_code: hole(r, r.pick(["de", "deu", "e", "en"])), id: maybe(r, hole(r, 50 + r.int(5))) }) },
  { api: R, method: "PATCH", path: "/languages/:lang/", admin: true, weight: 0.2, body: (r) => compact({ name: hole(r, "Lang2"), language_code: maybe(r, hole(r, "de")) }) },
  { api: R, method: "DELETE", path: "/languages/:lang/", admin: true, weight: 0.1 },
];

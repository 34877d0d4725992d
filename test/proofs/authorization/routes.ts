import type { Api } from "../../helpers/error-formats.js";
import { http } from "../../helpers/server.js";
import type { Cast, Session } from "./fixtures.js";
import type { Action, Expectation, Observation, Who } from "./policy.js";

/**
 * Every session route of every API as a matrix row: the core action it needs, what success
 * looks like on that API's wire, whether it changes the session (then each cell gets a
 * fresh one), and how to call it as a principal.
 */
export interface MatrixRoute extends Expectation {
  api: Api;
  name: string;
  action: Action | ((who: Who) => Action);
  list?: boolean;
  writes?: boolean;
  call(c: Cast, s: Session, who: Who): Promise<Observation>;
}

const SCHEME: Record<Api, string> = { native: "Bearer", game: "jwt", maxscale: "Bearer", sas: "Bearer", roundware: "token" };

async function send(c: Cast, api: Api, who: Who, method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}) {
  const credential = who === "anonymous" ? null : api === "game" ? c.jwt[c.user[who]] : c.token[c.user[who]];
  const headers = { ...opts.headers, ...(credential ? { authorization: `${SCHEME[api]} ${credential}` } : {}) };
  return http(c.t.url, method, path, { token: null, headers, ...(opts.body !== undefined ? { body: opts.body } : {}) });
}

const status = (api: Api, method: string, path: (s: Session) => string, body?: (s: Session) => unknown, headers?: Record<string, string>) =>
  async (c: Cast, s: Session, who: Who) => String((await send(c, api, who, method, path(s), { ...(body ? { body: body(s) } : {}), ...(headers ? { headers } : {}) })).status);

/** A list observed as `listed`/`unlisted` when it answers 200, else its status. */
const listed = (api: Api, path: (s: Session) => string, ids: (body: any) => string[], key: (s: Session) => string) =>
  async (c: Cast, s: Session, who: Who) => {
    const r = await send(c, api, who, "GET", path(s));
    if (r.status !== 200) return String(r.status);
    return ids(r.body).includes(key(s)) ? "listed" : "unlisted";
  };

const sid = (s: Session) => `${s.id}-ses0000`;

export const MATRIX: MatrixRoute[] = [
  // native
  { api: "native", name: "read", action: "read", ok: ["200"], call: status("native", "GET", (s) => `/api/v1/sessions/${s.id}`) },
  { api: "native", name: "read by number", action: "read", ok: ["200"], call: status("native", "GET", (s) => `/api/v1/sessions/${s.number}`) },
  { api: "native", name: "list", action: "read", list: true, ok: ["listed"], call: listed("native", (s) => `/api/v1/sessions?service=${s.service}&limit=1000`, (b) => b.items.map((i: any) => i.id), (s) => s.id) },
  { api: "native", name: "members", action: "read", ok: ["200"], call: status("native", "GET", (s) => `/api/v1/sessions/${s.id}/members`) },
  { api: "native", name: "read log", action: "read", ok: ["200"], call: status("native", "GET", (s) => `/api/v1/sessions/${s.id}/log`) },
  { api: "native", name: "update", action: "modify", writes: true, ok: ["200"], call: status("native", "PATCH", (s) => `/api/v1/sessions/${s.id}`, () => ({ status: "matrix" })) },
  { api: "native", name: "end", action: "modify", writes: true, ok: ["200"], call: status("native", "POST", (s) => `/api/v1/sessions/${s.id}/end`, () => ({})) },
  { api: "native", name: "delete", action: "administer", writes: true, ok: ["204"], call: status("native", "DELETE", (s) => `/api/v1/sessions/${s.id}`) },
  { api: "native", name: "join", action: "join", writes: true, ok: ["200", "201"], call: status("native", "POST", (s) => `/api/v1/sessions/${s.id}/members`, () => ({})) },
  { api: "native", name: "leave", action: "leave", writes: true, ok: ["204"], call: status("native", "DELETE", (s) => `/api/v1/sessions/${s.id}/members/me`) },
  // Removing `member`: its own leave when the caller is that member, owner rights otherwise.
  { api: "native", name: "remove member", action: (who) => (who === "member" ? "leave" : "administer"), writes: true, ok: ["204"], call: status("native", "DELETE", (s) => `/api/v1/sessions/${s.id}/members/member`) },
  { api: "native", name: "heartbeat", action: "participate", writes: true, ok: ["200"], call: status("native", "POST", (s) => `/api/v1/sessions/${s.id}/heartbeat`) },
  { api: "native", name: "append log", action: "participate", writes: true, ok: ["201"], call: status("native", "POST", (s) => `/api/v1/sessions/${s.id}/log`, () => ({ lines: [{ text: "matrix" }] })) },

  // game: sessions of the game service
  { api: "game", name: "read", action: "read", ok: ["200"], call: status("game", "GET", (s) => `/sessions/${s.id}`) },
  { api: "game", name: "list", action: "read", list: true, ok: ["listed"], call: listed("game", () => "/sessions?limit=1000", (b) => b.map((i: any) => i.uid), (s) => s.id) },
  {
    api: "game",
    name: "update",
    action: "modify",
    writes: true,
    ok: ["200"],
    async call(c, s, who) {
      const current = await send(c, "game", "admin", "GET", `/sessions/${s.id}`);
      return String((await send(c, "game", who, "PUT", `/sessions/${s.id}`, { body: { version: current.body.version, data: { matrix: 1 } } })).status);
    },
  },
  { api: "game", name: "join", action: "join", writes: true, ok: ["200"], call: status("game", "GET", (s) => `/sessions/${s.id}/join`) },
  // Leave and delete of a session one cannot see change nothing and answer 200 (contract §4.2, §4.6).
  { api: "game", name: "leave", action: "leave", writes: true, ok: ["200"], hidden: ["200"], call: status("game", "GET", (s) => `/sessions/${s.id}/leave`) },
  { api: "game", name: "delete", action: "administer", writes: true, ok: ["200"], hidden: ["200"], call: status("game", "DELETE", (s) => `/sessions/${s.id}`) },

  // MaxScale: every session of the hub
  { api: "maxscale", name: "read", action: "read", ok: ["200"], call: status("maxscale", "GET", (s) => `/v1/sessions/${s.number}`) },
  { api: "maxscale", name: "list", action: "read", list: true, ok: ["listed"], call: listed("maxscale", () => "/v1/sessions", (b) => b.data.map((i: any) => i.id), (s) => String(s.number)) },
  { api: "maxscale", name: "alter", action: "administer", writes: true, ok: ["204"], call: status("maxscale", "PATCH", (s) => `/v1/sessions/${s.number}`, () => ({ data: { attributes: { parameters: { log_info: true } } } })) },
  { api: "maxscale", name: "reload", action: "administer", writes: true, ok: ["204"], call: status("maxscale", "POST", (s) => `/v1/sessions/${s.number}/restart`) },
  { api: "maxscale", name: "destroy", action: "administer", writes: true, ok: ["204"], call: status("maxscale", "DELETE", (s) => `/v1/sessions/${s.number}`) },

  // SAS: sessions of compute contexts; every change needs owner rights (contract §5)
  { api: "sas", name: "read", action: "read", ok: ["200"], call: status("sas", "GET", (s) => `/compute/sessions/${sid(s)}`) },
  { api: "sas", name: "list", action: "read", list: true, ok: ["listed"], call: listed("sas", () => "/compute/sessions?limit=1000", (b) => b.items.map((i: any) => i.id), sid) },
  { api: "sas", name: "state", action: "read", ok: ["200"], call: status("sas", "GET", (s) => `/compute/sessions/${sid(s)}/state`) },
  { api: "sas", name: "log", action: "read", ok: ["200"], call: status("sas", "GET", (s) => `/compute/sessions/${sid(s)}/log`) },
  { api: "sas", name: "cancel", action: "administer", writes: true, ok: ["200"], call: status("sas", "PUT", (s) => `/compute/sessions/${sid(s)}/state?value=canceled`, undefined, { "if-match": "*" }) },
  { api: "sas", name: "delete", action: "administer", writes: true, ok: ["204"], call: status("sas", "DELETE", (s) => `/compute/sessions/${sid(s)}`) },

  // Roundware: sessions of projects; read-only here
  { api: "roundware", name: "read", action: "read", ok: ["200"], call: status("roundware", "GET", (s) => `/api/2/sessions/${s.number}/`) },
  { api: "roundware", name: "list", action: "read", list: true, ok: ["listed"], call: listed("roundware", () => "/api/2/sessions/", (b) => b.map((i: any) => String(i.id)), (s) => String(s.number)) },
];

/** Which APIs serve a session, by the kind of its service. */
export const SERVED_BY: Record<"game" | "roundware" | "sas" | "generic", Api[]> = {
  game: ["native", "maxscale", "game"],
  roundware: ["native", "maxscale", "roundware"],
  sas: ["native", "maxscale", "sas"],
  generic: ["native", "maxscale"],
};

import assert from "node:assert/strict";
import { ADMIN_TOKEN, type Answer, type StartOptions, type TestServer, http, startServer } from "../../helpers/server.js";

/**
 * The contract's fixture (roundware.md §9): admin `A` with password `pw-admin`, language
 * 2 = es, projects `tour` (1) and `quiet` (2), a game service `lobby` with session L,
 * and device users D1 and D2 with their tokens.
 */
export const D1_BODY = { device_id: "12891038109281", client_type: "phone", client_system: "iOS" };
export const D2_BODY = { device_id: "web-dev-2", client_type: "web" };

export interface CallOptions {
  /** A token for `Authorization: token <t>`; null sends no header. */
  auth?: string | null;
  body?: unknown;
  raw?: string | Buffer;
  headers?: Record<string, string>;
}

export type Call = (method: string, path: string, opts?: CallOptions) => Promise<Answer>;

/** Requests to `<listener>/api/2/<path>`, authenticated with `token <A>` unless told otherwise. */
export function caller(url: string, defaultToken: string | null = ADMIN_TOKEN): Call {
  return (method, path, opts = {}) => {
    const token = opts.auth === undefined ? defaultToken : opts.auth;
    const headers = { ...(token !== null ? { authorization: `token ${token}` } : {}), ...opts.headers };
    return http(url, method, `/api/2/${path}`, { token: null, headers, body: opts.body, ...(opts.raw !== undefined ? { raw: opts.raw } : {}) });
  };
}

export interface Fixture {
  t: TestServer;
  /** The Roundware listener (its own port). */
  url: string;
  call: Call;
  A: string;
  T1: string;
  T2: string;
  D1: { id: number; username: string };
  D2: { id: number; username: string };
  /** L: a session of the game service `lobby`. */
  lobbySession: { id: string; number: number };
}

export async function native(t: TestServer, method: string, path: string, body?: unknown) {
  return http(t.url, method, `/api/v1${path}`, { token: ADMIN_TOKEN, ...(body !== undefined ? { body } : {}) });
}

/** Starts a server and builds the fixture; `options` go to startServer. */
export async function startFixture(options: StartOptions = {}): Promise<Fixture> {
  const t = await startServer({ ...options, env: { SESSIONHUB_ROUNDWARE_PORT: "0", ...options.env } });
  const url = t.urls.roundware!;
  const call = caller(url);
  assert.equal((await native(t, "PATCH", "/users/admin", { password: "pw-admin" })).status, 200);
  const es = await call("POST", "languages/", { body: { name: "Spanish", language_code: "es" } });
  assert.equal(es.status, 200, es.text);
  assert.equal(es.body.id, 2);
  const tour = await native(t, "POST", "/services", {
    id: "tour",
    kind: "roundware",
    name: "Walking tour",
    number: 1,
    settings: { roundware: { geo_listen_enabled: true, language_ids: [1, 2], out_of_range_message: { en: "Too far", es: "Muy lejos" } } },
  });
  assert.equal(tour.status, 201, tour.text);
  const quiet = await native(t, "POST", "/services", { id: "quiet", kind: "roundware", name: "Quiet", number: 2, settings: { roundware: { geo_listen_enabled: false } } });
  assert.equal(quiet.status, 201, quiet.text);
  assert.equal((await native(t, "POST", "/services", { id: "lobby", name: "Lobby" })).status, 201);
  const lobby = await native(t, "POST", "/sessions", { serviceId: "lobby" });
  assert.equal(lobby.status, 201);
  const d1 = await call("POST", "users/", { auth: null, body: D1_BODY });
  const d2 = await call("POST", "users/", { auth: null, body: D2_BODY });
  assert.equal(d1.status, 200, d1.text);
  assert.equal(d2.status, 200, d2.text);
  return {
    t,
    url,
    call,
    A: ADMIN_TOKEN,
    T1: d1.body.token,
    T2: d2.body.token,
    D1: { id: d1.body.id, username: d1.body.username },
    D2: { id: d2.body.id, username: d2.body.username },
    lobbySession: { id: lobby.body.id, number: lobby.body.number },
  };
}

/** A session body that passes validation, for tests about something else. */
export const SESSION_BODY = { project_id: 1, client_system: "iOS" };

/** `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$`: the original's naive UTC dates. */
export const DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/;

export const SESSION_KEYS = [
  "id",
  "device_id",
  "starttime",
  "stoptime",
  "client_type",
  "client_system",
  "demo_stream_enabled",
  "geo_listen_enabled",
  "timezone",
  "project_id",
  "language_id",
];

/** §3.5: every project key, in order, with its JSON type (null only for the five messages). */
export const PROJECT_TYPES: [string, string][] = [
  ["id", "integer"],
  ["name", "string"],
  ["latitude", "number"],
  ["longitude", "number"],
  ["max_recording_length", "integer"],
  ["sharing_url", "string"],
  ["out_of_range_url", "string"],
  ["recording_radius", "number"],
  ["listen_enabled", "boolean"],
  ["geo_listen_enabled", "boolean"],
  ["speak_enabled", "boolean"],
  ["geo_speak_enabled", "boolean"],
  ["reset_tag_defaults_on_startup", "boolean"],
  ["timed_asset_priority", "boolean"],
  ["repeat_mode", "string"],
  ["ordering", "string"],
  ["demo_stream_enabled", "boolean"],
  ["demo_stream_url", "string"],
  ["out_of_range_distance", "number"],
  ["demo_stream_message", "message"],
  ["legal_agreement", "message"],
  ["description", "message"],
  ["sharing_message", "message"],
  ["out_of_range_message", "message"],
  ["language_ids", "integers"],
];

export function assertProjectShape(project: Record<string, unknown>): void {
  assert.deepEqual(Object.keys(project), PROJECT_TYPES.map(([k]) => k));
  for (const [key, type] of PROJECT_TYPES) {
    const v = project[key];
    const ok =
      type === "integer" ? Number.isInteger(v)
      : type === "message" ? v === null || typeof v === "string"
      : type === "integers" ? Array.isArray(v) && v.every(Number.isInteger)
      : typeof v === type;
    assert.ok(ok, `${key} should be ${type}, is ${JSON.stringify(v)}`);
  }
}

/**
 * "Start N servers" over the fixture's database, for the checks that span nodes (items 8
 * and 43). On SQLite one node serves as every node; the PostgreSQL store passes a
 * function that starts `n` nodes on one database.
 */
export type StartNodes = (f: Fixture, n: number) => Promise<TestServer[]>;
export const sqliteNodes: StartNodes = async (f) => [f.t];

import assert from "node:assert/strict";
import { SignJWT } from "jose";
import { type Answer, JWT_SECRET, type StartOptions, type TestServer, http, startServer } from "../../helpers/server.js";

/**
 * The contract's fixture (§9): users A–E with JWTs whose `profile` is a JSON string
 * holding `uid` and `roles: []`, administrator Z, HS256 secret `test-secret`.
 */
export const A = "aaaaaaaa-7c4e-4b1a-9f3d-5e2c8a1b4d60";
export const B = "bbbbbbbb-2b44-4f0e-a6c1-0f9b8e2d5a11";
export const C = "cccccccc-5f6b-4d2a-9e3f-1b2c3d4e5f60";
export const D = "dddddddd-3c5d-4b6e-8f90-a1b2c3d4e5f6";
export const E = "eeeeeeee-9a8d-4e7b-b3c2-a1d0e9f8c7b6";
export const Z = "ffffffff-0000-4000-8000-00000000000f";

const secret = new TextEncoder().encode(JWT_SECRET);

/** A signed token with any payload (valid for an hour unless the payload says otherwise). */
export async function sign(payload: Record<string, unknown>, opts: { expiresIn?: string | number; key?: Uint8Array } = {}): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? "1h")
    .sign(opts.key ?? secret);
}

/** The framework's token: the user in `profile`, a JSON string. */
export const tokenFor = (uid: string, roles: string[] = []) => sign({ profile: JSON.stringify({ uid, roles }) });

export type GameClient = (method: string, path: string, opts?: Parameters<typeof http>[3]) => Promise<Answer>;

/** Requests to one server as one user, with `Authorization: jwt <token>` as the SDK sends it. */
export function gameClient(server: { url: string }, token: string): GameClient {
  return (method, path, opts = {}) => http(server.url, method, path, { ...opts, headers: { authorization: `jwt ${token}`, ...opts.headers } });
}

export interface Players {
  t: TestServer;
  tokens: Record<"A" | "B" | "C" | "D" | "E" | "Z", string>;
  a: GameClient;
  b: GameClient;
  c: GameClient;
  d: GameClient;
  e: GameClient;
  z: GameClient;
  /** A client for any user id (other players of concurrency tests). */
  as(uid: string, roles?: string[]): Promise<GameClient>;
}

export async function players(t: TestServer): Promise<Players> {
  const tokens = {
    A: await tokenFor(A),
    B: await tokenFor(B),
    C: await tokenFor(C),
    D: await tokenFor(D),
    E: await tokenFor(E),
    Z: await tokenFor(Z, ["admin"]),
  };
  return {
    t,
    tokens,
    a: gameClient(t, tokens.A),
    b: gameClient(t, tokens.B),
    c: gameClient(t, tokens.C),
    d: gameClient(t, tokens.D),
    e: gameClient(t, tokens.E),
    z: gameClient(t, tokens.Z),
    as: async (uid, roles = []) => gameClient(t, await tokenFor(uid, roles)),
  };
}

/** A server with the players; `options` as for startServer. */
export async function startGame(options: StartOptions = {}): Promise<Players> {
  return players(await startServer(options));
}

export const MESSAGES = {
  "api-003": "Invalid message or request.",
  "api-013": "The object provided does not match the identifier given.",
  "api-101": "Invalid or missing authentication token.",
  "api-102": "User does not have permission to perform this action.",
  "session-003": "Invalid session password.",
  "api-010": "No resource could be found with the specified identifier.",
  "api-012": "Invalid object version. Do you have the latest version?",
  "session-001": "The session is full.",
  "session-002": "The session is not accepting new users.",
  "session-004": "The requested team is full.",
  "session-005": "Too many wrong password attempts. Try again later.",
} as const;

/**
 * The exact error body of contract §6: `code`, `status`, `message` and nothing else, in
 * that order; the documented message (for `api-003`, its prefix); JSON; never cached.
 */
export function assertError(r: Answer, status: number, code: string, message?: string): void {
  assert.equal(r.status, status, `expected ${status} ${code}, got ${r.status}: ${r.text}`);
  assert.match(r.headers.get("content-type") ?? "", /^application\/json/);
  assert.deepEqual(Object.keys(r.body), ["code", "status", "message"]);
  assert.equal(r.body.code, code);
  assert.equal(r.body.status, status);
  const expected = message ?? MESSAGES[code as keyof typeof MESSAGES];
  if (code === "api-003" && message === undefined) assert.ok(r.body.message.startsWith(MESSAGES["api-003"]), r.body.message);
  else if (expected !== undefined) assert.equal(r.body.message, expected);
  assert.ok(!/stack|at \//.test(r.text), "no stack trace");
  assert.equal(r.headers.get("cache-control"), "no-store");
}

/** An empty 200 (Delete, Truncate, Leave): no body, no content type. */
export function assertEmpty(r: Answer): void {
  assert.equal(r.status, 200, r.text);
  assert.equal(r.text, "");
  assert.equal(r.headers.get("content-length"), "0");
  assert.equal(r.headers.get("content-type"), null);
}

export const SESSION_KEYS = [
  "uid",
  "dateCreated",
  "dateModified",
  "version",
  "data",
  "hasPassword",
  "hostUid",
  "invited",
  "numTeams",
  "serverUid",
  "status",
  "teams",
  "teamSize",
  "users",
  "visibility",
];

/** Creates a session as `who`, asserting the 201; returns the body. */
export async function create(who: GameClient, body: Record<string, unknown> = {}): Promise<any> {
  const r = await who("POST", "/sessions", { body });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

/** Runs `fn` over `items`, at most `width` at a time. */
export async function pool<T, R>(items: T[], width: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

import assert from "node:assert/strict";
import { SignJWT } from "jose";
import { ADMIN_TOKEN, JWT_SECRET, type TestServer, http } from "../../helpers/server.js";

/**
 * What the fuzzer knows before it starts: users and their credentials in every scheme,
 * and sessions made through each API. Requests refer to these by slot, so the sequence of
 * requests is a function of the seed alone, whatever ids the server assigned.
 */
export interface Principal {
  user: string;
  admin: boolean;
  token: string;
  jwt: string;
  /** `user:password` for HTTP Basic, when the user has a password. */
  basic: string | null;
}

export interface World {
  principals: Principal[];
  /** Users the fuzzer may change or delete (never the ones it authenticates as). */
  spareUsers: string[];
  native: { id: string; number: number }[];
  game: string[];
  roundware: number[];
  sas: string[];
  sasJobs: { session: string; job: string }[];
  services: string[];
  projects: number[];
  languages: number[];
  contexts: string[];
  tokenIds: string[];
}

/** A marker no server answer or log line may contain: it only ever travels as a secret. */
export const SECRET = "zQ9-secret-marker";

export const signJwt = (payload: Record<string, unknown>, expiresIn: string | number = "1h", key = JWT_SECRET) =>
  new SignJWT(payload).setProtectedHeader({ alg: "HS256", typ: "JWT" }).setIssuedAt().setExpirationTime(expiresIn).sign(new TextEncoder().encode(key));

async function ok(status: number, p: Promise<{ status: number; text: string; body: any }>) {
  const r = await p;
  assert.equal(r.status, status, r.text);
  return r.body;
}

export async function buildWorld(t: TestServer, roundwareProject: number): Promise<World> {
  const admin = (method: string, path: string, body?: unknown, token = ADMIN_TOKEN, scheme = "Bearer") =>
    http(t.url, method, path, { token: null, headers: { authorization: `${scheme} ${token}` }, ...(body !== undefined ? { body } : {}) });

  const principals: Principal[] = [];
  const people: [string, boolean, string | null][] = [["ops", true, "pw-ops"], ["alice", false, "pw-alice"], ["bob", false, null], ["carol", false, null]];
  for (const [user, isAdmin, password] of people) {
    await ok(201, admin("POST", "/api/v1/users", { id: user, ...(isAdmin ? { roles: ["admin"] } : {}), ...(password ? { password } : {}) }));
    const token = (await ok(201, admin("POST", "/api/v1/tokens", { userId: user, name: "fuzz" }))).secret as string;
    const jwt = await signJwt({ profile: JSON.stringify({ uid: user, roles: isAdmin ? ["admin"] : [] }) });
    principals.push({ user, admin: isAdmin, token, jwt, basic: password ? `${user}:${password}` : null });
  }
  principals.push({ user: "admin", admin: true, token: ADMIN_TOKEN, jwt: await signJwt({ uid: "admin", roles: ["admin"] }), basic: null });
  const spareUsers = ["spare-1", "spare-2", "spare-3"];
  const tokenIds: string[] = [];
  for (const id of spareUsers) {
    await ok(201, admin("POST", "/api/v1/users", { id }));
    tokenIds.push((await ok(201, admin("POST", "/api/v1/tokens", { userId: id }))).token.id);
  }
  const as = (user: string) => principals.find((p) => p.user === user)!.token;

  await ok(201, admin("POST", "/api/v1/services", { id: "fz", name: "Fuzz" }));
  await ok(201, admin("POST", "/api/v1/services", { id: "spare-svc", name: "Spare" }));
  await ok(201, admin("POST", "/api/v1/services", { id: "tour", kind: "roundware", name: "Tour", number: roundwareProject, settings: { roundware: { geo_listen_enabled: true } } }));

  const native: World["native"] = [];
  const nativeBodies: [string, Record<string, unknown>][] = [
    ["alice", { serviceId: "fz", name: "alice-public", visibility: "public", capacity: 5, attributes: { color: "red", n: 1 } }],
    ["alice", { serviceId: "fz", name: "alice-private", visibility: "private", invited: ["carol"], attributes: { color: "blue" } }],
    ["bob", { serviceId: "fz", name: "bob-public", visibility: "public", capacity: 2, password: "pw-room" }],
    ["ops", { serviceId: "fz", owner: null, name: "system", visibility: "public", capacity: 3 }],
    ["carol", { serviceId: "game", name: "carol-on-game", visibility: "public", capacity: 4 }],
    ["bob", { serviceId: "tour", name: "bob-on-tour", visibility: "private" }],
  ];
  for (const [user, body] of nativeBodies) {
    const s = await ok(201, admin("POST", "/api/v1/sessions", body, as(user)));
    native.push({ id: s.id, number: s.number });
  }

  const game: string[] = [];
  const gameBodies: [string, Record<string, unknown>][] = [
    ["alice", { numTeams: 2, teamSize: 2, visibility: "public", data: { map: "harbor" } }],
    ["bob", { visibility: "private", invited: ["carol"] }],
    ["ops", { hostUid: "", numTeams: 3, teamSize: 1, users: ["bob"] }],
    ["carol", { numTeams: 1, teamSize: 3, status: "lobby" }],
  ];
  for (const [user, body] of gameBodies) {
    const jwt = principals.find((p) => p.user === user)!.jwt;
    game.push((await ok(201, admin("POST", "/sessions", body, jwt, "jwt"))).uid);
  }

  const roundware: number[] = [];
  for (const user of ["alice", "bob"]) {
    roundware.push((await ok(200, admin("POST", "/api/2/sessions/", { project_id: roundwareProject, client_system: "fuzz" }, as(user), "token"))).id);
  }

  const contexts = ["sas-job-execution"];
  const sas: string[] = [];
  const sasJobs: World["sasJobs"] = [];
  for (const user of ["alice", "bob"]) {
    const s = await ok(201, admin("POST", "/compute/contexts/sas-job-execution/sessions", { name: `${user}-sas` }, as(user)));
    sas.push(s.id);
    const job = await ok(201, admin("POST", `/compute/sessions/${s.id}/jobs`, { code: ["print hello"] }, as(user)));
    sasJobs.push({ session: s.id, job: job.id });
    await ok(201, admin("POST", `/compute/sessions/${s.id}/filerefs`, { name: "F1", accessMethod: "TEMP" }, as(user)));
  }

  return {
    principals,
    spareUsers,
    native,
    game,
    roundware,
    sas,
    sasJobs,
    services: ["fz", "game", "tour", "sas-job-execution", "spare-svc"],
    projects: [roundwareProject],
    languages: [1],
    contexts,
    tokenIds,
  };
}

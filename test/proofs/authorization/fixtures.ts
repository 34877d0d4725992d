import assert from "node:assert/strict";
import { ADMIN_TOKEN, type Answer, type TestServer, http, usersWithTokens } from "../../helpers/server.js";
import { signJwt } from "../fuzz/world.js";
import type { Facts, Who } from "./policy.js";

/**
 * Sessions of every origin, each with an owner, a member and an invited user, made through
 * the API named in the variant (and the native API for what that API cannot express).
 */
export type Variant = "native-public" | "native-private" | "game-public" | "game-private" | "roundware" | "sas" | "native-system" | "native-on-roundware" | "native-on-sas";
export const VARIANTS: Variant[] = ["native-public", "native-private", "game-public", "game-private", "roundware", "sas", "native-system", "native-on-roundware", "native-on-sas"];

/** The service each variant's session lives in, which decides the APIs that serve it. */
export const SERVICE_KIND: Record<Variant, "game" | "roundware" | "sas" | "generic"> = {
  "native-public": "game",
  "native-private": "game",
  "game-public": "game",
  "game-private": "game",
  roundware: "roundware",
  sas: "sas",
  "native-system": "generic",
  "native-on-roundware": "roundware",
  "native-on-sas": "sas",
};

export const PROJECT = 902;

/**
 * The facts each variant is built to have, declared so that every cell's expectation is
 * known when the tests are named; the fixture checks the stored session matches them.
 * Game hosts are users of their session (game contract §3.1).
 */
export function declaredFacts(v: Variant): Facts {
  const game = v === "game-public" || v === "game-private";
  const isPrivate = ["native-private", "game-private", "roundware", "sas"].includes(v);
  return {
    owner: v === "native-system" ? null : "owner",
    members: game ? ["owner", "member"] : ["member"],
    invited: ["invited"],
    visibility: isPrivate ? "private" : "public",
  };
}

export interface Session {
  id: string;
  number: number;
  service: string;
  facts: Facts;
}

export interface Cast {
  t: TestServer;
  /** User id of each principal ("admin" for the administrator). */
  user: Record<Exclude<Who, "anonymous">, string>;
  token: Record<string, string>;
  jwt: Record<string, string>;
}

export async function castOf(t: TestServer): Promise<Cast> {
  const token = await usersWithTokens(t.url, ["owner", "member", "invited", "stranger"]);
  token.admin = ADMIN_TOKEN;
  const jwt: Record<string, string> = {};
  for (const u of Object.keys(token)) jwt[u] = await signJwt({ profile: JSON.stringify({ uid: u, roles: u === "admin" ? ["admin"] : [] }) });
  const admin = (method: string, path: string, body?: unknown) => http(t.url, method, path, { token: ADMIN_TOKEN, body });
  assert.equal((await admin("POST", "/api/v1/services", { id: "plain" })).status, 201);
  assert.equal((await admin("POST", "/api/v1/services", { id: "walk", kind: "roundware", number: PROJECT, settings: { roundware: {} } })).status, 201);
  return { t, user: { owner: "owner", member: "member", invited: "invited", stranger: "stranger", admin: "admin" }, token, jwt };
}

function ok(r: Answer, ...status: number[]): Answer {
  assert.ok(status.includes(r.status), `fixture step answered ${r.status}: ${r.text.slice(0, 300)}`);
  return r;
}

/** One fresh session of the variant, with `member` joined and `invited` invited. */
export async function makeSession(c: Cast, v: Variant): Promise<Session> {
  const as = (who: string) => (method: string, path: string, body?: unknown) => http(c.t.url, method, path, { token: c.token[who], body });
  const owner = as("owner");
  const native = async (body: Record<string, unknown>, by = owner) => ok(await by("POST", "/api/v1/sessions", { invited: ["member", "invited"], ...body }), 201).body.id as string;
  let id: string;
  switch (v) {
    case "native-public":
    case "native-private":
      id = await native({ serviceId: "game", visibility: v === "native-public" ? "public" : "private" });
      break;
    case "native-system":
      id = await native({ serviceId: "plain", owner: null, visibility: "public" }, as("admin"));
      break;
    case "native-on-roundware":
      id = await native({ serviceId: "walk", visibility: "public" });
      break;
    case "native-on-sas":
      id = await native({ serviceId: "sas-job-execution", visibility: "public" });
      break;
    case "game-public":
    case "game-private": {
      const r = ok(await http(c.t.url, "POST", "/sessions", { token: null, headers: { authorization: `jwt ${c.jwt.owner}` }, body: { visibility: v === "game-public" ? "public" : "private", invited: ["member", "invited"] } }), 201);
      id = r.body.uid;
      break;
    }
    case "roundware": {
      const r = ok(await http(c.t.url, "POST", "/api/2/sessions/", { token: null, headers: { authorization: `token ${c.token.owner}` }, body: { project_id: PROJECT, client_system: "matrix" } }), 200);
      id = ok(await as("admin")("GET", `/api/v1/sessions/${r.body.id}`), 200).body.id;
      await ok(await owner("PATCH", `/api/v1/sessions/${id}`, { invited: ["member", "invited"] }), 200);
      break;
    }
    case "sas": {
      const r = ok(await owner("POST", "/compute/contexts/sas-job-execution/sessions", { name: "matrix" }), 201);
      id = (r.body.id as string).replace(/-ses0000$/, "");
      await ok(await owner("PATCH", `/api/v1/sessions/${id}`, { invited: ["member", "invited"] }), 200);
      break;
    }
  }
  ok(await as("member")("POST", `/api/v1/sessions/${id}/members`, {}), 200, 201);
  const patched = ok(await as(v === "native-system" ? "admin" : "owner")("PATCH", `/api/v1/sessions/${id}`, { invited: ["invited"] }), 200).body;
  const facts: Facts = { owner: patched.owner, members: patched.members.map((m: { userId: string }) => m.userId), invited: patched.invited, visibility: patched.visibility };
  assert.deepEqual(facts, declaredFacts(v), `the ${v} fixture is not what the matrix assumes`);
  return { id, number: patched.number, service: patched.serviceId, facts };
}

import type { Api, Listener } from "../../helpers/error-formats.js";
import type { Prng } from "../../helpers/prng.js";
import { requestHead } from "../../helpers/raw-http.js";
import { HOLE, HOSTILE_IDS, TWO_MIB, badCredential, hostileBody, hostileFragment, hostilePath, rawBytesIn, secretParam, splice } from "./hostile.js";
import { ROUTES, type Route } from "./routes.js";
import { SECRET, type Principal, type World } from "./world.js";

/** One generated request, with what the checks need to know about it. */
export interface FuzzRequest {
  index: number;
  listener: Listener;
  method: string;
  /** The request target as sent (may hold raw bytes). */
  target: Buffer;
  head: Buffer;
  body?: Buffer;
  /** A valid credential was sent (in some scheme). */
  authenticated: boolean;
  /** A weak `If-Match` was sent to a route that honours `If-Match`. */
  weakIfMatch: boolean;
  /** The route and what was done to it, for the report. */
  label: string;
}

export interface Listeners {
  main: number;
  maxscale: number;
  roundware: number;
}

export interface BadJwts {
  expired: string;
  wrongKey: string;
  none: string;
}

const PREFIX: Record<Api, string> = { native: "/api/v1", game: "", maxscale: "/v1", sas: "/compute", roundware: "/api/2" };
const OTHER_METHODS = ["PUT", "PATCH", "DELETE", "POST", "OPTIONS", "PROPFIND", "TRACE", "GET", "HEAD", "FOO", "CONNECT", "get"];
const WEIGHTED_ROUTES = ROUTES.map((r) => [r.weight ?? 1, r] as const);

function listenerFor(r: Prng, api: Api): { listener: Listener; prefix: string } {
  if (api === "maxscale" && r.chance(0.5)) return { listener: "maxscale", prefix: r.pick(["/v1", ""]) };
  if (api === "roundware" && r.chance(0.4)) return { listener: "roundware", prefix: "/api/2" };
  return { listener: "main", prefix: PREFIX[api] };
}

/** A value for a path placeholder: mostly one the world holds, sometimes one of another API, sometimes hostile. */
function fill(r: Prng, w: World, name: string): string {
  if (r.chance(0.12)) return r.pick(HOSTILE_IDS);
  const nativeRef = () => {
    const s = r.pick(w.native);
    return r.chance(0.7) ? s.id : String(s.number);
  };
  const numbers = () => String(r.chance(0.7) ? r.pick([...w.native.map((s) => s.number), ...w.roundware]) : 1 + r.int(60));
  const pickers: Record<string, () => string> = {
    nid: () => r.weighted([[6, nativeRef], [2, () => r.pick(w.game)], [1, () => String(r.pick(w.roundware))], [1, () => r.pick(w.sas).replace(/-ses0000$/, "")]])(),
    gid: () => r.weighted([[8, () => r.pick(w.game)], [2, () => r.pick(w.native).id], [1, () => r.pick(w.game).toUpperCase()]])(),
    rid: () => (r.chance(0.8) ? String(r.pick(w.roundware)) : numbers()),
    mid: numbers,
    anyNumber: numbers,
    sid: () => (r.chance(0.85) ? r.pick(w.sas) : `${r.pick(w.native).id}-ses0000`),
    jid: () => r.pick(w.sasJobs).job,
    ctx: () => r.pick([...w.contexts, "SAS Job Execution compute context"]).replace(/ /g, "%20"),
    svc: () => r.pick(w.services),
    spareSvc: () => "spare-svc",
    tok: () => r.pick(w.tokenIds),
    spare: () => r.pick(w.spareUsers),
    anyUser: () => r.pick([...w.spareUsers, ...w.principals.map((p) => p.user)]),
    member: () => r.pick(["me", ...w.principals.map((p) => p.user)]),
    lang: () => String(r.pick([...w.languages, 50, 51, 2])),
    proj: () => String(r.pick([...w.projects, 999])),
    ref: () => r.pick(["F1", "f1", "F2", "NOPE"]),
    lib: () => r.pick(["WORK", "work", "USER"]),
    var: () => r.pick(["SYSCC", "SYSJOBID", "X", "sysuserid", "NOPE"]),
    result: () => r.pick(["1", "x"]),
    stream: () => r.pick(["log", "listing", "log/content", "listing/content"]),
  };
  return pickers[name]!();
}

function principalFor(r: Prng, w: World, route: Route): Principal {
  const admins = w.principals.filter((p) => p.admin);
  if ((route.admin || route.api === "maxscale") && r.chance(0.75)) return r.pick(admins);
  return r.pick(w.principals);
}

function credential(r: Prng, api: Api, p: Principal): string {
  const basic = p.basic ? `Basic ${Buffer.from(p.basic).toString("base64")}` : null;
  const forms: Record<Api, (string | null)[]> = {
    native: [`Bearer ${p.token}`, `token ${p.token}`, `Bearer ${p.jwt}`, `jwt ${p.jwt}`, basic],
    game: [`jwt ${p.jwt}`, `JWT ${p.jwt}`, `Bearer ${p.jwt}`, `token ${p.token}`],
    maxscale: [basic, basic, `Bearer ${p.token}`, `jwt ${p.jwt}`],
    sas: [`Bearer ${p.token}`, `bearer ${p.token}`, `Bearer ${p.jwt}`],
    roundware: [`token ${p.token}`, `Token ${p.token}`, `Bearer ${p.token}`],
  };
  return r.pick(forms[api].filter((f): f is string => f !== null));
}

function jsonBody(r: Prng, route: Route, w: World): Buffer {
  const value = route.body!(r, w);
  let text = JSON.stringify(value);
  while (text.includes(`"${HOLE}"`)) text = splice(JSON.parse(text), hostileFragment(r));
  return Buffer.from(text);
}

function chunked(body: Buffer): Buffer {
  const half = Math.floor(body.length / 2);
  const parts = [body.subarray(0, half), body.subarray(half)].filter((p) => p.length > 0);
  return Buffer.concat([...parts.flatMap((p) => [Buffer.from(`${p.length.toString(16)}\r\n`), p, Buffer.from("\r\n")]), Buffer.from("0\r\n\r\n")]);
}

/** Request `index` of the run: a function of the seed, the index and the world only. */
export function generate(root: Prng, index: number, w: World, ports: Listeners, jwts: BadJwts): FuzzRequest {
  const r = root.fork(index);
  const tags: string[] = [];
  const route = r.weighted(WEIGHTED_ROUTES);
  let { listener, prefix } = listenerFor(r, route.api);
  if (r.chance(0.03)) {
    listener = r.pick(["maxscale", "roundware"] as const);
    tags.push("other-listener");
  }

  let path = prefix + route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => fill(r, w, name));
  if (path === "") path = "/";
  let query = route.query && r.chance(0.8) ? route.query(r) : "";
  if (r.chance(0.05)) {
    query = [query, secretParam(r)].filter(Boolean).join("&");
    tags.push("secret-param");
  }
  if (r.chance(0.01)) {
    query = [query, `pad=${"p".repeat(9000)}`].filter(Boolean).join("&");
    tags.push("long-url");
  }
  if (r.chance(0.03)) query = [query, r.pick(["__proto__[isAdmin]=true", "constructor[prototype][isAdmin]=true", "__proto__=1", "a=%", "a=%G1", "a=%00", "%=1", "a[b][c][d][e][f]=1"])].filter(Boolean).join("&");

  let method = route.method;
  if (method === "GET" && r.chance(0.06)) method = "HEAD";
  if (r.chance(0.04)) {
    method = r.pick(OTHER_METHODS);
    tags.push("other-method");
  }

  let target = query ? `${path}?${query}` : path;
  if (r.chance(0.2)) {
    target = hostilePath(r, path) + (query ? `?${query}` : "");
    tags.push("hostile-path");
  }
  let rawTarget: Buffer = Buffer.from(target, "latin1");
  if (r.chance(0.03)) {
    rawTarget = rawBytesIn(r, target);
    tags.push("raw-bytes");
  }

  const headers: [string, string | Buffer][] = [["Host", `127.0.0.1:${ports[listener]}`]];
  const principal = principalFor(r, w, route);
  let authenticated = false;
  const auth = r.weighted<"valid" | "bad" | "none" | "both">([[78, "valid"], [12, "bad"], [7, "none"], [3, "both"]]);
  if (auth === "valid" || auth === "both") {
    headers.push(["Authorization", credential(r, route.api, principal)]);
    authenticated = true;
  }
  if (auth === "bad" || auth === "both") {
    headers.push(["Authorization", badCredential(r, jwts)]);
    tags.push("bad-credential");
  }
  if (auth === "none") tags.push("no-credential");

  let body: Buffer | undefined;
  if (route.body && method !== "GET" && method !== "HEAD") body = jsonBody(r, route, w);
  if (r.chance(0.08)) {
    body = hostileBody(r);
    tags.push("hostile-body");
  }
  if (r.chance(0.0006)) {
    body = TWO_MIB;
    tags.push("2MiB-body");
  }
  if (body && r.chance(0.9)) {
    headers.push(["Content-Type", r.weighted([[20, "application/json"], [1, "application/json; charset=latin1"], [1, "text/plain"], [1, "application/x-www-form-urlencoded"], [1, "multipart/form-data"], [1, "application/merge-patch+json"], [1, ";;;"], [1, "application/vnd.sas.compute.job.request+json"], [1, "application/json; x=\u00e9"]])]);
  }

  const weakIfMatch = !!route.ifMatch && r.chance(0.05);
  if (weakIfMatch) {
    headers.push(["If-Match", `W/"${r.int(4)}"`]);
    tags.push("weak-if-match");
  } else if (r.chance(0.03)) headers.push(["If-Match", r.pick(['"0"', '"1"', "*", '"0000000000000000000000000000000000000000"', "garbage"])]);
  if (r.chance(0.03)) headers.push(["If-None-Match", r.pick(["*", 'W/"0"', '"1", "2"'])]);
  if (r.chance(0.02)) headers.push(["Origin", r.pick(["http://evil.example", "null", "https://app.example"])]);
  if (r.chance(0.03)) headers.push(["Accept", r.pick(["text/html", "application/xml", "*/*", "application/vnd.sas.compute.session+json;application/json", "text/plain", ";;;"])]);
  if (r.chance(0.01)) headers.push(["Idempotency-Key", r.pick(["k1", "x".repeat(300), ""])]);
  if (r.chance(0.01)) headers.push(["X-Request-Id", r.pick(["../../x", "a".repeat(200), "ok-1"])]);
  if (r.chance(0.01)) headers.push(["X-Session-Password", r.pick(["pw-room", SECRET])]);
  if (r.chance(0.005)) headers.push(["Expect", "100-continue"]);

  // Header shapes the parser itself must answer, each in the owning API's format.
  const shape = r.weighted<string>([[93, ""], [1.5, "huge-header"], [1, "many-headers"], [1, "raw-header-bytes"], [1, "bad-header-name"], [0.5, "no-host"], [1, "chunked"], [0.5, "two-lengths"], [0.5, "absolute-target"]]);
  if (shape) tags.push(shape);
  if (shape === "huge-header") headers.push(["X-Fill", "f".repeat(r.pick([17 * 1024, 64 * 1024]))]);
  if (shape === "many-headers") for (let i = 0; i < 200; i += 1) headers.push([`X-Many-${i}`, "m".repeat(100)]);
  if (shape === "raw-header-bytes") headers.push(["X-Note", Buffer.from([0x61, 0xe9, 0xff, 0x62])]);
  if (shape === "bad-header-name") headers.push([r.pick(["Bad Header", "X-Bad\u0001", "X(bad)"]), "1"]);
  if (shape === "no-host") headers.shift();
  if (shape === "absolute-target") rawTarget = Buffer.concat([Buffer.from(`http://127.0.0.1:${ports[listener]}`), rawTarget]);
  if (shape === "chunked" && body) {
    headers.push(["Transfer-Encoding", "chunked"]);
    body = chunked(body);
  } else if (body || ["POST", "PUT", "PATCH"].includes(method)) {
    headers.push(["Content-Length", String(body?.length ?? 0)]);
    if (shape === "two-lengths") headers.push(["Content-Length", String((body?.length ?? 0) + 1)]);
  }

  return {
    index,
    listener,
    method,
    target: rawTarget,
    head: requestHead(method, rawTarget, headers),
    ...(body ? { body } : {}),
    authenticated,
    weakIfMatch,
    label: `${route.api} ${route.method} ${route.path}${tags.length ? ` [${tags.join(", ")}]` : ""}`,
  };
}

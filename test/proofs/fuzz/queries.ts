import type { Prng } from "../../helpers/prng.js";
import { HUGE_NUMBERS } from "./hostile.js";

/**
 * Each API's own list syntax, within its limits and past them (the core's defaults:
 * 64 terms, nesting 8, 256 values in one `in`): the 600 repeated conditions, the 500-deep
 * `and(...)` and the 600-value `in(...)` an outside tester sent.
 */

const SIZES = [1, 2, 8, 9, 64, 65, 256, 257, 600];
const DEPTHS = [1, 8, 9, 50, 500];
const q = encodeURIComponent;

const repeat = (n: number, f: (i: number) => string, sep: string) => Array.from({ length: n }, (_, i) => f(i)).join(sep);
const nest = (depth: number, open: string, inner: string) => `${open.repeat(depth)}${inner}${")".repeat(depth)}`;

export function nativeQuery(r: Prng): string {
  const n = r.pick(SIZES);
  return r.weighted<() => string>([
    [3, () => repeat(n, (i) => `attributes.color=${r.pick(["red", "blue", String(i)])}`, "&")],
    [2, () => `state=${repeat(n, () => r.pick(["idle", "running", "pending", "ended"]), ",")}`],
    [2, () => `sort=${repeat(Math.min(n, 64), () => r.pick(["-createdAt", "name", "number", "-memberCount", "status", "password", "passwordHash", "__proto__"]), ",")}`],
    [2, () => `limit=${r.pick([...HUGE_NUMBERS, "0", "1000", "1001", "abc"])}`],
    [1, () => `cursor=${r.pick(["abc", "%00", "eyJ9", "x".repeat(3000), q('{"k":[1,2]}'), q(Buffer.from('{"__proto__":1}').toString("base64"))])}`],
    [2, () => `${r.pick(["createdAfter", "createdBefore"])}=${q(r.pick(["2025-01-01T00:00:00Z", "garbage", "+275760-09-13T00:00:00.001Z", "8640000000000", "-271821-04-20T00:00:00.000Z"]))}`],
    [2, () => `${r.pick(["attributes.a.b.c.d.e", "attributes.", "attributes.__proto__", "attributes.constructor.prototype", `attributes.${"k".repeat(65)}`, "attributes.n"])}=${r.pick(["1", "true", "1e400", ""])}`],
    [1, () => `count=${r.pick(["true", "maybe", "1"])}&visibility=${r.pick(["public", "private", "friends"])}&member=${r.pick(["alice", "bob"])}`],
    [2, () => `service=${r.pick(["fz", "game", "tour", "nope"])}&owner=${r.pick(["alice", "bob", ""])}&status=${r.pick(["lobby", "x"])}`],
  ])();
}

export function gameQuery(r: Prng): string {
  const n = r.pick(SIZES);
  const field = () => r.pick(["status", "visibility", "hostUid", "users", "invited", "numTeams", "teamSize", "version", "dateCreated", "hasPassword", "data.map", "uid"]);
  return r.weighted<() => string>([
    [3, () => repeat(n, (i) => `status=${r.pick(["lobby", "in-game", `s${i}`])}`, "&")],
    [3, () => `${field()}=in(${repeat(n, (i) => r.pick(["lobby", "1", "alice", `v${i}`]), ",")})`],
    [2, () => `${field()}=${r.pick(["gt(1)", "range(1)", "range(1,3)", "like(lob%)", "like(^a)", "eq(phase(2))", "foo(x)", "ne(x)", "gte(2025-03-01T00:00:00Z)", "gt(abc)", `gt(${r.pick(HUGE_NUMBERS)})`, "in()", "range(,)", "like(" + "%".repeat(500) + ")"])}`],
    [2, () => `sort=${q(r.pick(['{"numTeams":"DESC"}', "status", '{"password":"ASC"}', "{bad", '{"status":"UP"}', '{"__proto__":"ASC"}', JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, "ASC"]))), "[".repeat(1001) + "]".repeat(1001)]))}`],
    [0.1, () => `sort=${"%5B".repeat(100_000)}`],
    [2, () => `limit=${r.pick([...HUGE_NUMBERS, "0", "5000", "abc"])}&skip=${r.pick([...HUGE_NUMBERS, "-2", "40"])}`],
    [1, () => `password=${r.pick(["x", "like(^a)"])}&foo=1&_=123&jwt_token=x`],
    [1, () => `data.${r.pick(["map", "__proto__", "constructor", "a.b"])}=${r.pick(["harbor", "in(a,b)", "gt(1)"])}`],
  ])();
}

export function maxscaleQuery(r: Prng): string {
  const n = r.pick(SIZES);
  const pointer = () => r.pick(["/id", "/attributes/state", "/attributes/user", "/relationships/services/data/0/id", "/attributes/memory/total", "/attributes/sessionhub/members", "/__proto__", "/attributes/~1x"]);
  return r.weighted<() => string>([
    [3, () => `filter=${q(`${pointer()}=${nest(r.pick(DEPTHS), r.pick(["and(", "or(", "not("]), r.pick(["eq(1)", "ge(2)", '"rw"', "le(3)"]))}`)}`],
    [3, () => `filter=${q(`${pointer()}=or(${repeat(n, (i) => `eq(${i})`, ",")})`)}`],
    [2, () => `filter=${q(`${pointer()}=${r.pick(["and(ge(2),le(3))", "bogus(1)", "eq(", '"rw"', "", "eq(1))", "eq(1e400)", "eq(8640000000000)", "[".repeat(1001), "eq(" + "[".repeat(1001) + "]".repeat(1001) + ")"])}`)}`],
    [2, () => repeat(Math.min(n, 64), (i) => `filter[${r.pick(["attributes.user", "$.id", "attributes.queries[*].statement", "relationships.services.data[0].id", "a[99999999999]"])}]=${q(`eq(${i})`)}`, "&")],
    [2, () => `page[size]=${r.pick([...HUGE_NUMBERS, "2", "0", "x"])}&page[number]=${r.pick([...HUGE_NUMBERS, "1"])}`],
    [2, () => `fields[sessions]=${q(r.pick(["state", "services", "memory/total", repeat(n, (i) => `a${i}`, ","), "a/".repeat(600)]))}&pretty=${r.pick(["false", "banana", "0"])}`],
    [1, () => `rdns=${r.pick(["true", "false"])}&sync=false`],
  ])();
}

export function sasQuery(r: Prng): string {
  const n = r.pick(SIZES);
  const field = () => r.pick(["id", "name", "owner", "state", "serverId", "creationTimeStamp", "description", "password", "__proto__"]);
  return r.weighted<() => string>([
    [3, () => `filter=${q(`and(${repeat(Math.max(2, n), (i) => `eq(${field()},'v${i}')`, ",")})`)}`],
    [3, () => `filter=${q(nest(r.pick(DEPTHS), r.pick(["and(eq(name,'a'),", "or(eq(name,'a'),", "not("]), `eq(${field()},'x')`))}`],
    [3, () => `filter=${q(`in(${field()},${repeat(n, (i) => `'v${i}'`, ",")})`)}`],
    [2, () => `filter=${q(r.pick(["eq(name,'O'Brien')", "eq( id,'x')", "eq(name, \"x\")", "isNull(description)", "bogus(name,1)", "eq(", "and(eq(name,'a'))", `gt(creationTimeStamp,'${r.pick(HUGE_NUMBERS)}')`, `eq(name,'${"x".repeat(10_000)}')`]))}`],
    [2, () => `sortBy=${q(repeat(Math.min(n, 64), () => r.pick(["name", "name:descending", "creationTimeStamp:ascending", "id:sideways", "password"]), ","))}`],
    [2, () => `start=${r.pick([...HUGE_NUMBERS, "-1", "x"])}&limit=${r.pick([...HUGE_NUMBERS, "0", "x"])}`],
    [1, () => `type=${r.pick(["note|error", "source,normal", "x"])}&timeout=${r.pick(["1", "-1", "1e400"])}&wait=${r.pick(["0", "1", "8640000000000"])}`],
    [1, () => `includeTypes=ODS&excludeTypes=${r.pick(["FILE", "x"])}&_action=wait`],
  ])();
}

export function roundwareQuery(r: Prng): string {
  const n = r.pick(SIZES);
  return r.weighted<() => string>([
    [3, () => `project_id=${r.pick(["1", "1.0", "1.5", "abc", "", "-0", "+1", ...HUGE_NUMBERS])}`],
    [2, () => repeat(n, (i) => `project_id=${i}`, "&")],
    [2, () => `${r.pick(["geo_listen_enabled", "demo_stream_enabled"])}=${r.pick(["true", "False", "1", "maybe", ""])}`],
    [2, () => `language=${r.pick(["en", "ES", "es-MX", ""])}&language_id=${r.pick(["1", "2", "x", "1e400"])}`],
    [2, () => `device_id=${q(r.pick(["12891038109281", "", "é", "x".repeat(300)]))}&client_type=web&timezone=-0800`],
    [1, () => `session_id=${r.pick(["1", "abc", "99999999999999999999", "-1"])}&page=2&page_size=1&format=json&all=true`],
    [1, () => `language_code=${r.pick(["E", "en", ""])}&name=${r.pick(["Eng", "%", "_"])}`],
  ])();
}

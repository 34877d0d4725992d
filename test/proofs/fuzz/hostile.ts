import type { Prng } from "../../helpers/prng.js";
import { SECRET } from "./world.js";

/**
 * Hostile inputs, each a class an outside tester used or one next to it: deep and
 * malformed JSON, wrong types, huge numbers and strings, unicode, percent-encoding tricks,
 * raw bytes, overlong paths and headers, prototype keys, bad credentials.
 */

/** `[[[…]]]` or `{"a":{"a":…}}` nested `depth` levels, as text (JSON.stringify would recurse). */
export function deepJson(depth: number, kind: "array" | "object"): string {
  return kind === "array" ? `${"[".repeat(depth)}${"]".repeat(depth)}` : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

/** A JSON value with a raw fragment spliced in where `HOLE` stands. */
export const HOLE = "__FUZZ_HOLE__";
export function splice(value: unknown, fragment: string): string {
  return JSON.stringify(value).replace(`"${HOLE}"`, fragment);
}

export const HUGE_NUMBERS = ["8640000000000", "8640000000000000", "1e308", "-1e308", "1e400", "-1e400", "9007199254740993", "123456789012345678901234567890", "-0", "0.5", "-1", "2147483648", "18446744073709551616", "1e-400"];

export const STRANGE_STRINGS = [
  "",
  " ",
  "😀",
  "\u202eevil",
  "\u200b",
  "\u0000",
  "a\nb",
  "\ud800",
  "é",
  "' OR 1=1 --",
  '"; DROP TABLE sessions; --',
  "%00",
  "${jndi:x}",
  "<script>x</script>",
  "__proto__",
  "constructor",
  "x".repeat(300),
  "y".repeat(10_000),
];

/** A JSON fragment (text) of a hostile scalar or structure. */
export function hostileFragment(r: Prng): string {
  return r.weighted<() => string>([
    [3, () => r.pick(HUGE_NUMBERS)],
    [3, () => JSON.stringify(r.pick(STRANGE_STRINGS))],
    [2, () => r.pick(["null", "true", "[]", "{}", "[1,2,3]", '{"a":1}', '""', "0"])],
    [2, () => deepJson(r.pick([33, 1001]), r.pick(["array", "object"] as const))],
    [1, () => '{"__proto__":{"isAdmin":true,"polluted":1},"constructor":{"prototype":{"polluted":1}}}'],
    [1, () => JSON.stringify(Array.from({ length: 2000 }, (_, i) => `v${i}`))],
  ])();
}

/** A whole hostile body: malformed, wrong type, deep, huge, pollution keys. */
export function hostileBody(r: Prng): Buffer {
  return r.weighted<() => Buffer>([
    [4, () => Buffer.from(r.pick(["{", '{"a":', "[1,2", '{"a":1,}', "nul", "{'a':1}", '{"a":1}{"b":2}', '{"a":"\\x"}', '{"a":"\\ud800"}', "\ufeff{}", '{"a" 1}', "", " "]))],
    [3, () => Buffer.from(r.pick(["null", "[]", '"str"', "1", "true", "{}", "[{}]", "1e400"]))],
    [2, () => Buffer.from(deepJson(1001, r.pick(["array", "object"] as const)))],
    [0.15, () => Buffer.from(deepJson(100_000, r.pick(["array", "object"] as const)))],
    [2, () => Buffer.from('{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"isAdmin":true}},"hasOwnProperty":1,"toString":"x"}')],
    [2, () => Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]), Buffer.from('"}')])],
    [0.3, () => Buffer.from(JSON.stringify({ name: "z".repeat(200_000) }))],
    [1, () => Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 0xff))],
  ])();
}

/** A body over every API's 1 MiB limit. */
export const TWO_MIB = Buffer.from(JSON.stringify({ name: "x", blob: "b".repeat(2 * 1024 * 1024) }));

/** Values for an id in a path: malformed, out of range, encoded, overlong. */
export const HOSTILE_IDS = [
  "0",
  "-1",
  "abc",
  "1x",
  "007",
  "1.5",
  "1e3",
  "99999999999999999999",
  "18446744073709551616",
  "%00",
  "%",
  "%G1",
  "%2F",
  "%252F",
  "..",
  "%2e%2e",
  "%E2%82%AC",
  "%F0%9F%98%80",
  "%C3%28",
  "%FF",
  "__proto__",
  "constructor",
  "%20",
  "me",
  "a".repeat(513),
  "0190f3c2-7d1e-7a43-9b5e-4f6a2d8c1e77",
  "0190f3c2-7d1e-7a43-9b5e-4f6a2d8c1e77-ses0000",
];

/** Percent-encodes one character of a segment (as `%70rojects` does for `projects`). */
export function encodeOneLetter(r: Prng, segment: string): string {
  const letters = [...segment].map((c, i) => [c, i] as const).filter(([c]) => /[A-Za-z0-9._~-]/.test(c));
  if (letters.length === 0) return segment;
  const [c, i] = r.pick(letters);
  const hex = c.charCodeAt(0).toString(16).padStart(2, "0");
  return segment.slice(0, i) + `%${r.chance(0.5) ? hex : hex.toUpperCase()}` + segment.slice(i + 1);
}

/**
 * A path turned hostile: an encoded letter, a raw `#`, a bad escape, an encoded or
 * doubled slash, a double encoding, an overlong segment, dot segments, upper case.
 * Returns text; raw bytes are added by `rawBytesIn`.
 */
export function hostilePath(r: Prng, path: string): string {
  const segments = path.split("/");
  const at = 1 + r.int(Math.max(1, segments.length - 1));
  const seg = segments[at] ?? "";
  const set = (v: string) => {
    segments[at] = v;
    return segments.join("/");
  };
  return r.weighted<() => string>([
    [5, () => set(encodeOneLetter(r, seg))],
    [2, () => set(`${seg}#frag`)],
    [1, () => `${path}#`],
    [3, () => set(`${seg}${r.pick(["%", "%G1", "%00", "%2F", "%2f", "%252F", "%25", "%5C", "%0A", "%0D%0A", "%7F", "%u0041"])}`)],
    [1, () => set(r.pick(["%2e", "%2e%2e", ".", ".."]))],
    [1, () => path.replace("/", "//")],
    [2, () => set("s".repeat(r.pick([513, 600, 5000])))],
    [1, () => `${path}/${"q".repeat(9000)}`],
    [1, () => set(seg.toUpperCase())],
    [1, () => set(encodeURIComponent(encodeURIComponent(seg)))],
    [1, () => set(`${seg};x=1`)],
  ])();
}

/** Raw bytes a request line must not carry: non-ASCII, controls. */
export function rawBytesIn(r: Prng, target: string): Buffer {
  const at = 1 + r.int(Math.max(1, target.length - 1));
  const bytes = r.pick([[0xe9], [0xff], [0xc3, 0xa9], [0x80], [0x00], [0x7f], [0x01], [0x09], [0xf0, 0x9f, 0x98, 0x80]]);
  return Buffer.concat([Buffer.from(target.slice(0, at), "latin1"), Buffer.from(bytes), Buffer.from(target.slice(at), "latin1")]);
}

/** Query parameters whose values are secrets: none may reach a log line. */
export function secretParam(r: Prng): string {
  const name = r.pick(["password", "pass%77ord", "PASSWORD", "Password", "%70assword", "p%61ssword", "token", "TOKEN", "access_token", "jwt_token", "secret", "%73ecret"]);
  return `${name}=${SECRET}-${r.int(1000)}`;
}

/** Authorization values that must all fail: malformed, unknown, expired, other schemes. */
export function badCredential(r: Prng, jwts: { expired: string; wrongKey: string; none: string }): string | Buffer {
  return r.weighted<() => string | Buffer>([
    [3, () => r.pick(["Bearer", "Bearer ", "Bearer a b", "token", "token a b", "jwt", "jwt a b", "Basic", "Foo bar", "Bearer\tx", "Negotiate abc", "Digest x"])],
    [3, () => r.pick([`Bearer shk_${SECRET}`, `token shk_${SECRET}`, `jwt ${SECRET}`, "Bearer x.y.z", "jwt a.b.c", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.", `Bearer ${"t".repeat(20_000)}`])],
    [2, () => r.pick([jwts.expired, jwts.wrongKey, jwts.none]).replace(/^/, r.pick(["Bearer ", "jwt ", "JWT "]))],
    [2, () => r.pick(["Basic !!!", "Basic ====", `Basic ${Buffer.from("nocolon").toString("base64")}`, `Basic ${Buffer.from([0xff, 0x3a, 0xfe]).toString("base64")}`, "Basic  b3Bz", "Basic b3Bz OnB3"])],
    [0.3, () => `Basic ${Buffer.from(`ops:${SECRET}`).toString("base64")}`],
    [1, () => Buffer.concat([Buffer.from("Bearer "), Buffer.from([0xe9, 0xff])])],
    [1, () => Buffer.concat([Buffer.from("token "), Buffer.from([0xc3, 0xa9])])],
  ])();
}

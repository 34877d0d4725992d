import type { Failure } from "./check.js";

/** Bytes as printable text: controls and non-ASCII as \xNN, so a report line replays exactly. */
export function printable(s: string | Buffer, max = 300): string {
  const bin = Buffer.isBuffer(s) ? s.toString("latin1") : s;
  const cut = bin.length > max ? `${bin.slice(0, max)}…(${bin.length} bytes)` : bin;
  return cut.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** The label without the tags: the route, which is what a developer fixes. */
const routeOf = (f: Failure) => f.request.label.replace(/ \[.*$/, "");

/**
 * A compact report: per class, the count, the routes it hit, and the first few failures
 * (preferring different routes) with everything needed to replay them.
 */
export function report(seed: number, failures: Failure[], perClass = 6): string {
  const lines: string[] = [];
  const classes = new Map<string, Failure[]>();
  for (const f of failures) classes.set(f.kind, [...(classes.get(f.kind) ?? []), f]);
  for (const [kind, list] of classes) {
    const routes = new Map<string, number>();
    for (const f of list) routes.set(routeOf(f), (routes.get(routeOf(f)) ?? 0) + 1);
    lines.push(`\n== ${kind}: ${list.length} (${routes.size} routes)`);
    lines.push(`   routes: ${[...routes].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${r} ×${n}`).join("; ")}`);
    const causes = new Map<string, number>();
    for (const f of list) {
      const cause = `${f.status ?? "-"} ${printable(f.note || f.body, 90).replace(/\d+/g, "N")}`;
      causes.set(cause, (causes.get(cause) ?? 0) + 1);
    }
    lines.push(`   causes: ${[...causes].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([c, n]) => `${c} ×${n}`).join("; ")}`);
    const seen = new Set<string>();
    const examples = [...list.filter((f) => !seen.has(routeOf(f)) && seen.add(routeOf(f))), ...list].slice(0, perClass);
    for (const f of new Set(examples)) {
      const r = f.request;
      lines.push(`   seed ${seed} #${r.index} ${r.listener} ${printable(r.method, 20)} ${printable(r.target)} → ${f.status ?? "-"} ${f.note ? `(${printable(f.note, 160)}) ` : ""}${printable(f.body, 200)}`);
      lines.push(`      ${r.label}${r.body ? `; body ${printable(r.body, 120)}` : ""}`);
    }
  }
  return lines.join("\n");
}

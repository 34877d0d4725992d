import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { Report } from "./types.js";

const short = (s: string, n = 58) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * Every figure that has a ceiling: sessionhub's rate beside its ceiling's (log scale),
 * and the ratio beside its goal. Rendered to SVG headless by vega (no canvas needed).
 */
export async function chartSvg(report: Report): Promise<string> {
  // A log scale cannot show a zero: a side that answered nothing in its window is left out, and said so.
  const rows = report.targets.flatMap((t) =>
    t.figures
      .filter((f) => f.chart)
      .map((f) => {
        const missing = !(f.chart!.ours > 0 && f.chart!.ceiling > 0);
        return { op: short(`${t.id}. ${f.name}`) + (missing ? " (a side had no answer)" : ""), ...f.chart!, ratio: missing ? null : f.chart!.ours / f.chart!.ceiling };
      }),
  );
  const rates = rows.flatMap((r) => [
    { op: r.op, who: "sessionhub", rps: r.ours },
    { op: r.op, who: "its ceiling", rps: r.ceiling },
  ]).filter((r) => r.rps > 0);
  const order = rows.map((r) => r.op);
  const y = { field: "op", type: "nominal", sort: order, title: null, axis: { labelLimit: 420 } } as const;
  const spec: TopLevelSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: `sessionhub against its ceilings — ${report.date.slice(0, 10)}`, subtitle: `${report.machine.cores} cores, Node ${report.machine.node}; ceilings: bare node:http with the same bytes, the app without hooks, the native API, raw pg selects, json-server` },
    hconcat: [
      {
        title: "requests per second (log scale)",
        width: 300,
        data: { values: rates },
        mark: { type: "bar" },
        encoding: {
          y,
          yOffset: { field: "who" },
          x: { field: "rps", type: "quantitative", scale: { type: "log" }, stack: null, title: "req/s" },
          color: { field: "who", type: "nominal", title: null, scale: { domain: ["sessionhub", "its ceiling"], range: ["#4c78a8", "#bab0ac"] }, legend: { orient: "bottom" } },
        },
      },
      {
        title: "ratio to the ceiling; tick = goal (log scale)",
        width: 260,
        data: { values: rows },
        layer: [
          {
            mark: { type: "bar" },
            encoding: {
              y: { ...y, axis: null },
              x: { field: "ratio", type: "quantitative", scale: { type: "log" }, stack: null, title: "sessionhub ÷ ceiling" },
              color: { condition: { test: "datum.goal == null || datum.ratio >= datum.goal", value: "#54a24b" }, value: "#e45756" },
            },
          },
          { mark: { type: "tick", color: "black", thickness: 2 }, encoding: { y: { ...y, axis: null }, x: { field: "goal", type: "quantitative" } } },
        ],
      },
    ],
    // One row per figure in both panels.
    resolve: { scale: { y: "shared" } },
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  return view.toSVG();
}

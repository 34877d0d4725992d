import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import { count } from "../format.js";

export interface Bar {
  label: string;
  value: number;
  /** A class for the bar's colour. */
  tone?: string;
}

/**
 * Horizontal bars as a table: a row per label, the number written out, the bar drawn to
 * scale. Screen readers and tests read the numbers; eyes compare the bars.
 */
export function Bars({ bars, caption, id }: { bars: Bar[]; caption: string; id: string }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  return (
    <table class="bars" id={id}>
      <caption>{caption}</caption>
      <tbody>
        {bars.map((b) => (
          <tr key={b.label} data-label={b.label}>
            <th scope="row">{b.label}</th>
            <td class="value">{count(b.value)}</td>
            <td class="track" aria-hidden="true">
              <span class={`bar ${b.tone ?? ""}`} style={{ width: `${(b.value / max) * 100}%` }} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export interface Series {
  label: string;
  values: number[];
  /** A CSS custom property holding the colour, e.g. --created. */
  colour: string;
}

const cssColour = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || "#888";

/**
 * Counts per minute as lines over time (uPlot), sized to its container. `from` is the
 * first minute (epoch ms); each series has one value per minute.
 */
export function MinuteChart({ from, series, label }: { from: number; series: Series[]; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const minutes = series[0]?.values.length ?? 0;
  const data = (): uPlot.AlignedData => [Array.from({ length: minutes }, (_, i) => (from + i * 60_000) / 1000), ...series.map((s) => s.values)];

  useEffect(() => {
    const el = box.current!;
    const grid = { stroke: cssColour("--grid"), width: 1 };
    const axis = { stroke: cssColour("--muted"), grid, ticks: grid };
    plot.current = new uPlot(
      {
        width: el.clientWidth,
        height: 220,
        cursor: { drag: { x: false, y: false } },
        // The legend names the series; the numbers are in the table beside the chart.
        legend: { live: false },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.15))] } },
        axes: [axis, { ...axis, size: 44, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 100_000] }],
        series: [{}, ...series.map((s) => ({ label: s.label, stroke: cssColour(s.colour), width: 2, points: { show: false } }))],
      },
      data(),
      el,
    );
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: el.clientWidth, height: 220 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, []);

  useEffect(() => {
    plot.current?.setData(data());
  }, [from, ...series.map((s) => s.values.join())]);

  return <div class="chart" ref={box} role="img" aria-label={label} />;
}

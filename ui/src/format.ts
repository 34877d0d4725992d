import { useEffect, useState } from "preact/hooks";

const pad = (n: number) => String(n).padStart(2, "0");

/** `2025-12-07 14:03:09`, in the browser's time zone. */
export function dateTime(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86_400_000],
  ["month", 30 * 86_400_000],
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
  ["second", 1000],
];
const relativeFormat = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** `3 minutes ago`, `in 5 minutes`, `now`. */
export function relative(iso: string, now = Date.now()): string {
  const diff = Date.parse(iso) - now;
  if (Math.abs(diff) < 5000) return "now";
  const [unit, ms] = UNITS.find(([, ms]) => Math.abs(diff) >= ms) ?? UNITS.at(-1)!;
  return relativeFormat.format(Math.round(diff / ms), unit);
}

export const count = (n: number) => n.toLocaleString("en");

/** `1 session`, `2 sessions`. */
export const plural = (n: number, one: string, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;

/** Re-renders the caller every `ms`, for relative times. */
export function useNow(ms = 15_000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

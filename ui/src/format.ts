import { useEffect } from "preact/hooks";
import { Observable, useObservable } from "./observable.js";

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

/** Ticks every 15 s, from one timer that runs while anything shows a relative time. */
const clock = new Observable(Date.now());
let users = 0;
let timer: ReturnType<typeof setInterval> | undefined;

/** The time now, and a re-render of the caller as the clock moves, for relative times. */
export function useNow(): number {
  useEffect(() => {
    if (users++ === 0) timer = setInterval(() => clock.set(Date.now()), 15_000);
    return () => {
      if (--users === 0) clearInterval(timer);
    };
  }, []);
  useObservable(clock);
  return Date.now();
}

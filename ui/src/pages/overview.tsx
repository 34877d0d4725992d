import { useEffect, useState } from "preact/hooks";
import { api } from "../api.js";
import { Alert, Time } from "../components/bits.js";
import { Bars, MinuteChart } from "../components/charts.js";
import { EventList } from "../components/event-list.js";
import { useConsole } from "../context.js";
import { count, dateTime } from "../format.js";
import { isSessionEvent, useLive } from "../hooks.js";
import { useObservable } from "../observable.js";
import { href } from "../route.js";
import type { Stats } from "../types.js";

const REFRESH_MS = 2000;
const ROLL_MS = 30_000;
const STATES = ["pending", "idle", "running", "ended"] as const;
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/**
 * The state of the installation at a glance, from GET /stats (aggregates the server
 * computes). Events refresh it at most every two seconds; a timer rolls the hour on.
 */
export function Overview() {
  const { stream, me } = useConsole();
  const [stats, setStats] = useState<Stats | null>(null);
  const [error, setError] = useState<string | null>(null);
  const events = useObservable(stream.recent);

  const load = () =>
    api<Stats>("GET", "/stats").then(
      (s) => (setStats(s), setError(null)),
      (e: Error) => setError(`Cannot read the statistics: ${e.message}`),
    );
  useLive(load, isSessionEvent, REFRESH_MS);
  useEffect(() => {
    const timer = setInterval(load, ROLL_MS);
    return () => clearInterval(timer);
  }, []);

  if (!stats) return error ? <Alert message={error} /> : <p class="loading">Loading…</p>;
  const created = sum(stats.perMinute.created);
  const ended = sum(stats.perMinute.ended);
  const from = Date.parse(stats.perMinute.from);
  const busiest = stats.byService.slice(0, 12);
  return (
    <div class="overview">
      <div class="page-head">
        <h1>Overview</h1>
        <p class="muted">
          {me.isAdmin ? "Every session" : "Your sessions (owned or joined)"}, as of <Time iso={stats.at} />
        </p>
      </div>
      <Alert message={error} />
      <ul class="cards" aria-label="Totals">
        <li class="card" id="live-count">
          <span class="big">{count(stats.live)}</span> live sessions
        </li>
        <li class="card" id="members-count">
          <span class="big">{count(stats.members)}</span> members in live sessions
        </li>
        <li class="card" id="created-count">
          <span class="big">{count(created)}</span> created in the last hour
        </li>
        <li class="card" id="ended-count">
          <span class="big">{count(ended)}</span> ended in the last hour
        </li>
      </ul>
      <div class="panels">
        <section class="panel" aria-labelledby="by-state-title">
          <h2 id="by-state-title">Sessions by state</h2>
          <Bars id="by-state" caption="Stored sessions in each state" bars={STATES.map((s) => ({ label: s, value: stats.byState[s], tone: `state-${s}` }))} />
        </section>
        <section class="panel" aria-labelledby="by-service-title">
          <h2 id="by-service-title">Live sessions by service</h2>
          {busiest.length === 0 ? (
            <p class="muted">No sessions yet.</p>
          ) : (
            <Bars id="by-service" caption="Live sessions per service, busiest first" bars={busiest.map((s) => ({ label: s.serviceId, value: s.live }))} />
          )}
          {stats.byService.length > busiest.length ? <p class="muted">and {stats.byService.length - busiest.length} more services</p> : null}
        </section>
        <section class="panel wide" aria-labelledby="per-minute-title">
          <h2 id="per-minute-title">Created and ended per minute, last hour</h2>
          <MinuteChart
            from={from}
            label={`${created} sessions created and ${ended} ended in the last hour`}
            series={[
              { label: "Created", values: stats.perMinute.created, colour: "--created" },
              { label: "Ended", values: stats.perMinute.ended, colour: "--ended" },
            ]}
          />
          <details>
            <summary>Minutes with activity</summary>
            <table class="data" id="per-minute">
              <thead>
                <tr>
                  <th scope="col">Minute</th>
                  <th scope="col">Created</th>
                  <th scope="col">Ended</th>
                </tr>
              </thead>
              <tbody>
                {stats.perMinute.created.map((c, i) =>
                  c || stats.perMinute.ended[i] ? (
                    <tr key={i}>
                      <td>{dateTime(new Date(from + i * 60_000).toISOString()).slice(0, 16)}</td>
                      <td>{c}</td>
                      <td>{stats.perMinute.ended[i]}</td>
                    </tr>
                  ) : null,
                )}
              </tbody>
            </table>
          </details>
        </section>
        <section class="panel wide" aria-labelledby="recent-title">
          <h2 id="recent-title">Recent events</h2>
          <EventList events={events.slice(0, 8)} id="recent-events" />
          <p>
            <a href={href("events")}>All live events</a>
          </p>
        </section>
      </div>
    </div>
  );
}

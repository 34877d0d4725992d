import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { Dataset } from "../lib/scale-store.js";
import type { Hub } from "../lib/hub.js";
import { Commands, ready } from "../lib/ipc.js";
import { limitingLine, summarise } from "../lib/profile.js";
import { cpuSeconds, launch, openFileLimit, rssBytes, stop } from "../lib/procs.js";
import { sleep } from "../lib/scenario.js";
import { type Figure, type Target, int, mb, ms } from "../report/types.js";
import type { Ctx } from "./context.js";

const STREAMS = Number(process.env.BENCH_STREAMS ?? 10_000);
const CHANGES = 20;
const CHANGE_EVERY_MS = 500;
const SLOW = 200;
const SLOW_PAYLOAD = 16 * 1024;
const SLOW_LIMIT = { changes: 1000, seconds: 30, rssGrowth: 800 * 2 ** 20 };

interface Stats {
  open: number;
  closedByServer: number;
  failed: number;
  deliveries: number;
  p99: number | null;
  events: { seq: number; count: number; p50: number; p99: number; max: number }[];
}

async function waitFor(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await sleep(250);
  }
  return false;
}

export async function eventsTarget(ctx: Ctx, hub: Hub, data: Dataset): Promise<Target> {
  await hub.api("POST", "/api/v1/services", { id: "sse-bench", name: "Live events bench" });
  const watched = await hub.api<{ id: string }>("POST", "/api/v1/sessions", { serviceId: "sse-bench", name: "watched", inactiveTimeoutSeconds: 0 });
  const path = "/api/v1/events?service=sse-bench";
  const port = Number(new URL(hub.url).port);
  const client = launch(process.execPath, ["bench/sse-client.mjs"], { ipc: true });
  await ready(client);
  const sse = new Commands(client);
  const figures: Figure[] = [];
  try {
    const r = await ctx.budget.run("10,000 live streams", async () => {
      await hub.gc();
      const rss0 = rssBytes(hub.pid);
      const opened = await sse.send<{ opened: number; failed: number; ms: number }>("open", { port, path, token: data.tokens.reader, count: STREAMS });
      await sleep(2000);
      await hub.gc();
      const rss1 = rssBytes(hub.pid);
      await sse.send("reset");
      const file = join(ctx.profiles, "live-events-fan-out.cpuprofile");
      const cpu0 = cpuSeconds(hub.pid);
      const t0 = performance.now();
      const delivered = await hub.profile(file, async () => {
        for (let i = 0; i < CHANGES; i += 1) {
          await hub.api("PATCH", `/api/v1/sessions/${watched.id}`, { name: `watched ${i}` });
          await sleep(CHANGE_EVERY_MS);
        }
        return waitFor(async () => (await sse.send<Stats>("stats")).deliveries >= CHANGES * opened.opened, 30_000);
      });
      const serverCores = (cpuSeconds(hub.pid) - cpu0) / ((performance.now() - t0) / 1000);
      const stats = await sse.send<Stats>("stats");
      await sse.send("close");
      return { opened, rss0, rss1, stats, delivered, limiting: limitingLine(summarise(file), serverCores), summary: summarise(file) };
    }, { repeatable: false });
    const { opened, rss0, rss1, stats, limiting, summary } = r.result;
    const last = stats.events.map((e) => e.max).sort((a, b) => a - b);
    figures.push(
      {
        name: `${int(STREAMS)} concurrent streams on one node`,
        measured: `${int(opened.opened)} open (${opened.failed} failed) in ${(opened.ms / 1000).toFixed(1)} s; open-file limit ${int(openFileLimit(hub.pid))} in the server, ${int(openFileLimit(client.pid))} in the load generator`,
        goal: `${int(STREAMS)} open`,
        met: opened.opened >= STREAMS,
        limiting: "the open-file limit (node raises its soft limit to the hard one at start; this machine's hard limit is above)",
        conditions: r.conditions,
      },
      {
        name: "delay from a committed change to its delivery on every stream",
        measured: `p99 ${ms(stats.p99 ?? NaN)} ms over ${int(stats.deliveries)} deliveries of ${CHANGES} changes (one each ${CHANGE_EVERY_MS} ms); the last stream got each change after ${ms(last[Math.floor(last.length / 2)] ?? NaN)} ms (median), ${ms(last.at(-1) ?? NaN)} ms (worst)`,
        goal: "p99 ≤ 200 ms",
        met: stats.p99 !== null && stats.p99 <= 200 && stats.deliveries >= CHANGES * opened.opened,
        limiting,
        profile: summary,
        conditions: r.conditions,
      },
      {
        name: "memory per open stream",
        measured: `${((rss1 - rss0) / Math.max(1, opened.opened) / 1024).toFixed(1)} KB RSS per stream (${mb(rss0)} → ${mb(rss1)} after garbage collection)`,
        goal: "≤ 20 KB",
        met: (rss1 - rss0) / Math.max(1, opened.opened) <= 20 * 1024,
        limiting: "per stream: a socket with its buffers, the HTTP request objects Fastify keeps, a Set of sent event numbers, a keep-alive timer and a bus subscription",
        conditions: r.conditions,
      },
    );

    const s = await ctx.budget.run("streams that stop reading", async () => {
      await sse.send("reset");
      const opened = await sse.send<{ opened: number }>("open", { port, path, token: data.tokens.reader, count: SLOW, paused: true });
      await hub.gc();
      const rss0 = rssBytes(hub.pid);
      let rss = rss0;
      let changes = 0;
      const until = Date.now() + SLOW_LIMIT.seconds * 1000;
      while (changes < SLOW_LIMIT.changes && Date.now() < until && rss - rss0 < SLOW_LIMIT.rssGrowth) {
        await hub.api("PATCH", `/api/v1/sessions/${watched.id}`, { attributes: { blob: randomBytes(SLOW_PAYLOAD / 2).toString("hex") } });
        changes += 1;
        if (changes % 20 === 0) rss = rssBytes(hub.pid);
      }
      const rssPeak = Math.max(rss, rssBytes(hub.pid));
      // Paused sockets report no end: the streams read again, and those the server cut end.
      await sse.send("resume");
      const settled = Date.now() + 15_000;
      let stats = await sse.send<Stats>("stats");
      while (stats.open > 0 && Date.now() < settled) {
        await sleep(500);
        stats = await sse.send<Stats>("stats");
      }
      await sse.send("close");
      await sleep(1000);
      await hub.gc();
      return { opened: opened.opened, changes, rss0, rssPeak, rssAfter: rssBytes(hub.pid), stats };
    }, { repeatable: false });
    const slow = s.result;
    const queued = (slow.changes * SLOW_PAYLOAD * slow.opened) / 2 ** 20;
    figures.push({
      name: `${SLOW} streams that stop reading while changes of ${SLOW_PAYLOAD / 1024} KB go out`,
      measured: `${slow.stats.closedByServer} of ${slow.opened} cut off by the server after ${slow.changes} changes (~${int(queued)} MB owed to them); RSS ${mb(slow.rss0)} → ${mb(slow.rssPeak)}, ${mb(slow.rssAfter)} once they were closed`,
      goal: "cut off, memory does not grow",
      met: slow.stats.closedByServer === slow.opened && slow.rssPeak - slow.rss0 < 64 * 2 ** 20,
      limiting:
        slow.stats.closedByServer === 0
          ? "nothing bounds a stream's backlog: the events route writes each frame with res.write and ignores its return value (src/api/native/routes/events.ts), so what the kernel cannot take is buffered in the process"
          : "a stream that owes its reader more than limits.sseBacklogBytes when the next event comes is cut (src/api/native/routes/events.ts); until then the kernel's socket buffers and the process hold at most that much per stream",
      conditions: s.conditions,
    });
  } finally {
    await stop(client);
  }
  return {
    id: 4,
    title: "Live events (SSE)",
    figures,
    notes: [
      `A separate process (bench/sse-client.mjs) holds the streams on raw sockets, all with one user's API token, on \`${path}\`; the changes are PATCHes of one public session of that service by the administrator. The delay is measured from the event's time, which the store sets inside the committing transaction, to the moment the load generator reads the frame. The profile covers the fan-out of the ${CHANGES} changes.`,
    ],
  };
}

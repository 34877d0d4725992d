import type { BenchContext, Scenario } from "../context.js";
import type { Load } from "../wrk.js";

const JSON_TYPE = "application/json";

async function computeSession(ctx: BenchContext): Promise<string> {
  const res = await fetch(`${ctx.url}/compute/contexts/sas-job-execution/sessions`, {
    method: "POST",
    headers: { authorization: `Bearer ${ctx.adminToken}`, "content-type": JSON_TYPE, accept: JSON_TYPE },
    body: JSON.stringify({ name: "bench" }),
  });
  if (res.status !== 201) throw new Error(`createSession → ${res.status} ${await res.text()}`);
  return res.headers.get("location")!;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;

export const sasScenarios: Scenario[] = [
  {
    name: "sas-compute GET /compute/sessions/:id",
    compareWith: "native GET one session (token auth)",
    async setup(ctx) {
      const href = await computeSession(ctx);
      return { method: "GET", path: href, headers: { authorization: `Bearer ${ctx.adminToken}`, accept: JSON_TYPE } };
    },
  },
  {
    name: "sas-compute one-line script job, submit to completed (one client, in sequence)",
    async setup(ctx): Promise<Load> {
      return { method: "POST", path: `${await computeSession(ctx)}/jobs` };
    },
    /** Submit `print hello`, then long-poll its state with the 201's ETag until it has completed. */
    async run(ctx, load, seconds) {
      const headers = { authorization: `Bearer ${ctx.adminToken}`, accept: JSON_TYPE };
      const latencies: number[] = [];
      let failures = 0;
      const until = Date.now() + seconds * 1000;
      while (Date.now() < until) {
        const started = performance.now();
        const submitted = await fetch(ctx.url + load.path, {
          method: "POST",
          headers: { ...headers, "content-type": JSON_TYPE },
          body: JSON.stringify({ code: ["print hello"] }),
        });
        const job = (await submitted.json()) as { id: string; links: { rel: string; href: string }[] };
        const state = job.links.find((l) => l.rel === "state")!.href;
        let etag = submitted.headers.get("etag")!;
        let word = "";
        while (word !== "completed") {
          const polled = await fetch(`${ctx.url}${state}?wait=10`, { headers: { ...headers, "if-none-match": etag } });
          if (polled.status === 200) {
            word = await polled.text();
            etag = polled.headers.get("etag") ?? etag;
            if (word !== "completed" && word !== "running" && word !== "pending") {
              failures += 1;
              break;
            }
          } else await polled.arrayBuffer();
        }
        latencies.push(performance.now() - started);
      }
      latencies.sort((a, b) => a - b);
      return { rps: latencies.length / seconds, requests: latencies.length, non2xx: failures, errors: 0, p50ms: percentile(latencies, 0.5), p99ms: percentile(latencies, 0.99) };
    },
  },
];

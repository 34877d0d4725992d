import type { BenchContext, Scenario } from "../context.js";

const BULK = Number(process.env.BENCH_BULK ?? 100_000);

/** A device user's token from R1, as the Roundware clients get one. */
async function deviceToken(ctx: BenchContext, deviceId: string): Promise<string> {
  const res = await fetch(`${ctx.url}/api/2/users/`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ device_id: deviceId, client_type: "bench" }),
  });
  return ((await res.json()) as { token: string }).token;
}

async function parallel(n: number, width: number, make: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) await make(next++);
  }));
}

let shared: Promise<{ owner: string }> | null = null;

/**
 * BULK sessions over two projects (BULK − 100 in project 901, 100 in project 902), all
 * made by one device user through R2, so the list is what that client reads.
 */
function bulkSessions(ctx: BenchContext) {
  shared ??= (async () => {
    await ctx.api("POST", "/api/v1/services", { id: "rw-bulk", kind: "roundware", number: 901, name: "Bulk" });
    await ctx.api("POST", "/api/v1/services", { id: "rw-few", kind: "roundware", number: 902, name: "Few" });
    const owner = await deviceToken(ctx, "bench-device-bulk");
    const body = (project: number) => JSON.stringify({ project_id: project, client_system: "bench", timezone: "-0800" });
    await parallel(BULK, 32, (i) =>
      fetch(`${ctx.url}/api/2/sessions/`, {
        method: "POST",
        headers: { authorization: `token ${owner}`, "content-type": "application/json" },
        body: body(i < 100 ? 902 : 901),
      }).then((r) => r.arrayBuffer()),
    );
    return { owner };
  })();
  return shared;
}

export const roundwareScenarios: Scenario[] = [
  {
    name: "roundware POST /api/2/sessions/",
    compareWith: "native create session",
    async setup(ctx) {
      await ctx.api("POST", "/api/v1/services", { id: "rw-create", kind: "roundware", number: 900, name: "Create" });
      const token = await deviceToken(ctx, "bench-device-create");
      return {
        method: "POST",
        path: "/api/2/sessions/",
        headers: { authorization: `token ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ project_id: 900, client_system: "iOS 17", timezone: "-0800", language: "en" }),
      };
    },
  },
  {
    name: `native list 100 of ${BULK} (service filter, owner token)`,
    async setup(ctx) {
      const { owner } = await bulkSessions(ctx);
      return { method: "GET", path: "/api/v1/sessions?service=rw-few&limit=100", headers: { authorization: `Bearer ${owner}` } };
    },
  },
  {
    name: `roundware GET /api/2/sessions/?project_id=N (100 of ${BULK})`,
    compareWith: `native list 100 of ${BULK} (service filter, owner token)`,
    async setup(ctx) {
      const { owner } = await bulkSessions(ctx);
      return { method: "GET", path: "/api/2/sessions/?project_id=902", headers: { authorization: `token ${owner}` } };
    },
  },
];

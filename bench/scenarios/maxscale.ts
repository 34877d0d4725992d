import type { Scenario } from "../context.js";

/**
 * MaxScale's administrator view, measured while the hub holds the 1,000 sessions the
 * native GET scenario made: the collection and one session, pretty (the default) and
 * compact, beside the native list of 1,000 and the native GET.
 */
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

async function someNumber(api: (m: string, p: string) => Promise<{ items: { number: number }[] }>): Promise<number> {
  return (await api("GET", "/api/v1/sessions?service=bench-read&limit=1")).items[0]!.number;
}

export const maxscaleScenarios: Scenario[] = [
  {
    name: "maxscale GET /v1/sessions (1,000, pretty)",
    compareWith: "native list 1000 sessions",
    setup: async (ctx) => ({ method: "GET", path: "/v1/sessions", headers: auth(ctx.adminToken) }),
  },
  {
    name: "maxscale GET /v1/sessions (1,000, compact)",
    compareWith: "native list 1000 sessions",
    setup: async (ctx) => ({ method: "GET", path: "/v1/sessions?pretty=false", headers: auth(ctx.adminToken) }),
  },
  {
    name: "maxscale GET /v1/sessions/:id (pretty)",
    compareWith: "native GET one session (token auth)",
    setup: async (ctx) => ({ method: "GET", path: `/v1/sessions/${await someNumber(ctx.api)}`, headers: auth(ctx.adminToken) }),
  },
  {
    name: "maxscale GET /v1/sessions/:id (compact)",
    compareWith: "native GET one session (token auth)",
    setup: async (ctx) => ({ method: "GET", path: `/v1/sessions/${await someNumber(ctx.api)}?pretty=false`, headers: auth(ctx.adminToken) }),
  },
];

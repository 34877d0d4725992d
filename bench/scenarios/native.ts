import { type Scenario, rotatingLua } from "../context.js";

/** The foundation's hot paths: GET one session, list 100 (and 1000), create, join. */
export const nativeScenarios: Scenario[] = [
  {
    name: "native GET one session (token auth)",
    async setup(ctx) {
      await ctx.api("POST", "/api/v1/services", { id: "bench-read" });
      let id = "";
      for (let i = 0; i < 1000; i += 1) id = (await ctx.api("POST", "/api/v1/sessions", { serviceId: "bench-read", name: `s${i}`, capacity: 10 })).id;
      return { method: "GET", path: `/api/v1/sessions/${id}`, headers: { authorization: `Bearer ${ctx.adminToken}` } };
    },
  },
  {
    name: "native list 100 sessions",
    async setup(ctx) {
      return { method: "GET", path: "/api/v1/sessions?service=bench-read&limit=100", headers: { authorization: `Bearer ${ctx.adminToken}` } };
    },
  },
  {
    name: "native list 1000 sessions",
    async setup(ctx) {
      return { method: "GET", path: "/api/v1/sessions?limit=1000", headers: { authorization: `Bearer ${ctx.adminToken}` } };
    },
  },
  {
    name: "native create session",
    async setup(ctx) {
      await ctx.api("POST", "/api/v1/services", { id: "bench-create" });
      return {
        method: "POST",
        path: "/api/v1/sessions",
        headers: { authorization: `Bearer ${ctx.adminToken}`, "content-type": "application/json" },
        body: JSON.stringify({ serviceId: "bench-create", name: "load", capacity: 8 }),
      };
    },
  },
  {
    name: "native join (distinct users and sessions)",
    async setup(ctx) {
      await ctx.api("POST", "/api/v1/services", { id: "bench-join" });
      const sessions: string[] = [];
      for (let i = 0; i < 2000; i += 1) sessions.push((await ctx.api("POST", "/api/v1/sessions", { serviceId: "bench-join" })).id);
      const tokens = await ctx.users("joiner", 200);
      return {
        method: "POST",
        path: "/",
        lua: rotatingLua(tokens, sessions, `wrk.format("POST", "/api/v1/sessions/" .. s .. "/members", { ["Authorization"] = "Bearer " .. t, ["Content-Type"] = "application/json" }, "{}")`),
      };
    },
  },
];

import type { FamilyContext } from "../../context.js";
import type { NativeApp } from "../index.js";
import * as S from "../schemas.js";

/** The overview of the console: aggregates computed by the store (core/statistics.ts says over which sessions). */
export function statsRoutes(app: NativeApp, ctx: FamilyContext): void {
  app.get(
    "/stats",
    { schema: { tags: ["sessions"], summary: "Session statistics: every session for administrators, one's own for others", response: { 200: S.Stats, 401: S.Problem } } },
    async (req) => {
      const o = await ctx.hub.statistics.overview(req.principal);
      return { ...o, at: new Date(o.at).toISOString(), perMinute: { ...o.perMinute, from: new Date(o.perMinute.from).toISOString() } };
    },
  );
}

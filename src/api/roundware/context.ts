import type { Service } from "../../core/types.js";
import { WindowLimiter } from "../../auth/limiter.js";
import type { FamilyContext } from "../context.js";
import type { CorsPolicy } from "../../http/cors.js";
import { roundwareConfig } from "./config.js";
import { corsPolicy } from "./cors.js";
import { Languages } from "./languages.js";
import { KIND } from "./projects.js";

/** What the family's routes share: the core, its languages, projects and rate limits. */
export class Roundware {
  readonly languages: Languages;
  /** R1 calls per client address and minute. */
  readonly registrations: WindowLimiter;
  /** Failed R6 logins per client address and minute. */
  readonly loginFailures: WindowLimiter;
  readonly cors: CorsPolicy;

  constructor(readonly ctx: FamilyContext) {
    this.languages = new Languages(ctx.hub.records("roundware"));
    const config = roundwareConfig(ctx.config);
    const limits = config.rateLimits;
    this.cors = corsPolicy(config.corsOrigins);
    this.registrations = new WindowLimiter(limits.users, 60_000, ctx.hub.clock);
    this.loginFailures = new WindowLimiter(limits.loginFailures, 60_000, ctx.hub.clock);
  }

  /** The project with this id (a `roundware` service with that number), or null. */
  async project(id: number | null): Promise<Service | null> {
    if (id === null) return null;
    const s = await this.ctx.hub.services.get(id);
    return s && s.kind === KIND ? s : null;
  }

  /** Every project, by id (the core's cached list of the kind, not a read of every service). */
  projects(): Promise<readonly Service[]> {
    return this.ctx.hub.services.ofKind(KIND);
  }

  async defaultLanguageId(): Promise<number> {
    return (await this.languages.defaultLanguage())?.id ?? 1;
  }
}

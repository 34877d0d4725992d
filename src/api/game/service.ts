import { type FieldError, notFound } from "../../core/errors.js";
import { UUID_RE } from "../../core/ids.js";
import { type Condition, and, eq } from "../../core/query.js";
import type { ServiceKind } from "../../core/services.js";
import { isLive } from "../../core/state.js";
import type { JsonObject, Principal, Session } from "../../core/types.js";
import type { FamilyContext } from "../context.js";
import { gameConfig } from "./config.js";

/** A path id as the core spells it (lower case), or null when it cannot name a session. */
export function sessionIdOf(raw: string): string | null {
  const id = raw.toLowerCase();
  return UUID_RE.test(id) ? id : null;
}

/**
 * Services of kind `game` (game titles or modes). Their one setting, `maxUsersPerSession`,
 * lowers the server-wide hard limit for that title.
 */
export const GAME_KIND: ServiceKind = {
  kind: "game",
  defaultInactiveTimeoutSeconds: 3600,
  validateSettings(settings: JsonObject): FieldError[] {
    const errors: FieldError[] = [];
    for (const [key, value] of Object.entries(settings)) {
      if (key !== "maxUsersPerSession") {
        errors.push({ pointer: `/settings/${key}`, detail: "unknown setting; a game service takes maxUsersPerSession" });
      } else if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
        errors.push({ pointer: "/settings/maxUsersPerSession", detail: "must be an integer ≥ 1" });
      }
    }
    return errors;
  },
};

/** The service one mount serves and the limits that apply to its sessions. */
export class GameService {
  constructor(
    private readonly ctx: FamilyContext,
    readonly id: string,
  ) {}

  /** This service's live sessions (ended ones are gone as far as this family is concerned), narrowed by `filters`. */
  where(filters?: Condition): Condition {
    return and(eq("serviceId", this.id), { field: "state", op: "ne", value: "ended" }, filters)!;
  }

  /** A live session of this service that the caller may read; anything else is not-found. */
  async read(p: Principal, rawId: string, opts: { activity?: boolean } = {}): Promise<Session> {
    const id = sessionIdOf(rawId);
    if (!id) throw notFound();
    const s = await this.ctx.hub.sessions.get(p, id, { ...opts, serviceId: this.id });
    if (!isLive(s)) throw notFound();
    return s;
  }

  /** The hard limit on users of a session: the service's setting, the family's, and the core's. */
  async maxUsers(): Promise<number> {
    const service = await this.ctx.hub.services.get(this.id);
    const own = service?.settings.maxUsersPerSession;
    const configured = typeof own === "number" ? own : gameConfig(this.ctx.config).maxUsersPerSession;
    return Math.min(configured, this.ctx.config.sessions.maxMembersPerSession);
  }
}

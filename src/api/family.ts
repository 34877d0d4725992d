import type { ServiceKind } from "../core/services.js";
import type { App } from "../http/app.js";
import type { Migration } from "../store/migrations.js";
import type { FamilyContext } from "./context.js";

/** A listener of a family's own (MaxScale on 8989, Roundware on 8888). */
export interface OwnListener {
  host: string;
  port: number;
  register(app: App): Promise<void>;
}

/**
 * One API family, as the server sees it: the tables it adds, the service kinds it
 * manages, what it does once the core is up, and where it is mounted.
 */
export interface Family {
  name: string;
  /** Config defaults of the family's own section (e.g. `{ maxscale: { port: 8989 } }`). */
  defaults?: Record<string, unknown>;
  /** Environment variables and flags it adds, each mapped to a config path. */
  environment?: Record<string, string>;
  flags?: Record<string, string>;
  enabled(ctx: Pick<FamilyContext, "config">): boolean;
  migrations?: Migration[];
  serviceKinds?: ServiceKind[];
  /** Built-in services, background work; runs after migrations, before listening. */
  init?(ctx: FamilyContext): Promise<void>;
  /** Routes on the shared listener. */
  mount?(app: App, ctx: FamilyContext): Promise<void>;
  /** A listener of its own, when configured. */
  ownListener?(ctx: FamilyContext): OwnListener | null;
  /** Stops its background work (of the server whose context it is given). */
  stop?(ctx: FamilyContext): Promise<void>;
}

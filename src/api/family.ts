import type { ServiceKind } from "../core/services.js";
import type { App } from "../http/app.js";
import type { ApiEdge } from "../http/edge/api.js";
import type { TlsSettings } from "../http/tls.js";
import type { Migration } from "../store/migrations.js";
import type { FamilyContext } from "./context.js";

/** A family's API: how the edge treats its requests, and its routes. */
export interface FamilyApi {
  /** Its name in listings (the family's own API carries the family's name). */
  name?: string;
  edge: ApiEdge;
  /** Registers the routes in a scope whose prefix is one of the mounts. */
  routes(scope: App): Promise<void>;
}

/** A listener of a family's own (MaxScale on 8989, Roundware on 8888), and the prefixes its API answers under there. */
export interface OwnListener {
  /** The config section that holds its `port`, `host` and `tls` (for messages that name them). */
  section: string;
  host: string;
  port: number;
  tls: TlsSettings;
  /** Prefixes of the API on this listener; every other path is answered in the API's format too. */
  prefixes: string[];
}

/**
 * One API family, as the server sees it: the tables it adds, the service kinds it
 * manages, what it does once the core is up, and where its API is served. The server
 * composes; a family never registers hooks on a listener it does not own.
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
  /** The API it serves (asked once per server). */
  api?(ctx: FamilyContext): FamilyApi;
  /**
   * APIs served beside the family's own, under a prefix of their own, on the shared
   * listener and on the family's own listener when it has one (SAS Logon beside SAS Compute).
   */
  companions?(ctx: FamilyContext): { prefix: string; api: FamilyApi }[];
  /** Prefixes of its API on the shared listener (e.g. `["/api/v1"]`); none when it is served only on its own. */
  sharedPrefixes?(ctx: FamilyContext): string[];
  /**
   * Paths of the shared listener that no API claims are answered in this family's format
   * (the game API was a server of its own: its contract wants `GET /nope` → its 404).
   */
  claimsSharedRoot?: boolean;
  /** A listener of its own, when configured. */
  ownListener?(ctx: FamilyContext): OwnListener | null;
  /** Stops its background work (of the server whose context it is given). */
  stop?(ctx: FamilyContext): Promise<void>;
}

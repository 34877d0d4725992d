/**
 * The domain model of sessionhub. Plain data, no behaviour: the rules live in the
 * modules named for them (state.ts, policy.ts, expiry.ts, query.ts, sessions.ts).
 * Times are epoch milliseconds so that every store keeps them as integers.
 */

export type SessionState = "pending" | "idle" | "running" | "ended";
export type EndReason = "closed" | "expired" | "killed" | "failed";
export type Visibility = "public" | "private";

export interface Member {
  userId: string;
  joinedAt: number;
  /** Team index for families that have teams (game lobbies); null otherwise. */
  team: number | null;
}

/**
 * How a session's members are split into teams: `count` teams (ids 0…count-1) of at most
 * `size` members each (0 = no per-team limit). A count of 0 means no teams.
 */
export interface TeamLayout {
  count: number;
  size: number;
}

/** What is known of the client that opened the session. Every field optional. */
export interface ClientInfo {
  address?: string;
  port?: number;
  userAgent?: string;
  system?: string;
  type?: string;
  deviceId?: string;
  timezone?: string;
  language?: string;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Session {
  id: string;
  number: number;
  serviceId: string;
  owner: string | null;
  nodeId: string;
  state: SessionState;
  endReason: EndReason | null;
  status: string | null;
  name: string | null;
  description: string | null;
  visibility: Visibility;
  /** Never leaves the server: families render `hasPassword` instead. */
  passwordHash: string | null;
  capacity: number | null;
  /** Ordered by joinedAt, oldest first. */
  members: Member[];
  /** The team layout every join and member change is held to; null = none was ever given. */
  teams: TeamLayout | null;
  invited: string[];
  client: ClientInfo;
  attributes: JsonObject;
  /** Explicit per-session inactivity timeout; null = the service default; 0 = never. */
  inactiveTimeoutSeconds: number | null;
  /** The timeout in force (explicit or the service default at the time it was resolved). */
  timeoutSeconds: number;
  /** When the reaper will end the session for inactivity; null = never. */
  expiresAt: number | null;
  /** A scheduled end (MaxScale `DELETE ?ttl=N`); the earliest one wins. */
  endAt: number | null;
  endAtReason: EndReason | null;
  createdAt: number;
  updatedAt: number;
  stateChangedAt: number;
  lastActivityAt: number;
  endedAt: number | null;
  version: number;
}

export interface ServiceSettings extends JsonObject {}

/**
 * Families' built-in services (made at start by `ServiceDirectory.ensure`) are numbered
 * up from here, and stores number other services below it, so the small numbers stay for
 * the services operators make and number themselves (Roundware project ids).
 */
export const BUILT_IN_SERVICE_NUMBERS = 1_000_000_000;

export interface Service {
  id: string;
  number: number;
  /** The family that manages it (`game`, `roundware`, `sas-compute`, ...) or `generic`. */
  kind: string;
  name: string;
  description: string | null;
  settings: ServiceSettings;
  /** Default inactivity timeout of its sessions in seconds; 0 = never. */
  defaultInactiveTimeoutSeconds: number;
  createdAt: number;
  updatedAt: number;
  version: number;
}

export type LineType = "source" | "normal" | "note" | "warning" | "error";
export type LogStream = "log" | "listing";

export interface LogLine {
  sessionId: string;
  stream: LogStream;
  /** 0-based position in the session's stream; the only identity of a line. */
  position: number;
  type: LineType;
  text: string;
  jobId: string | null;
  createdAt: number;
}

export type JobState = "pending" | "running" | "completed" | "warning" | "error" | "canceled";

export interface Job {
  id: string;
  sessionId: string;
  /** FIFO order within the session. */
  seq: number;
  name: string | null;
  description: string | null;
  code: string;
  state: JobState;
  conditionCode: number;
  nodeId: string | null;
  attributes: JsonObject;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  stateChangedAt: number;
  version: number;
}

export type Role = "admin";

export interface User {
  id: string;
  /** Integer id for families whose user ids are integers (Roundware). */
  number: number;
  roles: string[];
  passwordHash: string | null;
  deviceId: string | null;
  clientType: string | null;
  attributes: JsonObject;
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface ApiToken {
  id: string;
  userId: string;
  name: string | null;
  /** Which part of sessionhub issued it (`cli`, `native`, `roundware`, `bootstrap`). */
  issuer: string;
  hash: string;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
}

export type AuthMethod = "token" | "jwt" | "basic";

/** The authenticated caller. */
export interface Principal {
  userId: string;
  roles: string[];
  isAdmin: boolean;
  method: AuthMethod;
  tokenId?: string;
}

export const SYSTEM_PRINCIPAL: Principal = Object.freeze({
  userId: "system",
  roles: ["admin"],
  isAdmin: true,
  method: "token",
}) as Principal;

/**
 * A family's own data (Roundware languages, SAS filerefs and work-area files): a JSON
 * document and optional bytes under a namespace and key, versioned for compare-and-set.
 * Records tied to a session are deleted with it.
 */
export interface FamilyRecord {
  namespace: string;
  key: string;
  sessionId: string | null;
  doc: JsonObject;
  blob: Uint8Array | null;
  version: number;
  createdAt: number;
  updatedAt: number;
}

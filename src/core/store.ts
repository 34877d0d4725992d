import type { EventDraft, EventType, HubEvent } from "./events.js";
import type { Condition, Page, SessionQuery } from "./query.js";
import type {
  ApiToken,
  FamilyRecord,
  Job,
  JobState,
  JsonObject,
  LineType,
  LogLine,
  LogStream,
  Service,
  Session,
  SessionState,
  User,
} from "./types.js";

/**
 * Persistence, as the core needs it: the core owns this port and src/store implements it,
 * so every import points toward the core. Every backend passes the same conformance suite
 * (test/store/conformance.ts). Stores know SQL and transactions; they know no rules:
 * the decisions are made by core functions they call inside their transactions.
 */

/** A bound on the pending jobs of a session, decided where the job is inserted. */
export interface JobQueueLimit {
  max: number;
  message: string;
}

/** The result of a session mutator: the next session (null = delete it) and what to record. */
export interface Mutation {
  next: Session | null;
  events: EventDraft[];
  log?: NewLogLine[];
}

/**
 * Decides a change from the current, locked session. Runs inside the transaction, so it
 * must be synchronous and pure; it rejects by throwing a CoreError, or returns null for
 * "nothing to do".
 */
export type Mutator = (current: Session) => Mutation | null;

export interface MutationResult {
  session: Session;
  /** false when the mutator returned null. */
  changed: boolean;
  deleted: boolean;
  events: HubEvent[];
}

/** The session after an activity mark; `touched` is false for an ended session, which is left as it is. */
export interface TouchResult {
  session: Session;
  touched: boolean;
  events: HubEvent[];
}

export type NewSession = Omit<Session, "number">;
export type NewService = Omit<Service, "number" | "createdAt" | "updatedAt" | "version"> & { number?: number };
export type ServicePatch = Partial<Pick<Service, "name" | "description" | "settings" | "defaultInactiveTimeoutSeconds">>;

export interface IdempotencyClaim {
  /** Who and what the key belongs to, e.g. `user:alice|native:create-session`. */
  scope: string;
  key: string;
  expiresAt: number;
}

/**
 * An admission limit on creates, decided in the create's transaction: after the insert
 * at most `max` sessions match `where`, or the create is rolled back as `too-many` with
 * `message`. Creates with the same `key` are decided one at a time across nodes, so
 * concurrent creates never overshoot the limit.
 */
export interface SessionQuota {
  key: string;
  where: Condition;
  max: number;
  message: string;
}

export interface InsertSessionResult {
  session: Session;
  /** The session an earlier request with the same idempotency key created, as it was then. */
  replayed: boolean;
  events: HubEvent[];
}

export interface NewLogLine {
  stream: LogStream;
  type: LineType;
  text: string;
  jobId?: string | null;
}

export interface LogRead {
  stream: LogStream;
  from?: number;
  limit: number;
  types?: LineType[];
  jobId?: string;
}

export interface LogStats {
  log: { count: number; lastAt: number | null };
  listing: { count: number; lastAt: number | null };
}

export type NewUser = Omit<User, "number" | "createdAt" | "updatedAt">;
export type UserPatch = Partial<Pick<User, "roles" | "passwordHash" | "deviceId" | "clientType" | "attributes" | "disabled">>;

export type NewJob = Omit<Job, "seq">;
export type JobMutator = (current: Job) => { next: Job | null; events: EventDraft[] } | null;

export interface RecordWrite {
  namespace: string;
  key: string;
  sessionId?: string | null;
  doc: JsonObject;
  /** undefined keeps the stored bytes; null removes them. */
  blob?: Uint8Array | null;
}

export interface RecordList {
  sessionId?: string;
  /** Keys starting with this text. */
  prefix?: string;
  /** Keys after this one (keyset paging, ascending key order). */
  after?: string;
  limit: number;
}

/** Aggregates of the sessions matching a condition (the console's overview). */
export interface SessionStats {
  /** Sessions per service and state, and the members of those sessions. */
  groups: { serviceId: string; state: SessionState; count: number; members: number }[];
  /** Sessions created, and sessions ended, at or after `since`, per minute (`minute` = epoch ms / 60000, floored). */
  created: { minute: number; count: number }[];
  ended: { minute: number; count: number }[];
}

export interface Store {
  readonly kind: "sqlite" | "postgres";

  migrate(): Promise<void>;
  close(): Promise<void>;
  /** Resolves when the database answers; rejects otherwise (readiness). */
  ping(): Promise<void>;

  /** Events committed by other nodes, for stores that span nodes. */
  listen(onEvents: (events: HubEvent[]) => void): Promise<() => Promise<void>>;

  // Services
  insertService(service: NewService, events: (s: Service) => EventDraft[], now: number): Promise<{ service: Service; events: HubEvent[] }>;
  getService(ref: string | number): Promise<Service | null>;
  listServices(): Promise<Service[]>;
  updateService(
    id: string,
    expectedVersion: number | null,
    patch: ServicePatch,
    events: (next: Service) => EventDraft[],
    now: number,
  ): Promise<{ service: Service; events: HubEvent[] } | null>;
  deleteService(id: string, force: boolean, events: EventDraft[]): Promise<{ deleted: boolean; liveSessions: number; events: HubEvent[] }>;
  sessionCounts(): Promise<{ serviceId: string; state: Session["state"]; count: number }[]>;

  // Sessions
  /** An idempotent replay returns the first session without checking quotas again. */
  insertSession(
    session: NewSession,
    events: (s: Session) => EventDraft[],
    idempotency?: IdempotencyClaim,
    quotas?: SessionQuota[],
  ): Promise<InsertSessionResult>;
  getSession(ref: { id: string } | { number: number }): Promise<Session | null>;
  querySessions(query: SessionQuery): Promise<Page<Session>>;
  countSessions(where?: Condition): Promise<number>;
  /** Aggregates of the sessions matching `where`, in one statement each (SessionStats). */
  sessionStats(where: Condition | undefined, since: number): Promise<SessionStats>;
  /**
   * Locks the session, calls the mutator, writes its result as a compare-and-set on `version`:
   * the columns that changed and the member rows that changed, nothing else.
   */
  mutateSession(id: string, mutator: Mutator): Promise<MutationResult | null>;
  /**
   * `mutateSession` for each of several sessions, in one transaction: the results of those
   * that exist, in the order given, each session once. A mutator that throws rolls back
   * the whole batch.
   */
  mutateSessions(ids: string[], mutator: Mutator): Promise<MutationResult[]>;
  /** Ids of live sessions whose expiry or scheduled end is at or before `now`. */
  dueSessions(now: number, limit: number): Promise<string[]>;
  /** Ids of live sessions whose scheduled end is at or before `now`, earliest first (indexed). */
  scheduledEndsDue(now: number, limit: number): Promise<string[]>;
  /** The earliest scheduled end of a live session, or null (indexed). */
  nextScheduledEnd(): Promise<number | null>;
  /** Ids of ended sessions older than `before`, deleted in one statement. */
  purgeEnded(before: number, limit: number): Promise<number>;
  /** Moves lastActivityAt (never backwards) without touching version; batches of activity marks. */
  touchSessions(marks: { id: string; at: number }[], events: EventDraft[]): Promise<HubEvent[]>;
  /**
   * One activity mark written at once, as `touchSessions` writes it (the activity columns
   * alone), with the events `events` makes of the session after it; null when there is no
   * such session.
   */
  touchSession(id: string, at: number, events: (s: Session) => EventDraft[]): Promise<TouchResult | null>;
  /** Resets the timeout in force of sessions of a service that follow its default. */
  applyServiceTimeout(serviceId: string, timeoutSeconds: number): Promise<void>;

  // Log lines
  appendLog(sessionId: string, lines: NewLogLine[], events: EventDraft[], now: number): Promise<{ lines: LogLine[]; events: HubEvent[] }>;
  readLog(sessionId: string, read: LogRead): Promise<{ lines: LogLine[]; total: number }>;
  logStats(sessionIds: string[]): Promise<Map<string, LogStats>>;
  /** The last `limit` lines of a stream for each session, oldest first (one statement). */
  tailLogs(sessionIds: string[], stream: LogStream, limit: number): Promise<Map<string, LogLine[]>>;

  // Jobs
  /**
   * Appends a job to its session's queue; with `queue`, refuses it (`too-many`) inside the
   * transaction when the session already has `queue.max` pending jobs.
   */
  insertJob(job: NewJob, events: EventDraft[], queue?: JobQueueLimit): Promise<{ job: Job; events: HubEvent[] }>;
  getJob(id: string): Promise<Job | null>;
  listJobs(sessionId: string, states?: JobState[]): Promise<Job[]>;
  /** The most recent jobs of each session, newest first (one statement). */
  recentJobs(sessionIds: string[], limit: number): Promise<Map<string, Job[]>>;
  mutateJob(id: string, mutator: JobMutator): Promise<{ job: Job; changed: boolean; events: HubEvent[] } | null>;

  // Events
  readEvents(afterSeq: number, limit: number): Promise<HubEvent[]>;
  /** Events before `beforeSeq`, newest first, leaving out events of the types given. */
  readEventsBefore(beforeSeq: number, limit: number, skipTypes: readonly EventType[]): Promise<HubEvent[]>;
  lastEventSeq(): Promise<number>;
  countEvents(sessionIds: string[], since: number): Promise<Map<string, number>>;
  /**
   * Deletes up to `limit` events recorded before `eventsBefore` and up to `limit` idempotency
   * keys expired at `now`; the larger of the two numbers deleted (below `limit`: done).
   */
  purgeHistory(eventsBefore: number, now: number, limit: number): Promise<number>;
  /** Records events that accompany no other write (activity, token revocation). */
  insertEvents(events: EventDraft[]): Promise<HubEvent[]>;

  // Users and tokens
  /** With `token`, the user's first token is inserted in the same transaction. */
  insertUser(user: NewUser, now: number, token?: ApiToken): Promise<User>;
  getUser(id: string): Promise<User | null>;
  getUserByNumber(number: number): Promise<User | null>;
  getUserByDeviceId(deviceId: string): Promise<User | null>;
  listUsers(): Promise<User[]>;
  /** The users who can log in with a password: one is set and they are not disabled; by number. */
  listPasswordUsers(): Promise<User[]>;
  countUsers(): Promise<number>;
  updateUser(id: string, patch: UserPatch, now: number): Promise<User | null>;
  deleteUser(id: string): Promise<boolean>;

  insertToken(token: ApiToken): Promise<void>;
  /** Inserts the token unless one with the same hash exists (concurrent starts given one token); true if inserted. */
  insertTokenIfNew(token: ApiToken): Promise<boolean>;
  getTokenByHash(hash: string): Promise<ApiToken | null>;
  getToken(id: string): Promise<ApiToken | null>;
  listTokens(userId?: string): Promise<ApiToken[]>;
  revokeToken(id: string, now: number): Promise<ApiToken | null>;

  // Family records
  /**
   * Insert or replace a record. `expectedVersion` undefined: unconditional; null: only if
   * it does not exist (else `already-exists`); a number: only if it has that version
   * (else `version-conflict`). The record's session must exist (else `not-found`).
   */
  putRecord(write: RecordWrite, expectedVersion: number | null | undefined, now: number): Promise<FamilyRecord>;
  getRecord(namespace: string, key: string): Promise<FamilyRecord | null>;
  listRecords(namespace: string, list: RecordList): Promise<FamilyRecord[]>;
  /** true when a record was deleted; `expectedVersion` as in putRecord. */
  deleteRecord(namespace: string, key: string, expectedVersion?: number): Promise<boolean>;
  /** Total bytes of blobs of a session's records in a namespace (work-area caps). */
  recordBytes(namespace: string, sessionId: string): Promise<number>;

  /** Small key/value facts of the installation (schema flags, bootstrap done). */
  getMeta(key: string): Promise<string | null>;
  setMeta(key: string, value: string): Promise<void>;
}

export type { JsonObject };

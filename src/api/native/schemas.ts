import { type Static, type TSchema, Type } from "typebox";
import { MAX_INT32, MAX_TIMEOUT_SECONDS, MAX_TOKEN_SECONDS } from "../../core/bounds.js";
import type { EventType as CoreEventType } from "../../core/events.js";

/**
 * The native API's schemas: the single source of request validation, response
 * serialisation and the OpenAPI document.
 */

/** A string enum as one schema (not anyOf), so validators and serialisers stay fast. */
const Enum = <const T extends string>(values: readonly T[], options: Record<string, unknown> = {}) =>
  Type.Unsafe<T>({ type: "string", enum: [...values], ...options });

/**
 * T or null as a type list rather than anyOf: fast-json-stringify then serialises it
 * without running a validator per field on every response.
 */
function Nullable<T extends TSchema>(schema: T, options: Record<string, unknown> = {}) {
  const s = schema as unknown as { type: string; enum?: unknown[] };
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [s.type, "null"], ...(s.enum ? { enum: [...s.enum, null] } : {}), ...options });
}

const Time = Type.String({ format: "date-time", description: "RFC 3339 UTC with milliseconds" });
const NullableTime = Nullable(Time);
const NullableString = () => Nullable(Type.String());
const AnyObject = Type.Object({}, { additionalProperties: true });

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ pointer: Type.String(), detail: Type.String() }))),
  },
  { description: "RFC 9457 problem details" },
);

export const Member = Type.Object({
  userId: Type.String(),
  joinedAt: Time,
  team: Nullable(Type.Integer()),
});

export const Client = Type.Object(
  {
    address: Type.Optional(Type.String({ maxLength: 255 })),
    port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
    userAgent: Type.Optional(Type.String({ maxLength: 1024 })),
    system: Type.Optional(Type.String({ maxLength: 255 })),
    type: Type.Optional(Type.String({ maxLength: 255 })),
    deviceId: Type.Optional(Type.String({ maxLength: 255 })),
    timezone: Type.Optional(Type.String({ maxLength: 64 })),
    language: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

export const State = Enum(["pending", "idle", "running", "ended"]);
export const EndReason = Enum(["closed", "expired", "killed", "failed"]);
export const Visibility = Enum(["public", "private"]);

export const Session = Type.Object(
  {
    id: Type.String({ format: "uuid" }),
    number: Type.Integer(),
    serviceId: Type.String(),
    owner: NullableString(),
    state: State,
    endReason: Nullable(EndReason),
    status: NullableString(),
    name: NullableString(),
    description: NullableString(),
    visibility: Visibility,
    hasPassword: Type.Boolean(),
    capacity: Nullable(Type.Integer()),
    memberCount: Type.Integer(),
    members: Type.Array(Member),
    invited: Type.Array(Type.String()),
    client: Client,
    attributes: AnyObject,
    inactiveTimeoutSeconds: Nullable(Type.Integer()),
    expiresAt: NullableTime,
    createdAt: Time,
    updatedAt: Time,
    stateChangedAt: Time,
    lastActivityAt: Time,
    endedAt: NullableTime,
    nodeId: Type.String(),
    version: Type.Integer(),
  },
);

const UserId = Type.String({ minLength: 1, maxLength: 255 });
const Name = Type.String({ maxLength: 200 });
const Description = Type.String({ maxLength: 4000 });
const Status = Type.String({ maxLength: 64 });

/** Fields a client may set at creation and change later. */
const MutableSessionFields = {
  name: Type.Optional(Nullable(Name)),
  description: Type.Optional(Nullable(Description)),
  visibility: Type.Optional(Visibility),
  password: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 128 }), { writeOnly: true })),
  capacity: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 1_000_000 }))),
  inactiveTimeoutSeconds: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: MAX_TIMEOUT_SECONDS }))),
  status: Type.Optional(Nullable(Status)),
  invited: Type.Optional(Type.Array(UserId, { maxItems: 1000 })),
  client: Type.Optional(Client),
};

export const CreateSession = Type.Object(
  {
    serviceId: Type.String({ minLength: 1, maxLength: 64 }),
    owner: Type.Optional(Nullable(UserId, { description: "administrators only; null = owned by the system" })),
    ...MutableSessionFields,
    attributes: Type.Optional(AnyObject),
    state: Type.Optional(Enum(["pending", "idle", "running"])),
  },
  { additionalProperties: false },
);

export const PatchSession = Type.Object(
  {
    ...MutableSessionFields,
    attributes: Type.Optional(Nullable(AnyObject)),
    owner: Type.Optional(Nullable(UserId)),
    version: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_INT32, description: "compare-and-set against this version" })),
  },
  { additionalProperties: false, description: "JSON merge patch (RFC 7396) of the mutable fields" },
);

export const SessionList = Type.Object({
  items: Type.Array(Session),
  nextCursor: NullableString(),
  total: Type.Optional(Type.Integer()),
});

export const ListSessionsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 2048 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: "skip this many sessions (page jumps); not with cursor" })),
    count: Type.Optional(Type.Boolean({ description: "also return the total number of matching sessions" })),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "sessions whose name contains this text, ignoring case" })),
    id: Type.Optional(Type.String({ maxLength: 4000, pattern: "^[^,]+(,[^,]+){0,99}$", description: "up to 100 session ids, separated by commas" })),
    sort: Type.Optional(Type.String({ maxLength: 256, description: "e.g. -createdAt,name" })),
    service: Type.Optional(Type.String()),
    state: Type.Optional(Type.String({ description: "one state, or several separated by commas" })),
    owner: Type.Optional(Type.String()),
    member: Type.Optional(Type.String()),
    visibility: Type.Optional(Visibility),
    status: Type.Optional(Type.String()),
    createdAfter: Type.Optional(Time),
    createdBefore: Type.Optional(Time),
  },
  { additionalProperties: true, description: "plus attributes.<key>=<value> for equality on attributes" },
);

export const SessionParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

export const EndSession = Type.Object(
  { reason: Type.Optional(Enum(["closed", "killed", "failed"])) },
  { additionalProperties: false },
);

export const Heartbeat = Type.Object({ id: Type.String(), lastActivityAt: Time, expiresAt: NullableTime });

export const Join = Type.Object(
  { password: Type.Optional(Type.String({ maxLength: 128, writeOnly: true })), team: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_INT32 })) },
  { additionalProperties: false },
);

export const MemberList = Type.Object({ items: Type.Array(Member) });
export const MemberParams = Type.Object({ id: Type.String({ maxLength: 64 }), userId: Type.String({ minLength: 1, maxLength: 255 }) });

export const LineType = Enum(["source", "normal", "note", "warning", "error"]);
export const Stream = Enum(["log", "listing"]);

export const LogLine = Type.Object({
  position: Type.Integer(),
  stream: Stream,
  type: LineType,
  text: Type.String(),
  jobId: NullableString(),
  createdAt: Time,
});

export const LogQuery = Type.Object({
  stream: Type.Optional(Stream),
  from: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_INT32, default: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
});

export const LogPage = Type.Object({ items: Type.Array(LogLine), total: Type.Integer(), nextFrom: Nullable(Type.Integer()) });

export const AppendLog = Type.Object(
  {
    lines: Type.Array(
      Type.Object(
        { type: Type.Optional(LineType), text: Type.String({ maxLength: 32768 }), stream: Type.Optional(Stream) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1000 },
    ),
  },
  { additionalProperties: false },
);

export const LogAppended = Type.Object({ items: Type.Array(LogLine) });

export const Service = Type.Object(
  {
    id: Type.String(),
    number: Type.Integer(),
    kind: Type.String(),
    name: Type.String(),
    description: NullableString(),
    settings: AnyObject,
    defaultInactiveTimeoutSeconds: Type.Integer(),
    createdAt: Time,
    updatedAt: Time,
    version: Type.Integer(),
  },
);

export const ServiceList = Type.Object({ items: Type.Array(Service) });

export const CreateService = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64, pattern: "^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$" }),
    kind: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    description: Type.Optional(Nullable(Description)),
    settings: Type.Optional(AnyObject),
    defaultInactiveTimeoutSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_TIMEOUT_SECONDS })),
    number: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_INT32 })),
  },
  { additionalProperties: false },
);

export const PatchService = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    description: Type.Optional(Nullable(Description)),
    settings: Type.Optional(AnyObject),
    defaultInactiveTimeoutSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_TIMEOUT_SECONDS })),
    version: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_INT32 })),
  },
  { additionalProperties: false },
);

export const ServiceParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
export const ForceQuery = Type.Object({ force: Type.Optional(Type.Boolean()) });

export const Empty = Type.Null({ description: "no content" });

export const Me = Type.Object({ userId: Type.String(), roles: Type.Array(Type.String()), isAdmin: Type.Boolean(), method: Type.String() });

export const Token = Type.Object({
  id: Type.String(),
  userId: Type.String(),
  name: NullableString(),
  issuer: Type.String(),
  createdAt: Time,
  expiresAt: NullableTime,
  revokedAt: NullableTime,
});

export const IssuedToken = Type.Object({ token: Token, secret: Type.String({ description: "shown once" }) });
export const TokenList = Type.Object({ items: Type.Array(Token) });
export const CreateToken = Type.Object(
  {
    name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    userId: Type.Optional(UserId),
    expiresInSeconds: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: MAX_TOKEN_SECONDS }))),
  },
  { additionalProperties: false },
);
export const TokenListQuery = Type.Object({ userId: Type.Optional(Type.String()) });
export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 255 }) });

export const User = Type.Object({
  id: Type.String(),
  number: Type.Integer(),
  roles: Type.Array(Type.String()),
  hasPassword: Type.Boolean(),
  deviceId: NullableString(),
  clientType: NullableString(),
  attributes: AnyObject,
  disabled: Type.Boolean(),
  createdAt: Time,
  updatedAt: Time,
});

export const UserList = Type.Object({ items: Type.Array(User) });

const UserFields = {
  roles: Type.Optional(Type.Array(Type.String({ pattern: "^[a-z][a-z0-9_-]{0,31}$" }), { maxItems: 32 })),
  password: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 1024 }), { writeOnly: true })),
  deviceId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 255 }))),
  clientType: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
  attributes: Type.Optional(AnyObject),
  disabled: Type.Optional(Type.Boolean()),
};

export const CreateUser = Type.Object({ id: UserId, ...UserFields }, { additionalProperties: false });
export const PatchUser = Type.Object(UserFields, { additionalProperties: false });

/** The event types /events streams: the core's, less activity records. */
export const EventType = Enum([
  "session.created",
  "session.updated",
  "session.ended",
  "session.deleted",
  "member.joined",
  "member.left",
  "log.appended",
  "job.created",
  "job.started",
  "job.updated",
  "job.ended",
  "job.deleted",
  "service.created",
  "service.updated",
  "service.deleted",
  "token.revoked",
  "user.changed",
]);

// Fails to compile when the core gains or loses an event type that this list does not follow.
type Streamed = Exclude<CoreEventType, "session.activity">;
const _sameEventTypes: [Streamed] extends [Static<typeof EventType>] ? ([Static<typeof EventType>] extends [Streamed] ? true : never) : never = true;

export const Event = Type.Object(
  {
    seq: Type.Integer({ description: "also the event's SSE id, for Last-Event-ID" }),
    type: EventType,
    at: Time,
    sessionId: NullableString(),
    serviceId: NullableString(),
    nodeId: Type.String(),
    data: Type.Object({ session: Type.Optional(Session), service: Type.Optional(Service) }, { additionalProperties: true }),
  },
  { description: "The data of one Server-Sent Event; its SSE event name is its type" },
);

export const EventsQuery = Type.Object({
  service: Type.Optional(Type.String()),
  session: Type.Optional(Type.String()),
  recent: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 500, description: "first send up to this many of the most recent events (ignored with Last-Event-ID)" }),
  ),
});

const Count = Type.Integer({ minimum: 0 });

export const Stats = Type.Object(
  {
    at: Time,
    live: Type.Integer({ minimum: 0, description: "sessions not ended" }),
    members: Type.Integer({ minimum: 0, description: "members of live sessions (a user in two sessions counts twice)" }),
    byState: Type.Object({ pending: Count, idle: Count, running: Count, ended: Count }),
    byService: Type.Array(Type.Object({ serviceId: Type.String(), live: Count, ended: Count, members: Count }), {
      description: "services with stored sessions, most live sessions first",
    }),
    perMinute: Type.Object(
      { from: Time, created: Type.Array(Count), ended: Type.Array(Count) },
      { description: "sessions created and ended in each minute of the last hour, oldest first; the last minute is the current one" },
    ),
  },
  {
    description:
      "Aggregates of every session for administrators, and of their own sessions (owned or joined) for other users; sessions deleted since are not counted",
  },
);

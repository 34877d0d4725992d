import { type Static, type TSchema, Type } from "typebox";
import { MAX_INT32 } from "../../core/bounds.js";

/**
 * The game family's schemas: request validation and response serialisation (which also
 * fixes the documented key order). Request keys not listed are ignored, as newer SDK
 * models carry extra fields; `null` for any key means "not sent".
 */

const Time = Type.String({ format: "date-time" });
const AnyObject = Type.Object({}, { additionalProperties: true });

export const Team = Type.Object({ id: Type.Integer(), members: Type.Array(Type.String()) });

export const Session = Type.Object({
  uid: Type.String({ format: "uuid" }),
  dateCreated: Time,
  dateModified: Time,
  version: Type.Integer(),
  data: AnyObject,
  hasPassword: Type.Boolean(),
  hostUid: Type.String(),
  invited: Type.Array(Type.String()),
  numTeams: Type.Integer(),
  serverUid: Type.String(),
  status: Type.String(),
  teams: Type.Array(Team),
  teamSize: Type.Integer(),
  users: Type.Array(Type.String()),
  visibility: Type.String(),
});

export const SessionList = Type.Array(Session);
export const Count = Type.Object({ count: Type.Integer() });

/** What each request key must be, in words: the sentence a 400 adds after its prefix. */
export const RULES = {
  data: "data must be a JSON object.",
  hasPassword: "hasPassword must be true or false.",
  hostUid: "hostUid must be a user id (at most 255 characters) or \"\".",
  invited: "invited must be an array of at most 1000 user ids (1–255 characters each).",
  numTeams: "numTeams must be an integer from 0 to 1000.",
  password: "password must be a string of at most 128 characters.",
  serverUid: "serverUid must be a string of at most 255 characters.",
  status: "status must be a string of at most 64 characters.",
  teams: "teams must be an array of {\"id\": integer from 0 to 999, \"members\": [user id, ...]}.",
  teamSize: "teamSize must be an integer from 0 to 10000.",
  users: "users must be an array of user ids (1–255 characters each).",
  version: `version must be an integer from 0 to ${MAX_INT32}.`,
  visibility: "visibility must be \"\", \"public\" or \"private\".",
  team: "team must be an integer.",
} as const;

/** The rule of a request key, if it has one. */
export const ruleOf = (key: string): string | undefined => (Object.hasOwn(RULES, key) ? RULES[key as keyof typeof RULES] : undefined);

const optional = <T extends TSchema>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]));
const UserId = Type.String({ minLength: 1, maxLength: 255 });
const UserIds = Type.Array(UserId, { maxItems: 10_000 });

const Fields = {
  data: optional(AnyObject),
  hasPassword: optional(Type.Boolean()),
  hostUid: optional(Type.String({ maxLength: 255 })),
  invited: optional(Type.Array(UserId, { maxItems: 1000 })),
  numTeams: optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  password: optional(Type.String({ maxLength: 128 })),
  serverUid: optional(Type.String({ maxLength: 255 })),
  status: optional(Type.String({ maxLength: 64 })),
  teams: optional(
    Type.Array(Type.Object({ id: Type.Integer({ minimum: 0, maximum: 999 }), members: UserIds }, { additionalProperties: true }), { maxItems: 1000 }),
  ),
  teamSize: optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
  users: optional(UserIds),
  visibility: optional(Type.String({ pattern: "^(?:|[Pp][Uu][Bb][Ll][Ii][Cc]|[Pp][Rr][Ii][Vv][Aa][Tt][Ee])$" })),
};

/** Create: `uid`, the dates and `version` are the server's and ignored whatever their type. */
export const CreateBody = Type.Object(Fields, { additionalProperties: true });

/** Update: as create, plus the required `version` and an optional `uid` that must match the path. */
export const UpdateBody = Type.Object(
  { ...Fields, uid: Type.Optional(Type.Unknown()), version: optional(Type.Integer({ minimum: 0, maximum: MAX_INT32 })) },
  { additionalProperties: true },
);

export const SessionParams = Type.Object({ id: Type.String({ maxLength: 512 }) });

export type UpdateInput = Static<typeof UpdateBody>;

import type { Static } from "typebox";
import type * as S from "../api/native/schemas.js";

/**
 * The native API's wire types, derived from the schemas the server validates and
 * serialises with: a change to a schema changes these, and breaks a client that no
 * longer fits, at compile time.
 */
export type Session = Static<typeof S.Session>;
export type SessionState = Static<typeof S.State>;
export type Member = Static<typeof S.Member>;
export type SessionList = Static<typeof S.SessionList>;
/** Plus equality on attributes: `{ "attributes.mode": "ffa" }`. */
export type ListSessionsQuery = Static<typeof S.ListSessionsQuery> & { [attribute: `attributes.${string}`]: string | number | boolean };
export type CreateSession = Static<typeof S.CreateSession>;
export type PatchSession = Static<typeof S.PatchSession>;
export type EndReason = NonNullable<Static<typeof S.EndSession>["reason"]>;
export type Heartbeat = Static<typeof S.Heartbeat>;
export type Join = Static<typeof S.Join>;
export type LogLine = Static<typeof S.LogLine>;
export type LogQuery = Static<typeof S.LogQuery>;
export type LogPage = Static<typeof S.LogPage>;
export type NewLogLine = Static<typeof S.AppendLog>["lines"][number];
export type Service = Static<typeof S.Service>;
export type CreateService = Static<typeof S.CreateService>;
export type PatchService = Static<typeof S.PatchService>;
export type User = Static<typeof S.User>;
export type CreateUser = Static<typeof S.CreateUser>;
export type PatchUser = Static<typeof S.PatchUser>;
export type Token = Static<typeof S.Token>;
export type IssuedToken = Static<typeof S.IssuedToken>;
export type CreateToken = Static<typeof S.CreateToken>;
export type Me = Static<typeof S.Me>;
export type Problem = Static<typeof S.Problem>;
export type HubEvent = Static<typeof S.Event>;
export type EventType = Static<typeof S.EventType>;
export type EventsQuery = Static<typeof S.EventsQuery>;

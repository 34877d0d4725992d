import type { Static } from "typebox";
import type * as S from "../../src/api/native/schemas.js";

/** The native API's resources, typed from the schemas the server validates and serialises with. */
export type Session = Static<typeof S.Session>;
export type SessionList = Static<typeof S.SessionList>;
export type Service = Static<typeof S.Service>;
export type ServiceList = Static<typeof S.ServiceList>;
export type User = Static<typeof S.User>;
export type UserList = Static<typeof S.UserList>;
export type Token = Static<typeof S.Token>;
export type TokenList = Static<typeof S.TokenList>;
export type IssuedToken = Static<typeof S.IssuedToken>;
export type Me = Static<typeof S.Me>;
export type Stats = Static<typeof S.Stats>;
export type LogLine = Static<typeof S.LogLine>;
export type LogPage = Static<typeof S.LogPage>;
export type SessionState = Session["state"];

/** One frame of GET /api/v1/events. */
export interface HubEvent {
  seq: number;
  type: string;
  at: string;
  sessionId: string | null;
  serviceId: string | null;
  nodeId: string;
  data: { session?: Session; userId?: string; reason?: string; count?: number; changed?: string[]; [key: string]: unknown };
}

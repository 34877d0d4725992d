import type { HubEvent } from "../../core/events.js";
import type { ApiToken, FamilyRecord, Job, LogLine, Member, Service, Session, User } from "../../core/types.js";
import type { LogStats, NewSession } from "../../core/store.js";

/**
 * Row ↔ model mapping shared by the SQL stores. JSON columns arrive as text from SQLite
 * and parsed from PostgreSQL; `json` accepts both.
 */

type Row = Record<string, unknown>;

export function json<T>(value: unknown, fallback: T): T {
  if (value === null || value === undefined) return fallback;
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}

const num = (v: unknown): number => (typeof v === "number" ? v : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** Columns read for a session, in order; the dialect's members aggregate follows them. */
const SESSION_READ = [
  "number", "id", "service_id", "owner", "node_id", "state", "end_reason", "status", "name", "description", "visibility",
  "password_hash", "capacity", "member_count", "member_seq", "invited", "client", "attributes", "inactive_timeout",
  "timeout_seconds", "expires_at", "end_at", "end_at_reason", "created_at", "updated_at", "state_changed_at",
  "last_activity_at", "ended_at", "version", "team_count", "team_size",
] as const;

export const SESSION_COLUMNS = SESSION_READ.map((c) => `s.${c}`).join(", ");

/** Where each column sits in a session row read as an array (SESSION_COLUMNS, then members). */
const AT = Object.fromEntries(SESSION_READ.map((c, i) => [c, i])) as Record<(typeof SESSION_READ)[number], number>;
const MEMBERS_AT = SESSION_READ.length;
export const MEMBER_SEQ_AT = AT.member_seq;
export const MEMBER_COUNT_AT = AT.member_count;
export const NUMBER_AT = AT.number;
export const ID_AT = AT.id;

/** Members as the dialects' aggregate folds them, `[userId, joinedAt, team]` in join order. */
export type MemberTuple = [string, number, number | null];

const member = ([userId, joinedAt, team]: MemberTuple): Member => ({ userId, joinedAt: num(joinedAt), team: team === null ? null : num(team) });

/**
 * A session from a row read as an array of values. Arrays cost half what named-column
 * objects do to build, which shows when a page of sessions is read. Its members are the
 * row's aggregate, or `members` when they were read apart (a page's, in one statement).
 */
export function sessionFromValues(v: unknown[], members?: MemberTuple[]): Session {
  return {
    id: String(v[AT.id]),
    number: num(v[AT.number]),
    serviceId: String(v[AT.service_id]),
    owner: strOrNull(v[AT.owner]),
    nodeId: String(v[AT.node_id]),
    state: v[AT.state] as Session["state"],
    endReason: (v[AT.end_reason] ?? null) as Session["endReason"],
    status: strOrNull(v[AT.status]),
    name: strOrNull(v[AT.name]),
    description: strOrNull(v[AT.description]),
    visibility: v[AT.visibility] as Session["visibility"],
    passwordHash: strOrNull(v[AT.password_hash]),
    capacity: numOrNull(v[AT.capacity]),
    members: (members ?? json<MemberTuple[]>(v[MEMBERS_AT], [])).map(member),
    teams: v[AT.team_count] === null || v[AT.team_count] === undefined ? null : { count: num(v[AT.team_count]), size: num(v[AT.team_size]) },
    invited: json<string[]>(v[AT.invited], []),
    client: json(v[AT.client], {}),
    attributes: json(v[AT.attributes], {}),
    inactiveTimeoutSeconds: numOrNull(v[AT.inactive_timeout]),
    timeoutSeconds: num(v[AT.timeout_seconds]),
    expiresAt: numOrNull(v[AT.expires_at]),
    endAt: numOrNull(v[AT.end_at]),
    endAtReason: (v[AT.end_at_reason] ?? null) as Session["endAtReason"],
    createdAt: num(v[AT.created_at]),
    updatedAt: num(v[AT.updated_at]),
    stateChangedAt: num(v[AT.state_changed_at]),
    lastActivityAt: num(v[AT.last_activity_at]),
    endedAt: numOrNull(v[AT.ended_at]),
    version: num(v[AT.version]),
  };
}

/** A session from a row read as an object (column names as keys, `members` last). */
export function sessionFromRow(r: Row, members?: MemberTuple[]): Session {
  return sessionFromValues([...SESSION_READ.map((c) => r[c]), r.members], members);
}

/** Rows of (session_id, user_id, joined_at, team), in join order, as each session's member tuples. */
export function membersBySession(rows: unknown[][]): Map<string, MemberTuple[]> {
  const out = new Map<string, MemberTuple[]>();
  for (const [sessionId, userId, joinedAt, team] of rows) {
    const id = String(sessionId);
    let list = out.get(id);
    if (!list) out.set(id, (list = []));
    list.push([String(userId), num(joinedAt), team === null || team === undefined ? null : num(team)]);
  }
  return out;
}

/** The columns a session is written to, each with its value; JSON columns are written (and compared) as text. */
const WRITTEN: { column: string; value: (s: NewSession) => unknown; json?: true }[] = [
  { column: "id", value: (s) => s.id },
  { column: "service_id", value: (s) => s.serviceId },
  { column: "owner", value: (s) => s.owner },
  { column: "node_id", value: (s) => s.nodeId },
  { column: "state", value: (s) => s.state },
  { column: "end_reason", value: (s) => s.endReason },
  { column: "status", value: (s) => s.status },
  { column: "name", value: (s) => s.name },
  { column: "description", value: (s) => s.description },
  { column: "visibility", value: (s) => s.visibility },
  { column: "password_hash", value: (s) => s.passwordHash },
  { column: "capacity", value: (s) => s.capacity },
  { column: "member_count", value: (s) => s.members.length },
  { column: "invited", value: (s) => s.invited, json: true },
  { column: "client", value: (s) => s.client, json: true },
  { column: "attributes", value: (s) => s.attributes, json: true },
  { column: "inactive_timeout", value: (s) => s.inactiveTimeoutSeconds },
  { column: "timeout_seconds", value: (s) => s.timeoutSeconds },
  { column: "expires_at", value: (s) => s.expiresAt },
  { column: "end_at", value: (s) => s.endAt },
  { column: "end_at_reason", value: (s) => s.endAtReason },
  { column: "created_at", value: (s) => s.createdAt },
  { column: "updated_at", value: (s) => s.updatedAt },
  { column: "state_changed_at", value: (s) => s.stateChangedAt },
  { column: "last_activity_at", value: (s) => s.lastActivityAt },
  { column: "ended_at", value: (s) => s.endedAt },
  { column: "version", value: (s) => s.version },
  { column: "team_count", value: (s) => s.teams?.count ?? null },
  { column: "team_size", value: (s) => s.teams?.size ?? null },
];

/** The columns of a session INSERT, in the order of `sessionValues`. */
export const SESSION_WRITE_COLUMNS = WRITTEN.map((w) => w.column);

const written = (w: (typeof WRITTEN)[number], s: NewSession) => (w.json ? JSON.stringify(w.value(s)) : w.value(s));

export function sessionValues(s: NewSession): unknown[] {
  return WRITTEN.map((w) => written(w, s));
}

/**
 * The columns an UPDATE of a session writes, with their values: those whose value differs
 * between the two versions, so it leaves the indexes (and triggers) of the others alone,
 * and the member sequence moved past the members who joined.
 */
export function changedSessionValues(before: Session, after: Session, memberSeq: number, diff: MemberDiff): { columns: string[]; values: unknown[] } {
  const columns: string[] = [];
  const values: unknown[] = [];
  for (const w of WRITTEN) {
    const value = written(w, after);
    if (value === written(w, before)) continue;
    columns.push(w.column);
    values.push(value);
  }
  if (diff.added.length > 0) {
    columns.push("member_seq");
    values.push(memberSeq + diff.added.length);
  }
  return { columns, values };
}

export interface MemberDiff {
  added: Member[];
  removed: string[];
  moved: Member[];
}

/** What changed in the member list between two versions of a session. */
export function diffMembers(before: Member[], after: Member[]): MemberDiff {
  const old = new Map(before.map((m) => [m.userId, m]));
  const now = new Set(after.map((m) => m.userId));
  return {
    added: after.filter((m) => !old.has(m.userId)),
    removed: before.filter((m) => !now.has(m.userId)).map((m) => m.userId),
    moved: after.filter((m) => old.has(m.userId) && old.get(m.userId)!.team !== m.team),
  };
}

export function serviceFromRow(r: Row): Service {
  return {
    id: String(r.id),
    number: num(r.number),
    kind: String(r.kind),
    name: String(r.name),
    description: strOrNull(r.description),
    settings: json(r.settings, {}),
    defaultInactiveTimeoutSeconds: num(r.default_timeout),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
    version: num(r.version),
  };
}

export function userFromRow(r: Row): User {
  return {
    id: String(r.id),
    number: num(r.number),
    roles: json<string[]>(r.roles, []),
    passwordHash: strOrNull(r.password_hash),
    deviceId: strOrNull(r.device_id),
    clientType: strOrNull(r.client_type),
    attributes: json(r.attributes, {}),
    disabled: Boolean(r.disabled),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  };
}

export function tokenFromRow(r: Row): ApiToken {
  return {
    id: String(r.id),
    userId: String(r.user_id),
    name: strOrNull(r.name),
    issuer: String(r.issuer),
    hash: String(r.hash),
    createdAt: num(r.created_at),
    expiresAt: numOrNull(r.expires_at),
    revokedAt: numOrNull(r.revoked_at),
  };
}

/** Column values of a token, in the order of the tokens table. */
export function tokenValues(t: ApiToken): unknown[] {
  return [t.id, t.userId, t.name, t.issuer, t.hash, t.createdAt, t.expiresAt, t.revokedAt];
}

export function logLineFromRow(r: Row): LogLine {
  return {
    sessionId: String(r.session_id),
    stream: r.stream as LogLine["stream"],
    position: num(r.position),
    type: r.type as LogLine["type"],
    text: String(r.text),
    jobId: strOrNull(r.job_id),
    createdAt: num(r.created_at),
  };
}

/** Job columns: those fixed at creation first, then those an update writes (JOB_UPDATE_COLUMNS). */
export const JOB_WRITE_COLUMNS = [
  "id",
  "session_id",
  "seq",
  "code",
  "created_at",
  "name",
  "description",
  "state",
  "condition_code",
  "node_id",
  "attributes",
  "started_at",
  "ended_at",
  "state_changed_at",
  "version",
] as const;
export const JOB_UPDATE_COLUMNS = JOB_WRITE_COLUMNS.slice(5);

/** Values of the columns an update writes, in the order of JOB_UPDATE_COLUMNS. */
export function jobUpdateValues(j: Job): unknown[] {
  return [j.name, j.description, j.state, j.conditionCode, j.nodeId, JSON.stringify(j.attributes), j.startedAt, j.endedAt, j.stateChangedAt, j.version];
}

/** Values for INSERT, in the order of JOB_WRITE_COLUMNS. */
export function jobValues(j: Job): unknown[] {
  return [j.id, j.sessionId, j.seq, j.code, j.createdAt, ...jobUpdateValues(j)];
}

export function jobFromRow(r: Row): Job {
  return {
    id: String(r.id),
    sessionId: String(r.session_id),
    seq: num(r.seq),
    name: strOrNull(r.name),
    description: strOrNull(r.description),
    code: String(r.code),
    state: r.state as Job["state"],
    conditionCode: num(r.condition_code),
    nodeId: strOrNull(r.node_id),
    attributes: json(r.attributes, {}),
    createdAt: num(r.created_at),
    startedAt: numOrNull(r.started_at),
    endedAt: numOrNull(r.ended_at),
    stateChangedAt: num(r.state_changed_at),
    version: num(r.version),
  };
}

export function eventFromRow(r: Row): HubEvent {
  return {
    seq: num(r.seq),
    type: r.type as HubEvent["type"],
    sessionId: strOrNull(r.session_id),
    serviceId: strOrNull(r.service_id),
    nodeId: String(r.node_id),
    at: num(r.at),
    data: json(r.data, {}),
    access: json(r.access, null),
  };
}

export function recordFromRow(r: Row): FamilyRecord {
  const blob = r.blob === null || r.blob === undefined ? null : new Uint8Array(r.blob as Buffer);
  return {
    namespace: String(r.namespace),
    key: String(r.key),
    sessionId: strOrNull(r.session_id),
    doc: json(r.doc, {}),
    blob,
    version: num(r.version),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  };
}

/** Rows of several sessions grouped by `session_id`, in row order; every asked id has an entry. */
export function bySession<T>(sessionIds: string[], rows: Row[], fromRow: (r: Row) => T): Map<string, T[]> {
  const out = new Map<string, T[]>(sessionIds.map((id) => [id, []]));
  for (const r of rows) out.get(String(r.session_id))?.push(fromRow(r));
  return out;
}

/** Log statistics from rows of (session_id, stream, n, last_at); every asked id has an entry. */
export function logStatsFromRows(sessionIds: string[], rows: Row[]): Map<string, LogStats> {
  const out = new Map<string, LogStats>();
  for (const id of sessionIds) out.set(id, { log: { count: 0, lastAt: null }, listing: { count: 0, lastAt: null } });
  for (const r of rows) {
    const stats = out.get(String(r.session_id));
    if (stats) stats[r.stream as LogLine["stream"]] = { count: Number(r.n), lastAt: Number(r.last_at) };
  }
  return out;
}

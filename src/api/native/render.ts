import type { TokenView, UserView } from "../../auth/users.js";
import type { LogLine, Service, Session } from "../../core/types.js";
import type { PublicSession } from "../../core/views.js";

/** Core models in the native wire format: camelCase, RFC 3339 UTC times with milliseconds. */

/**
 * RFC 3339 has four-digit years: a time beyond them renders at their edge. Times are
 * bounded where they are made, but a row written before (a token with a huge expiry)
 * must not make a read fail.
 */
const EARLIEST = Date.parse("0000-01-01T00:00:00.000Z");
const LATEST = Date.parse("9999-12-31T23:59:59.999Z");
const iso = (t: number) => new Date(Math.min(Math.max(t, EARLIEST), LATEST)).toISOString();
const isoOrNull = (t: number | null) => (t === null ? null : iso(t));

export function renderSession(s: Session | PublicSession) {
  return {
    id: s.id,
    number: s.number,
    serviceId: s.serviceId,
    owner: s.owner,
    state: s.state,
    endReason: s.endReason,
    status: s.status,
    name: s.name,
    description: s.description,
    visibility: s.visibility,
    hasPassword: "hasPassword" in s ? s.hasPassword : s.passwordHash !== null,
    capacity: s.capacity,
    memberCount: s.members.length,
    members: s.members.map((m) => ({ userId: m.userId, joinedAt: iso(m.joinedAt), team: m.team })),
    invited: s.invited,
    client: s.client,
    attributes: s.attributes,
    inactiveTimeoutSeconds: s.inactiveTimeoutSeconds,
    expiresAt: isoOrNull(s.expiresAt),
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
    stateChangedAt: iso(s.stateChangedAt),
    lastActivityAt: iso(s.lastActivityAt),
    endedAt: isoOrNull(s.endedAt),
    nodeId: s.nodeId,
    version: s.version,
  };
}

export function renderService(s: Service) {
  return {
    id: s.id,
    number: s.number,
    kind: s.kind,
    name: s.name,
    description: s.description,
    settings: s.settings,
    defaultInactiveTimeoutSeconds: s.defaultInactiveTimeoutSeconds,
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
    version: s.version,
  };
}

export function renderLogLine(l: LogLine) {
  return { position: l.position, stream: l.stream, type: l.type, text: l.text, jobId: l.jobId, createdAt: iso(l.createdAt) };
}

export function renderToken(t: TokenView) {
  return {
    id: t.id,
    userId: t.userId,
    name: t.name,
    issuer: t.issuer,
    createdAt: iso(t.createdAt),
    expiresAt: isoOrNull(t.expiresAt),
    revokedAt: isoOrNull(t.revokedAt),
  };
}

export function renderUser(u: UserView) {
  return {
    id: u.id,
    number: u.number,
    roles: u.roles,
    hasPassword: u.hasPassword,
    deviceId: u.deviceId,
    clientType: u.clientType,
    attributes: u.attributes,
    disabled: u.disabled,
    createdAt: iso(u.createdAt),
    updatedAt: iso(u.updatedAt),
  };
}

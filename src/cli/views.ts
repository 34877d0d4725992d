import type { Service, Session, Token, User } from "../client/index.js";
import { type Column, type Field, duration, human, relative, timestamp } from "./output.js";

/** How each resource is shown: list columns (tsv prints their raw values) and the fields of `show`. */

const state = (s: Session) => (s.state === "ended" && s.endReason ? `ended (${s.endReason})` : s.state);

export const SESSION_COLUMNS: Column<Session>[] = [
  { header: "NUMBER", value: (s) => s.number, text: (s) => String(s.number) },
  { header: "ID", value: (s) => s.id, wide: true },
  { header: "NAME", value: (s) => s.name },
  { header: "SERVICE", value: (s) => s.serviceId },
  { header: "OWNER", value: (s) => s.owner },
  { header: "STATE", value: (s) => s.state, text: state },
  { header: "STATUS", value: (s) => s.status },
  { header: "MEMBERS", value: (s) => s.memberCount, text: (s) => String(s.memberCount) },
  { header: "CAPACITY", value: (s) => s.capacity },
  { header: "VISIBILITY", value: (s) => s.visibility, wide: true },
  { header: "CREATED", value: (s) => s.createdAt, text: (s) => relative(s.createdAt), wide: true },
  { header: "LAST ACTIVE", value: (s) => s.lastActivityAt, text: (s) => relative(s.lastActivityAt) },
  { header: "EXPIRES", value: (s) => s.expiresAt, text: (s) => relative(s.expiresAt), wide: true },
];

const members = (s: Session) =>
  s.members.length === 0
    ? "-"
    : [`${s.memberCount}${s.capacity ? ` of ${s.capacity}` : ""}`, ...s.members.map((m) => `${m.userId}  joined ${relative(m.joinedAt)}${m.team === null ? "" : `  team ${m.team}`}`)].join("\n");

const pairs = (o: Record<string, unknown>) => (Object.keys(o).length === 0 ? "-" : Object.entries(o).map(([k, v]) => `${k}=${human(v)}`).join("\n"));

export const SESSION_FIELDS: Field<Session>[] = [
  { label: "Number", text: (s) => String(s.number) },
  { label: "ID", text: (s) => s.id },
  { label: "Name", text: (s) => human(s.name) },
  { label: "Description", text: (s) => human(s.description) },
  { label: "Service", text: (s) => s.serviceId },
  { label: "Owner", text: (s) => human(s.owner) },
  { label: "State", text: state },
  { label: "Status", text: (s) => human(s.status) },
  { label: "Visibility", text: (s) => s.visibility },
  { label: "Password", text: (s) => human(s.hasPassword) },
  { label: "Capacity", text: (s) => human(s.capacity) },
  { label: "Members", text: members },
  { label: "Invited", text: (s) => human(s.invited) },
  { label: "Client", text: (s) => pairs(s.client) },
  { label: "Attributes", text: (s) => human(s.attributes) },
  { label: "Idle timeout", text: (s) => (s.inactiveTimeoutSeconds === null ? "service default" : duration(s.inactiveTimeoutSeconds)) },
  { label: "Expires", text: (s) => timestamp(s.expiresAt) },
  { label: "Created", text: (s) => timestamp(s.createdAt) },
  { label: "Last active", text: (s) => timestamp(s.lastActivityAt) },
  { label: "State changed", text: (s) => timestamp(s.stateChangedAt) },
  { label: "Ended", text: (s) => timestamp(s.endedAt) },
  { label: "Node", text: (s) => s.nodeId },
  { label: "Version", text: (s) => String(s.version) },
];

export const SERVICE_COLUMNS: Column<Service>[] = [
  { header: "ID", value: (s) => s.id },
  { header: "NUMBER", value: (s) => s.number, text: (s) => String(s.number) },
  { header: "KIND", value: (s) => s.kind },
  { header: "NAME", value: (s) => s.name },
  { header: "IDLE TIMEOUT", value: (s) => s.defaultInactiveTimeoutSeconds, text: (s) => duration(s.defaultInactiveTimeoutSeconds) },
  { header: "DESCRIPTION", value: (s) => s.description, wide: true },
  { header: "CREATED", value: (s) => s.createdAt, text: (s) => relative(s.createdAt), wide: true },
];

export const SERVICE_FIELDS: Field<Service>[] = [
  { label: "ID", text: (s) => s.id },
  { label: "Number", text: (s) => String(s.number) },
  { label: "Kind", text: (s) => s.kind },
  { label: "Name", text: (s) => s.name },
  { label: "Description", text: (s) => human(s.description) },
  { label: "Idle timeout", text: (s) => duration(s.defaultInactiveTimeoutSeconds) },
  { label: "Settings", text: (s) => (Object.keys(s.settings).length === 0 ? "-" : JSON.stringify(s.settings, null, 2)) },
  { label: "Created", text: (s) => timestamp(s.createdAt) },
  { label: "Updated", text: (s) => timestamp(s.updatedAt) },
  { label: "Version", text: (s) => String(s.version) },
];

export const USER_COLUMNS: Column<User>[] = [
  { header: "ID", value: (u) => u.id },
  { header: "NUMBER", value: (u) => u.number, text: (u) => String(u.number) },
  { header: "ROLES", value: (u) => u.roles },
  { header: "PASSWORD", value: (u) => u.hasPassword },
  { header: "DEVICE", value: (u) => u.deviceId },
  { header: "CLIENT TYPE", value: (u) => u.clientType, wide: true },
  { header: "DISABLED", value: (u) => u.disabled },
  { header: "CREATED", value: (u) => u.createdAt, text: (u) => relative(u.createdAt) },
];

export const USER_FIELDS: Field<User>[] = [
  { label: "ID", text: (u) => u.id },
  { label: "Number", text: (u) => String(u.number) },
  { label: "Roles", text: (u) => human(u.roles) },
  { label: "Password", text: (u) => human(u.hasPassword) },
  { label: "Device", text: (u) => human(u.deviceId) },
  { label: "Client type", text: (u) => human(u.clientType) },
  { label: "Attributes", text: (u) => human(u.attributes) },
  { label: "Disabled", text: (u) => human(u.disabled) },
  { label: "Created", text: (u) => timestamp(u.createdAt) },
  { label: "Updated", text: (u) => timestamp(u.updatedAt) },
];

export const TOKEN_COLUMNS: Column<Token>[] = [
  { header: "ID", value: (t) => t.id },
  { header: "USER", value: (t) => t.userId },
  { header: "NAME", value: (t) => t.name },
  { header: "ISSUER", value: (t) => t.issuer },
  { header: "CREATED", value: (t) => t.createdAt, text: (t) => relative(t.createdAt) },
  { header: "EXPIRES", value: (t) => t.expiresAt, text: (t) => relative(t.expiresAt) },
  { header: "REVOKED", value: (t) => t.revokedAt, text: (t) => relative(t.revokedAt) },
];

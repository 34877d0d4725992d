import type { Job, Service, Session } from "../../core/types.js";
import type { Fileref, StoredResult } from "../../compute/session-data.js";
import type { ComputeCounters } from "../../compute/runner.js";
import { contextSettings } from "./config.js";
import { sasAttributes } from "./compute.js";
import { sasId, stateWord } from "./ids.js";
import { BASE, type Link, link, timestamp } from "./links.js";
import { T } from "./media.js";

/** Representations, keys in the contract's order (§3). */

export const root = () => ({
  version: 1,
  links: [
    link("GET", "contexts", `${BASE}/contexts`, { type: T.collection, itemType: T.contextSummary }),
    link("GET", "sessions", `${BASE}/sessions`, { type: T.collection, itemType: T.sessionSummary }),
  ],
});

export const rootLink = () => link("GET", "up", `${BASE}/`, { type: T.api });

const CREATED_BY = "sessionhub";

function contextLinks(c: Service): Link[] {
  const href = `${BASE}/contexts/${c.id}`;
  return [
    link("GET", "self", href, { type: T.context }),
    link("POST", "createSession", `${href}/sessions`, { type: T.sessionRequest, responseType: T.session }),
  ];
}

export function contextSummary(c: Service) {
  return { version: 2, id: c.id, name: c.name, createdBy: CREATED_BY, links: contextLinks(c) };
}

export function context(c: Service, defaultTimeout: number) {
  const s = contextSettings(c);
  return {
    version: 2,
    id: c.id,
    name: c.name,
    ...(c.description ? { description: c.description } : {}),
    createdBy: CREATED_BY,
    creationTimeStamp: timestamp(c.createdAt),
    modifiedTimeStamp: timestamp(c.updatedAt),
    launchType: "service",
    launchContext: { contextName: "sessionhub" },
    attributes: { sessionInactiveTimeout: s.sessionInactiveTimeout ?? defaultTimeout, executor: s.executor },
    environment: { options: s.options, autoExecLines: s.autoExecLines },
    links: contextLinks(c),
  };
}

export const contextField = (c: Service, field: string): string | null =>
  field === "id" ? c.id : field === "name" ? c.name : field === "description" ? c.description : field === "createdBy" ? CREATED_BY : null;

export const sessionHref = (s: Session) => `${BASE}/sessions/${sasId(s)}`;

function sessionLinks(s: Session, summary: boolean): Link[] {
  const href = sessionHref(s);
  const self = link("GET", "self", href, { type: T.session });
  const alternate = link("GET", "alternate", href, { type: T.sessionSummary });
  const del = link("DELETE", "delete", href);
  if (summary) return [self, alternate, del];
  const assign = { type: T.filerefRequest, responseType: T.fileref };
  return [
    self,
    alternate,
    link("GET", "state", `${href}/state`, { type: T.text }),
    link("PUT", "cancel", `${href}/state?state=canceled`),
    del,
    link("POST", "execute", `${href}/jobs`, { type: T.jobRequest, responseType: T.job }),
    link("GET", "jobs", `${href}/jobs`, { type: T.collection, itemType: T.job }),
    link("GET", "files", `${href}/filerefs`, { type: T.collection, itemType: T.filerefSummary }),
    link("POST", "assignFileref", `${href}/filerefs`, assign),
    link("GET", "librefs", `${href}/data`, { type: T.collection, itemType: T.librarySummary }),
    link("GET", "log", `${href}/log`, { type: T.collection, itemType: T.logLine }),
    link("GET", "listing", `${href}/listing`, { type: T.collection, itemType: T.logLine }),
    link("GET", "results", `${href}/results`, { type: T.collection, itemType: T.result }),
    link("POST", "assign", `${href}/filerefs`, assign),
    link("GET", "variables", `${href}/variables`, { type: T.collection, itemType: T.variable }),
    link("GET", "logAsText", `${href}/log`, { type: T.text }),
    link("GET", "listingAsText", `${href}/listing`, { type: T.text }),
  ];
}

export function sessionSummary(s: Session) {
  return { id: sasId(s), ...(s.name ? { name: s.name } : {}), owner: s.owner ?? "", version: 2, links: sessionLinks(s, true) };
}

export interface Statistics {
  lineCount: number;
  modifiedTimeStamp: string;
}

export function statistics(count: number, lastAt: number | null, fallback: number): Statistics {
  return { lineCount: count, modifiedTimeStamp: timestamp(lastAt ?? fallback) };
}

type StreamStats = { count: number; lastAt: number | null };

/** A session's log and listing statistics from its row of `insights.logStats` (none: empty since creation). */
export function sessionStatistics(s: Session, st: { log: StreamStats; listing: StreamStats } | undefined): { log: Statistics; listing: Statistics } {
  return {
    log: statistics(st?.log.count ?? 0, st?.log.lastAt ?? null, s.createdAt),
    listing: statistics(st?.listing.count ?? 0, st?.listing.lastAt ?? null, s.createdAt),
  };
}

export function session(s: Session, stats: { log: Statistics; listing: Statistics }, counters: ComputeCounters, now: number) {
  const own = sasAttributes(s);
  return {
    listingStatistics: stats.listing,
    logStatistics: stats.log,
    serviceAPIVersion: 4,
    sessionConditionCode: counters.conditionCode,
    stateElapsedTime: Math.max(0, Math.floor((now - s.stateChangedAt) / 1000)),
    attributes: { sessionInactiveTimeout: s.timeoutSeconds, ...own.attributes },
    state: stateWord(s),
    owner: s.owner ?? "",
    environment: { options: own.environment.options, ...(own.environment.autoExecLines.length > 0 ? { autoExecLines: own.environment.autoExecLines } : {}) },
    creationTimeStamp: timestamp(s.createdAt),
    serverId: s.nodeId,
    ...(s.description ? { description: s.description } : {}),
    id: sasId(s),
    links: sessionLinks(s, false),
    version: 2,
    ...(s.name ? { name: s.name } : {}),
  };
}

export const jobHref = (s: Session, job: Job) => `${sessionHref(s)}/jobs/${job.id}`;

export function job(s: Session, j: Job, stats: { log: Statistics; listing: Statistics }, now: number) {
  const href = jobHref(s, j);
  const lines = { type: T.collection, itemType: T.logLine };
  const terminal = j.state !== "pending" && j.state !== "running";
  return {
    version: 1,
    id: j.id,
    sessionId: sasId(s),
    ...(j.name ? { name: j.name } : {}),
    ...(j.description ? { description: j.description } : {}),
    state: j.state,
    stateElapsedTime: Math.max(0, Math.floor((now - j.stateChangedAt) / 1000)),
    creationTimeStamp: timestamp(j.createdAt),
    ...(terminal && j.endedAt !== null ? { completedTimeStamp: timestamp(j.endedAt) } : {}),
    jobConditionCode: j.conditionCode,
    logStatistics: stats.log,
    listingStatistics: stats.listing,
    links: [
      link("GET", "self", href, { type: T.job }),
      link("GET", "state", `${href}/state`, { type: T.text }),
      link("PUT", "cancel", `${href}/state?value=canceled`),
      link("DELETE", "delete", href),
      link("GET", "log", `${href}/log`, lines),
      link("GET", "logAsText", `${href}/log`, { type: T.text }),
      link("GET", "listing", `${href}/listing`, lines),
      link("GET", "listingAsText", `${href}/listing`, { type: T.text }),
      link("GET", "results", `${href}/results`, { type: T.collection, itemType: T.result }),
      link("GET", "up", sessionHref(s), { type: T.session }),
    ],
  };
}

export function result(s: Session, r: StoredResult) {
  return { id: r.id, name: r.name, type: r.type, links: [link("GET", "self", `${sessionHref(s)}/results/${r.id}`, { type: r.mediaType })] };
}

export const filerefHref = (s: Session, name: string) => `${sessionHref(s)}/filerefs/${name}`;

export function filerefSummary(s: Session, f: Fileref) {
  return { version: 1, id: f.name, name: f.name, links: [link("GET", "self", filerefHref(s, f.name), { type: T.fileref })] };
}

export function fileref(s: Session, f: Fileref, file: { size: number; modifiedAt: number } | null) {
  const href = filerefHref(s, f.name);
  return {
    version: 2,
    id: f.name,
    name: f.name,
    accessMethod: f.accessMethod,
    isDirectory: false,
    fileName: f.path.slice(f.path.lastIndexOf("/") + 1),
    filePath: f.path,
    fileSize: file?.size ?? 0,
    modifiedTimeStamp: timestamp(Math.max(f.assignedAt, file?.modifiedAt ?? 0)),
    links: [
      link("GET", "self", href, { type: T.fileref }),
      link("DELETE", "deassign", href),
      link("GET", "content", `${href}/content`, { type: T.octets }),
      link("PUT", "upload", `${href}/content`, { type: T.octets }),
      link("POST", "append", `${href}/content`, { type: T.octets }),
      link("DELETE", "delete", `${href}/content`),
    ],
  };
}

export const WORK = "WORK";

export function librarySummary(s: Session) {
  return { version: 1, id: WORK, name: WORK, links: [link("GET", "self", `${sessionHref(s)}/data/${WORK}`, { type: T.library })] };
}

export function library(s: Session) {
  const href = `${sessionHref(s)}/data/${WORK}`;
  return {
    version: 2,
    id: WORK,
    libref: WORK,
    name: WORK,
    engineName: "SESSIONHUB",
    readOnly: false,
    links: [link("GET", "self", href, { type: T.library }), link("GET", "tables", href, { type: T.collection, itemType: T.tableSummary })],
  };
}

export interface Variable {
  name: string;
  value: string;
  scope: "GLOBAL" | "AUTOMATIC";
}

export function variable(s: Session, v: Variable) {
  return { version: 1, name: v.name, value: v.value, scope: v.scope, links: [link("GET", "self", `${sessionHref(s)}/variables/${v.name}`, { type: T.variable })] };
}

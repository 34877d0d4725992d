import type { Job, JobState, Json, JsonObject, LineType, LogLine, Session } from "../../core/types.js";
import type { Links } from "./links.js";
import { logFlags } from "./log-flags.js";
import type { Resource } from "./resource.js";
import { presorted } from "./sorted-json.js";
import { httpDate, localTime, nullableHttpDate, seconds } from "./time-format.js";

/** Data about a session read in batches beside it; absent when the response does not need it. */
export interface SessionExtras {
  log?: LogLine[];
  jobs?: Job[];
  events?: number;
  /** The reverse-DNS name of `client.address` (`rdns=true`). */
  remoteName?: string;
}

export interface SessionRendering {
  /** One clock reading per request, used for every row. */
  now: number;
  links: Links;
}

const PREFIX: Record<LineType, string> = {
  error: "error  : ",
  warning: "warning: ",
  note: "notice : ",
  normal: "info   : ",
  source: "info   : ",
};

const FINAL: ReadonlySet<JobState> = new Set(["completed", "warning", "error", "canceled"]);
const STATEMENT_CHARS = 4096;
/** A job is a statement the client sent to be run: MariaDB's text-protocol query. */
const COMMAND = "COM_QUERY";
/** The worker a session runs on: a node serves every session from its one event loop. */
export const THREAD = 0;

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), "utf8");

export function logEntry(number: number, line: LogLine): string {
  return `${localTime(line.createdAt, " ")}   ${PREFIX[line.type]}(${number}) ${line.text.replace(/\r?\n/g, "\\n")}`;
}

/** A session scheduled to end (`DELETE ?ttl=N`) is still started until it ends, as in MaxScale. */
export const stateLabel = (s: Pick<Session, "state">) => (s.state === "pending" ? "Session created" : "Session started");

/**
 * A job as MaxScale shows a statement: `completed` and a response only once it is final,
 * the response's duration from receipt to completion in milliseconds.
 */
function query(job: Job, s: Session): JsonObject {
  const received = localTime(job.createdAt, "T");
  const statement = job.code.slice(0, STATEMENT_CHARS);
  if (!FINAL.has(job.state)) return { command: COMMAND, received, responses: [], statement };
  const ended = job.endedAt ?? job.stateChangedAt;
  const duration = Math.max(0, Math.round(ended - job.createdAt));
  return { command: COMMAND, completed: localTime(ended, "T"), received, responses: [{ duration, server: job.nodeId ?? s.nodeId }], statement };
}

/** The known client fields as MaxScale's connection attributes, or null when none is known. */
function connectionAttributes(s: Session): JsonObject | null {
  const c = s.client;
  const known: [string, string | undefined][] = [
    ["device_id", c.deviceId],
    ["language", c.language],
    ["system", c.system],
    ["timezone", c.timezone],
    ["type", c.type],
    ["user_agent", c.userAgent],
  ];
  const present = known.filter((e): e is [string, string] => typeof e[1] === "string");
  return present.length === 0 ? null : Object.fromEntries(present);
}

/**
 * The session as a MaxScale session resource; every attribute derived from core data.
 * Every key is a fixed name written in MaxScale's (sorted) order, so the resource is
 * marked as needing no reordering: the serialiser does not look through it.
 */
export function renderSession(s: Session, extras: SessionExtras, r: SessionRendering): Resource {
  // MaxScale's history is oldest first; the store hands the most recent jobs newest first.
  const queries = (extras.jobs ?? []).map((j) => query(j, s)).reverse();
  const lastQueries = bytes(queries);
  const variables = bytes(s.attributes);
  // Client fields come from whichever family opened the session: only well-typed ones show.
  const address = typeof s.client.address === "string" ? s.client.address : "";
  const attributes: JsonObject = {
    client: { cipher: "", connection_attributes: connectionAttributes(s) },
    connected: httpDate(s.createdAt),
    connections: [],
    idle: s.state === "running" ? 0 : seconds(r.now - s.lastActivityAt),
    io_activity: extras.events ?? 0,
    log: (extras.log ?? []).map((l) => logEntry(s.number, l)),
    memory: {
      connection_buffers: { backends: {}, client: { misc: 0, readq: 0, total: 0, writeq: 0 }, total: 0 },
      last_queries: lastQueries,
      total: lastQueries + variables,
      variables,
    },
    parameters: logFlags(s) as unknown as Json,
    port: typeof s.client.port === "number" ? s.client.port : 0,
    queries,
    remote: extras.remoteName ?? address,
    seconds_alive: seconds(r.now - s.createdAt),
    sessionhub: {
      expires: nullableHttpDate(s.expiresAt),
      id: s.id,
      kill_at: nullableHttpDate(s.endAt),
      members: s.members.length,
      name: s.name,
      node: s.nodeId,
      state: s.state,
      status: s.status,
    },
    state: stateLabel(s),
    thread: THREAD,
  };
  if (s.owner !== null) attributes.user = s.owner;
  return presorted({
    attributes,
    id: String(s.number),
    links: { self: r.links.session(s.number) },
    relationships: { services: sessionServices(s, r.links) },
    type: "sessions",
  });
}

/** The session's relationship to its service, as embedded and as served at its own link. */
export const sessionServices = (s: Pick<Session, "number" | "serviceId">, links: Links): JsonObject => ({
  data: [{ id: s.serviceId, type: "services" }],
  links: { related: links.services(), self: links.sessionServices(s.number) },
});

import type { Job, JobState, Json, JsonObject, LineType, LogLine, Session } from "../../core/types.js";
import type { Links } from "./links.js";
import { logFlags } from "./log-flags.js";
import type { Resource } from "./resource.js";
import { httpDate, isoTime, logTime, nullableHttpDate, seconds } from "./time-format.js";

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

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), "utf8");

export function logEntry(number: number, line: LogLine): string {
  return `${logTime(line.createdAt)}   ${PREFIX[line.type]}(${number}) ${line.text.replace(/\r?\n/g, "\\n")}`;
}

function stateLabel(s: Session): string {
  if (s.state === "pending") return "Session created";
  return s.endAt !== null ? "Stopping session" : "Session started";
}

/** A job as MaxScale shows a statement: `completed` and `responses` only once it is final. */
function query(job: Job, s: Session): JsonObject {
  const out: JsonObject = { statement: job.code.slice(0, STATEMENT_CHARS), received: isoTime(job.createdAt) };
  if (!FINAL.has(job.state)) return { ...out, responses: [] };
  const ended = job.endedAt ?? job.stateChangedAt;
  const duration = job.startedAt === null ? 0 : Math.max(0, Math.round(ended - job.startedAt));
  return { ...out, completed: isoTime(ended), responses: [{ server: job.nodeId ?? s.nodeId, duration }] };
}

/** The known client fields as MaxScale's connection attributes, or null when none is known. */
function connectionAttributes(s: Session): JsonObject | null {
  const c = s.client;
  const known: [string, string | undefined][] = [
    ["user_agent", c.userAgent],
    ["system", c.system],
    ["type", c.type],
    ["device_id", c.deviceId],
    ["timezone", c.timezone],
    ["language", c.language],
  ];
  const present = known.filter((e): e is [string, string] => typeof e[1] === "string");
  return present.length === 0 ? null : Object.fromEntries(present);
}

/** The session as a MaxScale session resource; every attribute derived from core data (contract §3.4). */
export function renderSession(s: Session, extras: SessionExtras, r: SessionRendering): Resource {
  const queries = (extras.jobs ?? []).map((j) => query(j, s));
  const lastQueries = bytes(queries);
  const variables = bytes(s.attributes);
  const attributes: JsonObject = { state: stateLabel(s) };
  if (s.owner !== null) attributes.user = s.owner;
  // Client fields come from whichever family opened the session: only well-typed ones show.
  if (typeof s.client.address === "string") attributes.remote = extras.remoteName ?? s.client.address;
  if (typeof s.client.port === "number") attributes.port = s.client.port;
  attributes.connected = httpDate(s.createdAt);
  attributes.seconds_alive = seconds(r.now - s.createdAt);
  if (s.state === "running") attributes.idle = 0;
  else if (s.state === "idle") attributes.idle = seconds(r.now - s.lastActivityAt);
  attributes.memory = {
    connection_buffers: { total: 0, client: { misc: 0, readq: 0, total: 0, writeq: 0 }, backends: {} },
    last_queries: lastQueries,
    variables,
    total: lastQueries + variables,
  };
  attributes.io_activity = extras.events ?? 0;
  attributes.connections = [];
  attributes.client = { cipher: "", connection_attributes: connectionAttributes(s) };
  attributes.queries = queries;
  attributes.log = (extras.log ?? []).map((l) => logEntry(s.number, l));
  attributes.parameters = logFlags(s) as unknown as Json;
  attributes.sessionhub = {
    id: s.id,
    state: s.state,
    status: s.status,
    name: s.name,
    members: s.members.length,
    node: s.nodeId,
    expires: nullableHttpDate(s.expiresAt),
    kill_at: nullableHttpDate(s.endAt),
  };
  const self = r.links.session(s.number);
  return {
    id: String(s.number),
    type: "sessions",
    relationships: {
      services: { links: { self: r.links.services() }, data: [{ id: s.serviceId, type: "services" }] },
    },
    attributes,
    links: { self },
  };
}

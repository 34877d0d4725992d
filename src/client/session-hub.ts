import { EventStream, type WatchOptions } from "./events.js";
import { ROUTES } from "./routes.js";
import { Transport, type TransportOptions } from "./transport.js";
import type {
  CreateService,
  CreateSession,
  CreateToken,
  CreateUser,
  EndReason,
  Join,
  ListSessionsQuery,
  LogQuery,
  NewLogLine,
  PatchService,
  PatchSession,
  PatchUser,
  Session,
} from "./types.js";

export type SessionHubOptions = TransportOptions;

/** A session by its id (UUID) or its number. */
type Ref = string | number;

/** `If-Match: "<version>"`: the write applies only to that version (412 otherwise). */
const ifMatch = (version: number | undefined): Record<string, string> => (version === undefined ? {} : { "if-match": `"${version}"` });

class Sessions {
  constructor(private readonly t: Transport) {}

  /** One page; pass its `nextCursor` as `cursor` for the next. `count: true` adds the total. */
  list(query: ListSessionsQuery = {}) {
    return this.t.call(ROUTES.listSessions, { query });
  }

  /** Every session that matches, page after page (`limit` is the page size). */
  async *all(query: Omit<ListSessionsQuery, "cursor"> = {}): AsyncGenerator<Session> {
    let cursor: string | null = null;
    do {
      const page = await this.list({ limit: 1000, ...query, ...(cursor ? { cursor } : {}) });
      yield* page.items;
      cursor = page.nextCursor;
    } while (cursor);
  }

  /** With an `idempotencyKey`, a retried create returns the first result instead of a second session. */
  create(input: CreateSession, options: { idempotencyKey?: string } = {}) {
    const headers = options.idempotencyKey ? { "idempotency-key": options.idempotencyKey } : undefined;
    return this.t.call(ROUTES.createSession, { body: input, headers });
  }

  get(id: Ref) {
    return this.t.call(ROUTES.getSession, { params: { id } });
  }

  /** A JSON merge patch of the mutable fields; `ifMatch` makes it a compare-and-set on the version. */
  update(id: Ref, patch: PatchSession, options: { ifMatch?: number } = {}) {
    return this.t.call(ROUTES.updateSession, { params: { id }, body: patch, headers: ifMatch(options.ifMatch) });
  }

  end(id: Ref, reason?: EndReason, options: { ifMatch?: number } = {}) {
    return this.t.call(ROUTES.endSession, { params: { id }, body: reason ? { reason } : {}, headers: ifMatch(options.ifMatch) });
  }

  delete(id: Ref, options: { ifMatch?: number } = {}) {
    return this.t.call(ROUTES.deleteSession, { params: { id }, headers: ifMatch(options.ifMatch) });
  }

  /** Joins as the caller (or confirms membership); a password or invitation opens a private session. */
  join(id: Ref, options: Join = {}) {
    return this.t.call(ROUTES.join, { params: { id }, body: options });
  }

  /** Leaves as the caller, or removes another member (owner or administrator). */
  leave(id: Ref, userId = "me") {
    return this.t.call(ROUTES.leave, { params: { id, userId } });
  }

  members(id: Ref) {
    return this.t.call(ROUTES.listMembers, { params: { id } });
  }

  /** Marks activity, so the session does not expire; answers its new expiry. */
  heartbeat(id: Ref) {
    return this.t.call(ROUTES.heartbeat, { params: { id } });
  }

  /** Lines of the log (or listing) from a position; `nextFrom` continues. */
  log(id: Ref, query: LogQuery = {}) {
    return this.t.call(ROUTES.readLog, { params: { id }, query });
  }

  /** Appends lines: plain text is a `normal` line of the log. */
  appendLog(id: Ref, lines: string | string[] | NewLogLine[]) {
    const list = (typeof lines === "string" ? [lines] : lines).map((l) => (typeof l === "string" ? { text: l } : l));
    return this.t.call(ROUTES.appendLog, { params: { id }, body: { lines: list } });
  }
}

class Services {
  constructor(private readonly t: Transport) {}

  async list() {
    return (await this.t.call(ROUTES.listServices)).items;
  }

  get(id: string | number) {
    return this.t.call(ROUTES.getService, { params: { id } });
  }

  /** Administrators only. */
  create(input: CreateService) {
    return this.t.call(ROUTES.createService, { body: input });
  }

  update(id: string, patch: PatchService) {
    return this.t.call(ROUTES.updateService, { params: { id }, body: patch });
  }

  /** Refused while the service has live sessions, unless `force` (which ends them). */
  delete(id: string, options: { force?: boolean } = {}) {
    return this.t.call(ROUTES.deleteService, { params: { id }, query: options.force ? { force: true } : {} });
  }
}

class Users {
  constructor(private readonly t: Transport) {}

  async list() {
    return (await this.t.call(ROUTES.listUsers)).items;
  }

  get(id: string) {
    return this.t.call(ROUTES.getUser, { params: { id } });
  }

  create(input: CreateUser) {
    return this.t.call(ROUTES.createUser, { body: input });
  }

  update(id: string, patch: PatchUser) {
    return this.t.call(ROUTES.updateUser, { params: { id }, body: patch });
  }

  delete(id: string) {
    return this.t.call(ROUTES.deleteUser, { params: { id } });
  }
}

class Tokens {
  constructor(private readonly t: Transport) {}

  /** The answer's `secret` is shown this once. */
  create(input: CreateToken = {}) {
    return this.t.call(ROUTES.createToken, { body: input });
  }

  /** The caller's tokens; an administrator may name another user. */
  async list(userId?: string) {
    return (await this.t.call(ROUTES.listTokens, { query: { userId } })).items;
  }

  revoke(id: string) {
    return this.t.call(ROUTES.revokeToken, { params: { id } });
  }
}

class Events {
  constructor(private readonly t: Transport) {}

  /** Events the caller may read, optionally of one service or session, live; see EventStream. */
  watch(options: WatchOptions = {}): EventStream {
    return new EventStream(this.t, options);
  }
}

/**
 * The typed client of sessionhub's native API (`/api/v1`), for applications and the CLI.
 * Every failure is a SessionHubError.
 *
 *     const hub = new SessionHub({ url: "http://127.0.0.1:8080", token });
 *     const session = await hub.sessions.create({ serviceId: "lobby" });
 */
export class SessionHub {
  readonly url: string;
  readonly sessions: Sessions;
  readonly services: Services;
  readonly users: Users;
  readonly tokens: Tokens;
  readonly events: Events;
  private readonly transport: Transport;

  constructor(options: SessionHubOptions) {
    this.transport = new Transport(options);
    this.url = this.transport.url;
    this.sessions = new Sessions(this.transport);
    this.services = new Services(this.transport);
    this.users = new Users(this.transport);
    this.tokens = new Tokens(this.transport);
    this.events = new Events(this.transport);
  }

  /** The caller: user id, roles, whether an administrator. */
  me() {
    return this.transport.call(ROUTES.me);
  }
}

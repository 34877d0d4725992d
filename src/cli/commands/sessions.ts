import type { ListSessionsQuery, Session } from "../../client/index.js";
import { command, group } from "../spec.js";
import { usage } from "../exit.js";
import { human } from "../output.js";
import { defined, json, seconds, text, whole } from "../values.js";
import { SESSION_COLUMNS, SESSION_FIELDS } from "../views.js";

const LIVE = "pending,idle,running";
const PAGE = 1000;

const list = command({
  summary: "List sessions",
  description: `List the sessions you may read, live ones (pending, idle, running) unless --include-ended or
--state says otherwise. Shows the first 100; --limit N shows more, --all every one.`,
  flags: {
    service: { type: "string", value: "ID", help: "only sessions of this service" },
    state: { type: "string", value: "STATES", help: "pending, idle, running or ended; several separated by commas" },
    "include-ended": { type: "boolean", help: "ended sessions too (kept for a day by default)" },
    owner: { type: "string", value: "USER", help: "only sessions this user owns" },
    member: { type: "string", value: "USER", help: "only sessions this user is in" },
    status: { type: "string", value: "STATUS", help: "only sessions with this status (the application's label)" },
    sort: { type: "string", value: "FIELDS", help: "e.g. -lastActivityAt or name,-createdAt (- for descending)" },
    limit: { type: "string", value: "N", help: "show at most N sessions (default 100)" },
    all: { type: "boolean", help: "show every session, page after page" },
  },
  examples: [
    "sessionhub sessions list",
    "sessionhub sessions list --service lobby --state idle",
    "sessionhub sessions list --include-ended --sort -lastActivityAt --limit 20",
    "sessionhub sessions list --all -o json > sessions.json",
  ],
  async run({ flags, hub, out }) {
    if (flags.all && flags.limit !== undefined) throw usage("--all and --limit: give one of them");
    const limit = flags.all ? Infinity : (whole(flags, "limit", 1) ?? 100);
    const query: ListSessionsQuery = defined({
      service: text(flags, "service"),
      state: text(flags, "state") ?? (flags["include-ended"] ? undefined : LIVE),
      owner: text(flags, "owner"),
      member: text(flags, "member"),
      status: text(flags, "status"),
      sort: text(flags, "sort"),
    });
    const client = hub();
    const items: Session[] = [];
    let total: number | undefined;
    let cursor: string | null = null;
    do {
      const page = await client.sessions.list({ ...query, limit: Math.min(PAGE, limit - items.length), count: cursor === null, ...(cursor ? { cursor } : {}) });
      total ??= page.total;
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor && items.length < limit);
    out.list(items, SESSION_COLUMNS);
    if (items.length === 0) out.note("No sessions.");
    else if (total !== undefined && total > items.length) {
      out.note(`Showing ${human(items.length)} of ${human(total)} sessions; use --limit N or --all for more.`);
    }
  },
});

const show = command({
  summary: "Show one session",
  args: ["<id-or-number>"],
  examples: ["sessionhub sessions show 12", "sessionhub sessions show 12 -o json"],
  async run({ args, hub, out }) {
    const s = await hub().sessions.get(args[0]!);
    out.record(s, SESSION_FIELDS, SESSION_COLUMNS);
  },
});

const create = command({
  summary: "Create a session",
  flags: {
    service: { type: "string", value: "ID", help: "the service it is on (required)" },
    name: { type: "string", value: "NAME", help: "a name for people" },
    capacity: { type: "string", value: "N", help: "at most N members" },
    status: { type: "string", value: "STATUS", help: "the application's label, e.g. lobby" },
    private: { type: "boolean", help: "readable by its owner, members and invited users only" },
    timeout: { type: "string", value: "DURATION", help: "end it after this long idle (600, 10m, 2h; 0 never)" },
    attributes: { type: "string", value: "JSON", help: "the application's data, a JSON object" },
  },
  examples: ['sessionhub sessions create --service lobby --name "Friday match" --capacity 10'],
  async run({ flags, hub, out }) {
    const serviceId = text(flags, "service");
    if (!serviceId) throw usage('"sessionhub sessions create" needs --service');
    const s = await hub().sessions.create({
      serviceId,
      ...defined({
        name: text(flags, "name"),
        capacity: whole(flags, "capacity", 1),
        status: text(flags, "status"),
        inactiveTimeoutSeconds: seconds(flags, "timeout"),
        attributes: json(flags, "attributes"),
      }),
      ...(flags.private ? { visibility: "private" as const } : {}),
    });
    out.done(s, `created session ${s.number} (${s.id}) on ${s.serviceId}`, s.number);
  },
});

const end = command({
  summary: "End a session",
  args: ["<id-or-number>"],
  flags: { reason: { type: "string", value: "REASON", help: "closed (default), killed or failed", choices: ["closed", "killed", "failed"] } },
  examples: ["sessionhub sessions end 12", "sessionhub sessions end 12 --reason killed"],
  async run({ args, flags, hub, out }) {
    const reason = text(flags, "reason") as "closed" | "killed" | "failed" | undefined;
    const s = await hub().sessions.end(args[0]!, reason);
    out.done(s, `session ${s.number} ended (${human(s.endReason)})`, s.number);
  },
});

const remove = command({
  summary: "Delete a session and its log",
  args: ["<id-or-number>"],
  examples: ["sessionhub sessions delete 12"],
  async run({ args, hub, out }) {
    await hub().sessions.delete(args[0]!);
    out.done({ deleted: args[0] }, `deleted session ${args[0]}`, args[0]);
  },
});

export const sessions = group({
  summary: "List, show, create, end and delete sessions",
  children: { list, show, create, end, delete: remove },
});

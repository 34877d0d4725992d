import type { HubEvent } from "../../client/index.js";
import { type Column, human } from "../output.js";
import { command } from "../spec.js";
import { defined, text } from "../values.js";

const COLUMNS: Column<HubEvent>[] = [
  { header: "TIME", value: (e) => e.at, text: (e) => e.at.slice(11, 19), width: 8 },
  { header: "SEQ", value: (e) => e.seq, text: (e) => String(e.seq), width: 6 },
  { header: "EVENT", value: (e) => e.type, width: 15 },
  { header: "SESSION", value: (e) => e.data.session?.number ?? e.sessionId, text: (e) => (e.data.session ? `#${e.data.session.number}` : human(e.sessionId)), width: 7 },
  { header: "SERVICE", value: (e) => e.serviceId, width: 12 },
  { header: "NAME", value: (e) => e.data.session?.name ?? e.data.service?.name },
];

export const events = command({
  summary: "Follow changes as they happen, until interrupted",
  description: `Print each change you may read as it happens: sessions, members, logs, jobs (and services,
users and tokens for administrators). A dropped connection is resumed where it stopped.
-o json prints one JSON object per line.`,
  flags: {
    service: { type: "string", value: "ID", help: "only events of this service" },
    session: { type: "string", value: "ID", help: "only events of this session (id or number)" },
  },
  examples: ["sessionhub events", "sessionhub events --service lobby", "sessionhub events -o json | jq -r .type"],
  async run({ flags, hub, out }) {
    const stream = hub().events.watch(defined({ service: text(flags, "service"), session: text(flags, "session") }));
    const stop = () => stream.close();
    process.once("SIGINT", stop).once("SIGTERM", stop);
    await stream.opened;
    out.note(`Following events on ${hub().url}; Ctrl-C stops.`);
    for await (const event of stream) out.row(event, COLUMNS);
  },
});

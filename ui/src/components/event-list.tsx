import { useConsole } from "../context.js";
import { useObservable } from "../observable.js";
import type { HubEvent } from "../types.js";
import { SessionTitle, Time } from "./bits.js";

/** What happened, in words, beyond the event's type. */
function detail(e: HubEvent): string {
  const d = e.data;
  if (e.type === "member.joined") return `${d.userId} joined`;
  if (e.type === "member.left") return `${d.userId} ${d.reason === "removed" ? "was removed" : "left"}`;
  if (e.type === "session.ended") return `reason: ${d.reason ?? d.session?.endReason ?? "?"}`;
  if (e.type === "session.updated" && d.changed?.length) return `changed: ${d.changed.join(", ")}`;
  if (e.type === "log.appended") return `${d.count} line${d.count === 1 ? "" : "s"}`;
  if (e.type === "token.revoked") return `token of ${d.userId}`;
  if (e.type === "user.changed") return String(d.userId ?? "");
  return "";
}

/** A session named by number and name, as a button that opens it; a short id until the name is known. */
function SessionRef({ id }: { id: string }) {
  const { names, openSession } = useConsole();
  useObservable(names.changed);
  const label = names.label(id);
  return (
    <button type="button" class="link" onClick={() => openSession(id)} aria-label={`Open session ${label ? `#${label.number}${label.name ? ` ${label.name}` : ""}` : id}`}>
      {label ? <SessionTitle number={label.number} name={label.name} /> : <span class="mono">{id.slice(0, 8)}…</span>}
    </button>
  );
}

export function EventList({ events, id }: { events: HubEvent[]; id?: string }) {
  if (events.length === 0) return <p class="muted">No events yet.</p>;
  return (
    <ol class="events" id={id}>
      {events.map((e) => (
        <li key={e.seq} data-type={e.type}>
          <span class="when">
            <Time iso={e.at} />
          </span>
          <span class={`etype etype-${e.type.split(".")[0]}`}>{e.type}</span>
          <span class="what">
            {e.sessionId ? <SessionRef id={e.sessionId} /> : e.serviceId ? <span>service {e.serviceId}</span> : null}
            {e.sessionId && e.serviceId ? <span class="muted"> on {e.serviceId}</span> : null}
            {detail(e) ? <span class="detail">{e.sessionId || e.serviceId ? " · " : ""}{detail(e)}</span> : null}
          </span>
        </li>
      ))}
    </ol>
  );
}

import { useState } from "preact/hooks";
import { Options } from "../components/bits.js";
import { EventList } from "../components/event-list.js";
import { useConsole } from "../context.js";
import { useObservable } from "../observable.js";

const KINDS = [["", "all events"], ...["session", "member", "log", "job", "service", "user", "token"].map((k) => [k, k] as const)] as const;

/** Everything the caller may see happen, newest first, from the recent past on. */
export function EventsPage() {
  const { stream } = useConsole();
  const events = useObservable(stream.recent);
  const [kind, setKind] = useState("");
  const shown = kind ? events.filter((e) => e.type.startsWith(`${kind}.`)) : events;
  return (
    <section aria-labelledby="events-title">
      <div class="page-head">
        <h1 id="events-title">Live events</h1>
        <label class="field inline">
          <span class="label">Kind</span>
          <select value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
            <Options choices={KINDS} />
          </select>
        </label>
      </div>
      <p class="muted">The latest {shown.length} events, newest first; new ones appear as they happen.</p>
      <EventList events={shown} id="events" />
    </section>
  );
}

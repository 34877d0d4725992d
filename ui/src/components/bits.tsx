import type { ComponentChildren } from "preact";
import { dateTime, relative, useNow } from "../format.js";
import type { Session } from "../types.js";

/** A time with its date, and how long ago (or how soon) it is. */
export function Time({ iso, empty = "—" }: { iso: string | null | undefined; empty?: string }) {
  const now = useNow();
  if (!iso) return <span class="muted">{empty}</span>;
  return (
    <time dateTime={iso} title={iso}>
      {dateTime(iso)} <span class="rel">({relative(iso, now)})</span>
    </time>
  );
}

export function StateBadge({ s }: { s: Pick<Session, "state" | "endReason"> }) {
  return <span class={`badge state-${s.state}`}>{s.endReason ? `${s.state} (${s.endReason})` : s.state}</span>;
}

/** A message for screen readers and eyes alike; nothing when there is none. */
export function Alert({ message }: { message: string | null }) {
  return message ? (
    <p class="alert" role="alert">
      {message}
    </p>
  ) : null;
}

/** "#12 Lobby", or "#12" for a session without a name. */
export function SessionTitle({ number, name }: { number: number; name: string | null }) {
  return (
    <>
      <span class="num">#{number}</span>
      {name ? <span class="name"> {name}</span> : null}
    </>
  );
}

export function Field({ label, children, hint }: { label: string; children: ComponentChildren; hint?: string }) {
  return (
    <label class="field">
      <span class="label">{label}</span>
      {children}
      {hint ? <span class="hint">{hint}</span> : null}
    </label>
  );
}

/** The <option>s of a <select>, from [value, text] pairs. */
export function Options({ choices }: { choices: readonly (readonly [string, string])[] }) {
  return (
    <>
      {choices.map(([value, text]) => (
        <option key={value} value={value}>
          {text}
        </option>
      ))}
    </>
  );
}

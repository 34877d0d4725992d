import { Fragment } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, api, query } from "./api.js";
import { Alert, SessionTitle, StateBadge, Time } from "./components/bits.js";
import { Dialog } from "./components/dialog.js";
import { useConsole } from "./context.js";
import { useConfirmedAction } from "./hooks.js";
import { throttle } from "./observable.js";
import { sessionActions } from "./policy.js";
import type { LogLine, LogPage, Session } from "./types.js";

const LOG_TAIL = 200;

/** A session's lines from `from` on, every page of them. */
async function readLog(id: string, from: number): Promise<LogPage> {
  const page = await api<LogPage>("GET", `/sessions/${encodeURIComponent(id)}/log${query({ from, limit: 1000 })}`);
  return page.nextFrom === null ? page : { ...page, items: [...page.items, ...(await readLog(id, page.nextFrom)).items] };
}

/**
 * One session: its details, members, client, attributes and live log, and the actions the
 * caller may take (ui/src/policy.ts), each confirmed first. Events keep it current.
 */
export function SessionDrawer({ id, onClose }: { id: string; onClose: () => void }) {
  const { principal, stream, names } = useConsole();
  const action = useConfirmedAction();
  const [s, setSession] = useState<Session | null>(null);
  const [gone, setGone] = useState(false);
  const [log, setLog] = useState<LogLine[]>([]);
  const [error, setError] = useState<string | null>(null);
  const logEnd = useRef(0);
  const logBox = useRef<HTMLOListElement>(null);

  useEffect(() => {
    let current = true;
    const path = `/sessions/${encodeURIComponent(id)}`;
    const load = () =>
      api<Session>("GET", path).then(
        (next) => {
          if (!current) return;
          names.remember(next);
          setSession(next);
        },
        (e: unknown) => current && (e instanceof ApiError && e.status === 404 ? setGone(true) : setError((e as Error).message)),
      );
    const more = async () => {
      const page = await readLog(id, logEnd.current);
      if (!current || page.items.length === 0) return;
      logEnd.current = page.items.at(-1)!.position + 1;
      setLog((lines) => [...lines, ...page.items].slice(-1000));
    };
    const start = async () => {
      await load();
      const head = await api<LogPage>("GET", `${path}/log?limit=1`).catch(() => null);
      logEnd.current = Math.max(0, (head?.total ?? 0) - LOG_TAIL);
      await more();
    };
    void start();
    const refresh = throttle(() => void load(), 300);
    const refreshLog = throttle(() => void more().catch(() => {}), 300);
    const unsubscribe = stream.subscribe((e) => {
      if (e.sessionId !== id && e.data.session?.id !== id) return;
      if (e.type === "session.deleted") setGone(true);
      else if (e.type === "log.appended") refreshLog();
      else refresh();
    });
    return () => {
      current = false;
      unsubscribe();
      refresh.cancel();
      refreshLog.cancel();
    };
  }, [id]);

  useEffect(() => {
    const box = logBox.current;
    if (box) box.scrollTop = box.scrollHeight;
  }, [log.length]);

  const act = (verb: string, title: string, request: () => Promise<unknown>) =>
    s && action.run({ title, message: `${verb} session #${s.number}${s.name ? ` ${s.name}` : ""}?`, action: title }, request);

  const heading = s ? `Session #${s.number}${s.name ? ` ${s.name}` : ""}` : "Session";
  const path = `/sessions/${encodeURIComponent(id)}`;
  const may = s && !gone ? sessionActions(principal, s) : { end: false, kill: false, delete: false };
  return (
    <Dialog id="drawer" title={heading} onClose={onClose} class="drawer">
      <div class="drawer-body" id="detail">
        {gone ? (
          <p class="alert" role="status">
            This session no longer exists (deleted, or never readable by you).
          </p>
        ) : null}
        {s && (
          <>
            <p class="drawer-state">
              <StateBadge s={s} />
              {s.status ? <span class="status"> status {s.status}</span> : null}
              <span class="muted"> · service {s.serviceId}</span>
            </p>
            {may.end || may.kill || may.delete ? (
              <div class="actions" role="group" aria-label="Actions">
                {may.end && (
                  <button type="button" id="end" disabled={action.busy} onClick={() => act("End", "End session", () => api("POST", `${path}/end`, {}))}>
                    End
                  </button>
                )}
                {may.kill && (
                  <button type="button" id="kill" class="danger" disabled={action.busy} onClick={() => act("Kill", "Kill session", () => api("POST", `${path}/end`, { reason: "killed" }))}>
                    Kill
                  </button>
                )}
                {may.delete && (
                  <button
                    type="button"
                    id="delete"
                    class="danger"
                    disabled={action.busy}
                    onClick={() => act("Delete", "Delete session", async () => (await api("DELETE", path), onClose()))}
                  >
                    Delete
                  </button>
                )}
              </div>
            ) : null}
            <Alert message={error ?? action.error} />
            <Details s={s} />
            <h3>Members ({s.memberCount}{s.capacity ? ` of ${s.capacity}` : ""})</h3>
            {s.members.length === 0 ? (
              <p class="muted">No members.</p>
            ) : (
              <ul id="members" class="plain">
                {s.members.map((m) => (
                  <li key={m.userId}>
                    <strong>{m.userId}</strong>
                    {m.team !== null ? ` · team ${m.team}` : ""} · joined <Time iso={m.joinedAt} />
                  </li>
                ))}
              </ul>
            )}
            {s.invited.length > 0 ? <p>Invited: {s.invited.join(", ")}</p> : null}
            <h3>
              Log <span class="muted">(live)</span>
            </h3>
            {log.length === 0 ? (
              <p class="muted">No log lines.</p>
            ) : (
              <ol id="log" class="log" ref={logBox} aria-live="polite" tabIndex={0} aria-label="Log lines">
                {log.map((l) => (
                  <li key={`${l.stream}-${l.position}`} class={`line-${l.type}`}>
                    <time dateTime={l.createdAt} title={l.createdAt}>
                      {l.createdAt.slice(11, 19)}
                    </time>
                    <span class="ltype">{l.type}</span>
                    <span class="text">{l.text}</span>
                  </li>
                ))}
              </ol>
            )}
            <h3>Client</h3>
            <Pairs id="client" pairs={Object.entries(s.client).map(([k, v]) => [k, String(v)])} empty="Nothing is known of the client." />
            <h3>Attributes</h3>
            {Object.keys(s.attributes).length === 0 ? <p class="muted">None.</p> : <pre id="attributes">{JSON.stringify(s.attributes, null, 2)}</pre>}
          </>
        )}
      </div>
    </Dialog>
  );
}

function Details({ s }: { s: Session }) {
  return (
    <dl class="pairs" id="facts">
      <dt>Id</dt>
      <dd class="mono">{s.id}</dd>
      <dt>Title</dt>
      <dd>
        <SessionTitle number={s.number} name={s.name} />
      </dd>
      {s.description ? (
        <>
          <dt>Description</dt>
          <dd>{s.description}</dd>
        </>
      ) : null}
      <dt>Owner</dt>
      <dd>{s.owner ?? "system"}</dd>
      <dt>Visibility</dt>
      <dd>
        {s.visibility}
        {s.hasPassword ? ", password" : ""}
      </dd>
      <dt>Created</dt>
      <dd>
        <Time iso={s.createdAt} />
      </dd>
      <dt>Last activity</dt>
      <dd>
        <Time iso={s.lastActivityAt} />
      </dd>
      <dt>{s.state === "ended" ? "Ended" : "Expires"}</dt>
      <dd>
        <Time iso={s.state === "ended" ? s.endedAt : s.expiresAt} empty="never" />
      </dd>
      <dt>Node</dt>
      <dd class="mono">{s.nodeId}</dd>
      <dt>Version</dt>
      <dd>{s.version}</dd>
    </dl>
  );
}

function Pairs({ pairs, empty, id }: { pairs: [string, string][]; empty: string; id: string }) {
  if (pairs.length === 0) return <p class="muted">{empty}</p>;
  return (
    <dl class="pairs" id={id}>
      {pairs.map(([k, v]) => (
        <Fragment key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </Fragment>
      ))}
    </dl>
  );
}

import { useEffect, useState } from "preact/hooks";
import { api, query } from "../api.js";
import { Alert, Options, StateBadge, Time } from "../components/bits.js";
import { DebouncedInput } from "../components/debounced-input.js";
import { useConsole } from "../context.js";
import { count } from "../format.js";
import { isSessionEvent, useLive } from "../hooks.js";
import { useObservable } from "../observable.js";
import { read, replaceParams } from "../route.js";
import type { Session, SessionList } from "../types.js";

/** Sorts the list offers (the ones an index serves at a million sessions, and last activity), with their first direction. */
const SORTABLE = { number: "desc", name: "asc", lastActivityAt: "desc", createdAt: "desc" } as const;
type SortKey = keyof typeof SORTABLE;
/** The sorts as choices of a select (narrow screens), each way round. */
const SORT_CHOICES: [string, string][] = [
  ["-createdAt", "newest first"],
  ["createdAt", "oldest first"],
  ["-lastActivityAt", "recently active"],
  ["lastActivityAt", "longest idle"],
  ["name", "name, A–Z"],
  ["-name", "name, Z–A"],
  ["-number", "highest number"],
  ["number", "lowest number"],
];
const describeSort = (sort: string) => SORT_CHOICES.find(([value]) => value === sort)?.[1] ?? sort;
const SIZES = [25, 50, 100, 200];
const STATES: [string, string][] = [
  ["", "any state"],
  ["live", "live (not ended)"],
  ["pending", "pending"],
  ["idle", "idle"],
  ["running", "running"],
  ["ended", "ended"],
];
const TEXT_FILTERS = [
  ["owner", "Owner", "user id"],
  ["member", "Member", "user id"],
  ["status", "Status", "e.g. lobby"],
] as const;
const REFRESH_MS = 1000;

interface Filters {
  q: string;
  service: string;
  state: string;
  owner: string;
  member: string;
  status: string;
  sort: string;
  page: number;
  size: number;
}

function readFilters(p: URLSearchParams): Filters {
  const size = Number(p.get("size"));
  return {
    q: p.get("q") ?? "",
    service: p.get("service") ?? "",
    state: p.get("state") ?? "",
    owner: p.get("owner") ?? "",
    member: p.get("member") ?? "",
    status: p.get("status") ?? "",
    sort: p.get("sort") ?? "-createdAt",
    page: Math.max(1, Math.trunc(Number(p.get("page"))) || 1),
    size: SIZES.includes(size) ? size : 50,
  };
}

const asParams = (f: Filters): Record<string, string> =>
  Object.fromEntries(Object.entries(f).map(([k, v]) => [k, String(v)]).filter(([k, v]) => !(k === "page" && v === "1") && !(k === "size" && v === "50") && !(k === "sort" && v === "-createdAt")));

function listPath(f: Filters): string {
  return `/sessions${query({
    q: f.q,
    service: f.service,
    state: f.state === "live" ? "pending,idle,running" : f.state,
    owner: f.owner,
    member: f.member,
    status: f.status,
    sort: f.sort,
    limit: f.size,
    offset: (f.page - 1) * f.size,
    count: true,
  })}`;
}

/**
 * Sessions, searched, filtered, sorted and paged by the server (the native list API), so
 * it behaves the same at ten sessions and at a million. Events refresh the page shown.
 */
export function SessionsPage({ params }: { params: URLSearchParams }) {
  const { names, services: servicesObservable } = useConsole();
  const services = useObservable(servicesObservable);
  const f = readFilters(params);
  const [list, setList] = useState<SessionList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const path = listPath(f);
  // From the URL as it is now: two filters typed in quick succession must not undo each other.
  const set = (patch: Partial<Filters>) => replaceParams("sessions", asParams({ ...readFilters(read().params), page: 1, ...patch }));

  useLive(
    (current) =>
      api<SessionList>("GET", path).then(
        (page) => {
          if (!current()) return;
          for (const s of page.items) names.remember(s);
          setList(page);
          setError(null);
        },
        (e: Error) => current() && setError(`Cannot list sessions: ${e.message}`),
      ),
    isSessionEvent,
    REFRESH_MS,
    [path],
  );

  const total = list?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / f.size));
  useEffect(() => {
    if (list && f.page > pages) set({ page: pages });
  }, [list, pages]);
  const filtered = [f.q, f.service, f.state, f.owner, f.member, f.status].some(Boolean);
  const active = [f.service, f.state, f.owner, f.member, f.status].filter(Boolean).length;
  const [showFilters, setShowFilters] = useState(false);

  return (
    <section aria-labelledby="sessions-title" class="sessions-page">
      <div class="page-head">
        <h1 id="sessions-title">Sessions</h1>
        <p class="muted" id="sessions-total" aria-live="polite">
          {list ? `${count(total)} ${filtered ? "matching" : "in all"}` : "Loading…"}
        </p>
      </div>
      <form id="filters" class={`filters${showFilters ? " open" : ""}`} role="search" aria-label="Search and filter sessions" onSubmit={(e) => e.preventDefault()}>
        <label class="field search">
          <span class="label">Search by name</span>
          <DebouncedInput type="search" name="q" value={f.q} onCommit={(q: string) => set({ q })} placeholder="part of a name" />
        </label>
        <label class="field sort-choice">
          <span class="label">Sort by</span>
          <select name="sort" value={f.sort} onChange={(e) => set({ sort: e.currentTarget.value })}>
            <Options choices={SORT_CHOICES} />
          </select>
        </label>
        <button type="button" class="filters-toggle" aria-expanded={showFilters} aria-controls="filters" onClick={() => setShowFilters(!showFilters)}>
          {showFilters ? "Fewer filters" : `More filters${active > 0 ? ` (${active} on)` : ""}`}
        </button>
        <label class="field">
          <span class="label">Service</span>
          <select name="service" value={f.service} onChange={(e) => set({ service: e.currentTarget.value })}>
            <Options choices={[["", "all services"], ...services.map((s): [string, string] => [s.id, s.id])]} />
          </select>
        </label>
        <label class="field">
          <span class="label">State</span>
          <select name="state" value={f.state} onChange={(e) => set({ state: e.currentTarget.value })}>
            <Options choices={STATES} />
          </select>
        </label>
        {TEXT_FILTERS.map(([key, label, hint]) => (
          <label class="field" key={key}>
            <span class="label">{label}</span>
            <DebouncedInput name={key} value={f[key]} onCommit={(v: string) => set({ [key]: v })} placeholder={hint} autocomplete="off" />
          </label>
        ))}
        <button type="button" class="clear" disabled={!filtered} onClick={() => replaceParams("sessions", asParams({ ...readFilters(new URLSearchParams()), sort: f.sort, size: f.size }))}>
          Clear filters
        </button>
      </form>
      <Alert message={error} />
      {list && <SessionTable items={list.items} sort={f.sort} onSort={(sort) => set({ sort })} />}
      {list && list.items.length === 0 ? <p class="empty">{filtered ? "No session matches these filters." : "No sessions yet."}</p> : null}
      {list && total > 0 ? <Pager page={f.page} pages={pages} size={f.size} total={total} shown={list.items.length} onPage={(page) => set({ page })} onSize={(size) => set({ size })} /> : null}
    </section>
  );
}

function SortHeader({ field, label, sort, onSort }: { field: SortKey; label: string; sort: string; onSort: (sort: string) => void }) {
  const active = sort.replace(/^-/, "") === field;
  const desc = sort.startsWith("-");
  const next = active ? (desc ? field : `-${field}`) : SORTABLE[field] === "desc" ? `-${field}` : field;
  return (
    <th scope="col" aria-sort={active ? (desc ? "descending" : "ascending") : "none"}>
      <button type="button" class="sort" onClick={() => onSort(next)}>
        {label}
        <span aria-hidden="true" class="arrow">
          {active ? (desc ? " ↓" : " ↑") : " ↕"}
        </span>
      </button>
    </th>
  );
}

function SessionTable({ items, sort, onSort }: { items: Session[]; sort: string; onSort: (sort: string) => void }) {
  const { openSession } = useConsole();
  if (items.length === 0) return null;
  return (
    <div class="table-wrap">
      <table class="list sessions" id="sessions">
        <caption class="sr-only">Sessions, {describeSort(sort)}</caption>
        <thead>
          <tr>
            <SortHeader field="number" label="#" sort={sort} onSort={onSort} />
            <SortHeader field="name" label="Name" sort={sort} onSort={onSort} />
            <th scope="col">Service</th>
            <th scope="col">State</th>
            <th scope="col">Owner</th>
            <th scope="col">Members</th>
            <SortHeader field="lastActivityAt" label="Last activity" sort={sort} onSort={onSort} />
            <SortHeader field="createdAt" label="Created" sort={sort} onSort={onSort} />
          </tr>
        </thead>
        <tbody>
          {items.map((s) => (
            <tr key={s.id} data-id={s.id} class={s.state === "ended" ? "ended" : undefined} onClick={() => openSession(s.id)}>
              <td data-label="#">
                <button type="button" class="link open" aria-label={`Open session #${s.number}${s.name ? ` ${s.name}` : ""}`} onClick={(e) => (e.stopPropagation(), openSession(s.id))}>
                  #{s.number}
                </button>
              </td>
              <td data-label="Name" class="name">
                {s.name ?? <span class="muted">unnamed</span>}
              </td>
              <td data-label="Service">{s.serviceId}</td>
              <td data-label="State" class="state">
                <StateBadge s={s} />
                {s.status ? <span class="status"> {s.status}</span> : null}
              </td>
              <td data-label="Owner">{s.owner ?? <span class="muted">system</span>}</td>
              <td data-label="Members">{s.capacity ? `${s.memberCount}/${s.capacity}` : s.memberCount}</td>
              <td data-label="Last activity">
                <Time iso={s.lastActivityAt} />
              </td>
              <td data-label="Created">
                <Time iso={s.createdAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface PagerProps {
  page: number;
  pages: number;
  size: number;
  total: number;
  shown: number;
  onPage: (page: number) => void;
  onSize: (size: number) => void;
}

function Pager({ page, pages, size, total, shown, onPage, onSize }: PagerProps) {
  const [jump, setJump] = useState(String(page));
  useEffect(() => setJump(String(page)), [page]);
  const first = (page - 1) * size + 1;
  return (
    <nav class="pager" aria-label="Pages of sessions">
      <span id="range" aria-live="polite">
        {shown > 0 ? `${count(first)}–${count(first + shown - 1)} of ${count(total)}` : `0 of ${count(total)}`}
      </span>
      <label class="field inline">
        <span class="label">Per page</span>
        <select name="size" value={String(size)} onChange={(e) => onSize(Number(e.currentTarget.value))}>
          <Options choices={SIZES.map((n): [string, string] => [String(n), String(n)])} />
        </select>
      </label>
      <span class="steps">
        <button type="button" aria-label="First page" disabled={page <= 1} onClick={() => onPage(1)}>
          «
        </button>
        <button type="button" aria-label="Previous page" disabled={page <= 1} onClick={() => onPage(page - 1)}>
          ‹
        </button>
        <form
          class="jump"
          onSubmit={(e) => {
            e.preventDefault();
            const n = Math.trunc(Number(jump));
            if (n >= 1) onPage(Math.min(n, pages));
          }}
        >
          <label class="field inline">
            <span class="label">Page</span>
            <input name="page" type="number" inputMode="numeric" min={1} max={pages} value={jump} onInput={(e) => setJump(e.currentTarget.value)} />
          </label>
          <span class="of">of {count(pages)}</span>
          <button type="submit">Go</button>
        </form>
        <button type="button" aria-label="Next page" disabled={page >= pages} onClick={() => onPage(page + 1)}>
          ›
        </button>
        <button type="button" aria-label="Last page" disabled={page >= pages} onClick={() => onPage(pages)}>
          »
        </button>
      </span>
    </nav>
  );
}

// The admin page: a client of the native API, nothing more. Every value from the server
// is written with textContent, never parsed as HTML, whatever bytes a client sent.

const API = "/api/v1";
const $ = (selector) => document.querySelector(selector);

const state = {
  token: sessionStorage.getItem("sessionhub.token") ?? "",
  me: null,
  filters: { service: "", state: "" },
  cursor: null,
  rows: new Map(),
  selected: null,
  stream: null,
};

class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? `HTTP ${status}`);
    this.status = status;
  }
}

async function api(method, path, body) {
  const res = await fetch(API + path, {
    method,
    headers: { authorization: `Bearer ${state.token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

function el(tag, text, attrs = {}) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

const when = (iso) => (iso ? new Date(iso).toLocaleTimeString() : "—");

// Sign-in -------------------------------------------------------------------

async function signIn(token) {
  state.token = token;
  state.me = await api("GET", "/me");
  sessionStorage.setItem("sessionhub.token", token);
  $("#who").textContent = `${state.me.userId}${state.me.isAdmin ? " (admin)" : ""}`;
  $("#login").hidden = true;
  $("#app").hidden = false;
  $("#logout").hidden = false;
  $("#new-service").hidden = !state.me.isAdmin;
  await Promise.all([loadServices(), loadSessions(true)]);
  openStream();
}

function signOut() {
  sessionStorage.removeItem("sessionhub.token");
  state.stream?.abort();
  location.reload();
}

// Services ------------------------------------------------------------------

async function loadServices() {
  const { items } = await api("GET", "/services");
  const counts = await Promise.all(
    items.map((s) => api("GET", `/sessions?service=${encodeURIComponent(s.id)}&state=pending,idle,running&limit=1&count=true`)),
  );
  const body = $("#services tbody");
  body.replaceChildren(
    ...items.map((s, i) => {
      const row = el("tr");
      row.append(el("td", s.id), el("td", s.kind), el("td", s.name), el("td", counts[i].total));
      row.addEventListener("click", () => {
        $("#filters [name=service]").value = s.id;
        state.filters.service = s.id;
        void loadSessions(true);
      });
      return row;
    }),
  );
  const select = $("#filters [name=service]");
  const current = select.value;
  select.replaceChildren(el("option", "all services", { value: "" }), ...items.map((s) => el("option", s.id, { value: s.id })));
  select.value = current;
}

// Sessions ------------------------------------------------------------------

function sessionRow(s) {
  const row = el("tr", undefined, { "data-id": s.id });
  if (s.state === "ended") row.classList.add("ended");
  row.append(
    el("td", s.number),
    el("td", s.name ?? ""),
    el("td", s.serviceId),
    el("td", s.owner ?? "system"),
    el("td", s.endReason ? `${s.state} (${s.endReason})` : s.state),
    el("td", s.capacity ? `${s.memberCount}/${s.capacity}` : s.memberCount),
    el("td", when(s.lastActivityAt)),
    el("td", when(s.expiresAt)),
  );
  row.addEventListener("click", () => void showSession(s.id));
  return row;
}

function matchesFilters(s) {
  return (!state.filters.service || s.serviceId === state.filters.service) && (!state.filters.state || s.state === state.filters.state);
}

function upsertRow(s) {
  const body = $("#sessions tbody");
  const existing = body.querySelector(`tr[data-id="${CSS.escape(s.id)}"]`);
  if (!matchesFilters(s)) {
    existing?.remove();
    return;
  }
  const row = sessionRow(s);
  row.classList.add("changed");
  if (existing) existing.replaceWith(row);
  else body.prepend(row);
  state.rows.set(s.id, s);
}

async function loadSessions(reset) {
  const query = new URLSearchParams({ limit: "50", sort: "-createdAt" });
  if (state.filters.service) query.set("service", state.filters.service);
  if (state.filters.state) query.set("state", state.filters.state);
  if (!reset && state.cursor) query.set("cursor", state.cursor);
  const page = await api("GET", `/sessions?${query}`);
  const body = $("#sessions tbody");
  if (reset) {
    body.replaceChildren();
    state.rows.clear();
  }
  for (const s of page.items) {
    state.rows.set(s.id, s);
    body.append(sessionRow(s));
  }
  state.cursor = page.nextCursor;
  $("#more").hidden = !page.nextCursor;
}

async function showSession(id) {
  $("#detail-error").textContent = "";
  let s;
  try {
    s = await api("GET", `/sessions/${encodeURIComponent(id)}`);
  } catch (e) {
    $("#detail-panel").hidden = true;
    return;
  }
  state.selected = s.id;
  $("#detail-panel").hidden = false;
  $("#detail-number").textContent = `#${s.number}`;
  const fields = ["id", "serviceId", "owner", "state", "endReason", "status", "name", "visibility", "hasPassword", "capacity", "createdAt", "lastActivityAt", "expiresAt", "nodeId", "version"];
  $("#detail").replaceChildren(...fields.flatMap((f) => [el("dt", f), el("dd", s[f] ?? "—")]), el("dt", "attributes"), el("dd", JSON.stringify(s.attributes)));
  $("#members").replaceChildren(...s.members.map((m) => el("li", `${m.userId}${m.team === null ? "" : ` (team ${m.team})`}`)));
  const log = await api("GET", `/sessions/${encodeURIComponent(s.id)}/log?limit=100`);
  $("#log").replaceChildren(...log.items.map((l) => el("li", `${l.type}: ${l.text}`)));
  $("#end").disabled = s.state === "ended";
}

async function act(method, suffix, body) {
  if (!state.selected) return;
  try {
    await api(method, `/sessions/${encodeURIComponent(state.selected)}${suffix}`, body);
    if (method === "DELETE") {
      $("#sessions tbody").querySelector(`tr[data-id="${CSS.escape(state.selected)}"]`)?.remove();
      $("#detail-panel").hidden = true;
      state.selected = null;
    } else {
      await showSession(state.selected);
    }
  } catch (e) {
    $("#detail-error").textContent = e.message;
  }
}

// Live events (fetch, so the token travels in a header, never in the URL) -----

async function openStream() {
  const controller = new AbortController();
  state.stream = controller;
  let lastId = "";
  for (;;) {
    try {
      $("#stream-state").textContent = "(connecting)";
      const res = await fetch(`${API}/events`, {
        headers: { authorization: `Bearer ${state.token}`, ...(lastId ? { "last-event-id": lastId } : {}) },
        signal: controller.signal,
      });
      if (!res.ok) throw new ApiError(res.status);
      $("#stream-state").textContent = "(live)";
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split("\n").find((l) => l.startsWith("data:"));
          const id = block.split("\n").find((l) => l.startsWith("id:"));
          if (id) lastId = id.slice(3).trim();
          if (data) onEvent(JSON.parse(data.slice(5)));
        }
      }
    } catch (e) {
      if (controller.signal.aborted) return;
    }
    $("#stream-state").textContent = "(reconnecting)";
    await new Promise((r) => setTimeout(r, 2000));
  }
}

function onEvent(e) {
  const line = el("li", `${new Date(e.at).toLocaleTimeString()} ${e.type}${e.sessionId ? ` ${e.sessionId}` : e.serviceId ? ` ${e.serviceId}` : ""}`);
  const list = $("#events");
  list.prepend(line);
  while (list.children.length > 200) list.lastChild.remove();
  const session = e.data?.session;
  if (session && e.type !== "session.deleted") upsertRow(session);
  if (e.type === "session.deleted") $("#sessions tbody").querySelector(`tr[data-id="${CSS.escape(e.sessionId)}"]`)?.remove();
  if (e.type.startsWith("service.")) void loadServices();
  if (e.sessionId && e.sessionId === state.selected && e.type !== "session.deleted") void showSession(state.selected);
}

// Wiring --------------------------------------------------------------------

$("#login").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try {
    await signIn($("#token").value.trim());
  } catch (e) {
    $("#login-error").textContent = e.status === 401 ? "That token is not valid." : e.message;
  }
});
$("#logout").addEventListener("click", signOut);
$("#filters").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const form = new FormData(ev.target);
  state.filters = { service: form.get("service"), state: form.get("state") };
  void loadSessions(true);
});
$("#more").addEventListener("click", () => void loadSessions(false));
$("#end").addEventListener("click", () => void act("POST", "/end", {}));
$("#delete").addEventListener("click", () => void act("DELETE", ""));
$("#new-service").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const form = new FormData(ev.target);
  try {
    await api("POST", "/services", { id: form.get("id"), ...(form.get("name") ? { name: form.get("name") } : {}) });
    ev.target.reset();
    await loadServices();
  } catch (e) {
    alert(e.message);
  }
});

if (state.token) signIn(state.token).catch(() => ($("#login").hidden = false));
else $("#login").hidden = false;

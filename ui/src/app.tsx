import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { api, currentToken, rememberToken } from "./api.js";
import { ConfirmProvider } from "./components/dialog.js";
import { Console, type ConsoleContext } from "./context.js";
import { SessionNames } from "./names.js";
import { Observable, throttle, useObservable } from "./observable.js";
import { EventsPage } from "./pages/events.js";
import { Overview } from "./pages/overview.js";
import { ServicesPage } from "./pages/services.js";
import { SessionsPage } from "./pages/sessions.js";
import { TokensPage } from "./pages/tokens.js";
import { UsersPage } from "./pages/users.js";
import { principalOf } from "./policy.js";
import { href, useRoute } from "./route.js";
import { SessionDrawer } from "./session-drawer.js";
import { SignIn } from "./signin.js";
import { EventStream, type StreamState } from "./stream.js";
import type { Me, Service, ServiceList } from "./types.js";

const PAGES = [
  { page: "overview", title: "Overview", admin: false },
  { page: "sessions", title: "Sessions", admin: false },
  { page: "events", title: "Events", admin: false },
  { page: "services", title: "Services", admin: true },
  { page: "users", title: "Users", admin: true },
  { page: "tokens", title: "Tokens", admin: true },
] as const;

export function App() {
  const [me, setMe] = useState<Me | null>(null);
  const [checking, setChecking] = useState(currentToken() !== "");

  useEffect(() => {
    if (!checking) return;
    api<Me>("GET", "/me")
      .then(setMe, () => rememberToken(null))
      .finally(() => setChecking(false));
  }, []);

  if (checking) return <p class="loading">Loading…</p>;
  if (!me) return <SignIn onSignedIn={setMe} />;
  return (
    <SignedIn
      me={me}
      onSignOut={() => {
        rememberToken(null);
        setMe(null);
      }}
    />
  );
}

const STREAM_TEXT: Record<StreamState, string> = { connecting: "connecting", live: "live", reconnecting: "reconnecting", closed: "closed" };

function SignedIn({ me, onSignOut }: { me: Me; onSignOut: () => void }) {
  const route = useRoute();
  const [openId, setOpenId] = useState<string | null>(null);
  const main = useRef<HTMLElement>(null);
  const context = useMemo<ConsoleContext>(() => {
    const services = new Observable<Service[]>([]);
    return { me, principal: principalOf(me), stream: new EventStream(), names: new SessionNames(), services, openSession: setOpenId };
  }, [me]);
  const streamState = useObservable(context.stream.state);

  useEffect(() => {
    const { stream, names, services } = context;
    const loadServices = () => void api<ServiceList>("GET", "/services").then((list) => services.set(list.items), () => {});
    const reloadServices = throttle(loadServices, 1000);
    loadServices();
    const unsubscribe = stream.subscribe((e) => {
      if (e.data.session) names.remember(e.data.session);
      if (e.type.startsWith("service.")) reloadServices();
    });
    return () => {
      unsubscribe();
      reloadServices.cancel();
      stream.close();
    };
  }, [context]);

  const pages = PAGES.filter((p) => me.isAdmin || !p.admin);
  const current = pages.find((p) => p.page === route.page) ?? pages[0]!;
  useEffect(() => {
    document.title = `${current.title} · sessionhub console`;
    scrollTo(0, 0);
  }, [current]);

  return (
    <Console.Provider value={context}>
      <ConfirmProvider>
        <div class="shell">
          <button type="button" class="skip" onClick={() => main.current?.focus()}>
            Skip to content
          </button>
          <header class="top">
            <span class="brand">sessionhub</span>
            <nav aria-label="Console">
              <ul>
                {pages.map((p) => (
                  <li key={p.page}>
                    <a href={href(p.page)} aria-current={p === current ? "page" : undefined}>
                      {p.title}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
            <div class="who">
              <span id="stream-state" class={`stream stream-${streamState}`} role="status" title="Live events">
                {STREAM_TEXT[streamState]}
              </span>
              <span id="who">
                {me.userId}
                {me.isAdmin ? <span class="badge role">admin</span> : null}
              </span>
              <button type="button" id="logout" onClick={onSignOut}>
                Sign out
              </button>
            </div>
          </header>
          <main id="main" ref={main} tabIndex={-1}>
            {current.page === "overview" && <Overview />}
            {current.page === "sessions" && <SessionsPage params={route.params} />}
            {current.page === "events" && <EventsPage />}
            {current.page === "services" && <ServicesPage />}
            {current.page === "users" && <UsersPage />}
            {current.page === "tokens" && <TokensPage />}
          </main>
          {openId && <SessionDrawer key={openId} id={openId} onClose={() => setOpenId(null)} />}
        </div>
      </ConfirmProvider>
    </Console.Provider>
  );
}

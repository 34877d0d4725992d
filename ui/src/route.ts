import { useEffect, useState } from "preact/hooks";

/** The page and its parameters live in the URL's hash (`#/sessions?state=idle`), so reloads and links keep them. */
export interface Route {
  page: string;
  params: URLSearchParams;
}

/** The route as the URL has it now (not as the last render saw it). */
export function read(): Route {
  const [path = "", search = ""] = location.hash.replace(/^#\/?/, "").split("?");
  return { page: path || "overview", params: new URLSearchParams(search) };
}

export function href(page: string, params?: Record<string, string>): string {
  const q = params ? new URLSearchParams(Object.entries(params).filter(([, v]) => v !== "")).toString() : "";
  return `#/${page}${q ? `?${q}` : ""}`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const changed = () => setRoute(read());
    addEventListener("hashchange", changed);
    return () => removeEventListener("hashchange", changed);
  }, []);
  return route;
}

/** Changes the current page's parameters without a new history entry. */
export function replaceParams(page: string, params: Record<string, string>): void {
  const next = href(page, params);
  if (location.hash !== next) {
    history.replaceState(null, "", next);
    dispatchEvent(new HashChangeEvent("hashchange"));
  }
}

import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Principal } from "../../src/core/types.js";
import type { SessionNames } from "./names.js";
import type { Observable } from "./observable.js";
import type { EventStream } from "./stream.js";
import type { Me, Service } from "./types.js";

/** What every page of a signed-in console shares. */
export interface ConsoleContext {
  me: Me;
  /** The caller as the core's access policy sees it (ui/src/policy.ts). */
  principal: Principal;
  stream: EventStream;
  names: SessionNames;
  services: Observable<Service[]>;
  openSession(id: string): void;
}

export const Console = createContext<ConsoleContext | null>(null);

export function useConsole(): ConsoleContext {
  const c = useContext(Console);
  if (!c) throw new Error("useConsole outside a signed-in console");
  return c;
}

import { useEffect, useState } from "preact/hooks";
import { type ConfirmRequest, useConfirm } from "./components/dialog.js";
import { useConsole } from "./context.js";
import { throttle } from "./observable.js";
import type { HubEvent } from "./types.js";

/**
 * Runs `load` now and again when an event `matches`, at most every `ms`, until the
 * component goes or `deps` change. `load` gets `current()`, false once its run is stale.
 * A tab in the background does not reload; it catches up when it is shown again.
 */
export function useLive(load: (current: () => boolean) => unknown, matches: (e: HubEvent) => boolean, ms: number, deps: unknown[] = []): void {
  const { stream } = useConsole();
  useEffect(() => {
    let live = true;
    let missed = false;
    const current = () => live;
    const refresh = throttle(() => {
      missed = document.hidden;
      if (!missed) void load(current);
    }, ms);
    const shown = () => !document.hidden && missed && refresh();
    void load(current);
    const unsubscribe = stream.subscribe((e) => matches(e) && refresh());
    document.addEventListener("visibilitychange", shown);
    return () => {
      live = false;
      unsubscribe();
      refresh.cancel();
      document.removeEventListener("visibilitychange", shown);
    };
  }, [stream, ...deps]);
}

export const isSessionEvent = (e: HubEvent) => e.type.startsWith("session.") || e.type.startsWith("member.");

/**
 * An action behind a confirmation: `run(request, act)` asks, then acts, and keeps the
 * error (or clears it) for an <Alert>. Resolves true when it acted without error.
 */
export function useConfirmedAction(): { error: string | null; busy: boolean; run: (request: ConfirmRequest, act: () => Promise<unknown>) => Promise<boolean> } {
  const confirm = useConfirm();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (request: ConfirmRequest, act: () => Promise<unknown>) => {
    if (!(await confirm(request))) return false;
    setBusy(true);
    try {
      await act();
      setError(null);
      return true;
    } catch (e) {
      setError((e as Error).message);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run };
}

/**
 * A form's submit handler that reads its fields, awaits `act` and keeps the error for an
 * <Alert>; the form is reset when `act` succeeds.
 */
export function useSubmit(act: (field: (name: string) => string, data: FormData) => Promise<unknown>) {
  const [error, setError] = useState<string | null>(null);
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    try {
      await act((name) => String(data.get(name) ?? "").trim(), data);
      form.reset();
      setError(null);
    } catch (err) {
      setError(err instanceof SyntaxError ? `Not valid JSON: ${err.message}` : (err as Error).message);
    }
  };
  return { error, onSubmit };
}

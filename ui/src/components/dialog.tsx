import type { ComponentChildren } from "preact";
import { createContext } from "preact";
import { useCallback, useContext, useEffect, useRef, useState } from "preact/hooks";
import { Alert } from "./bits.js";

interface DialogProps {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  class?: string;
  /** Element id of the heading, for aria-labelledby. */
  id: string;
}

/**
 * A modal <dialog>: the browser keeps focus inside it, closes it on Escape and returns
 * focus to where it was when it closes.
 */
export function Dialog({ title, onClose, children, id, ...rest }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  // Closing it on unmount gives focus back to where it was; that close is not the user's.
  const unmounting = useRef(false);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      unmounting.current = true;
      dialog?.close();
    };
  }, []);
  const closed = () => {
    if (!unmounting.current) onClose();
  };
  return (
    <dialog ref={ref} class={rest.class ?? "modal"} aria-labelledby={`${id}-title`} onClose={closed}>
      <header class="dialog-head">
        <h2 id={`${id}-title`}>{title}</h2>
        <button type="button" class="icon" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      {children}
    </dialog>
  );
}

export interface ConfirmRequest {
  title: string;
  message: ComponentChildren;
  /** The button that confirms, e.g. "End session". */
  action: string;
}

type Confirm = (request: ConfirmRequest) => Promise<boolean>;
const ConfirmContext = createContext<Confirm>(async () => false);

export const useConfirm = () => useContext(ConfirmContext);

/** Gives its children `useConfirm()`: a confirmation dialog whose answer is a promise. */
export function ConfirmProvider({ children }: { children: ComponentChildren }) {
  const [pending, setPending] = useState<(ConfirmRequest & { resolve: (ok: boolean) => void }) | null>(null);
  const confirm = useCallback<Confirm>((request) => new Promise((resolve) => setPending({ ...request, resolve })), []);
  const answer = (ok: boolean) => {
    pending?.resolve(ok);
    setPending(null);
  };
  return (
    <ConfirmContext.Provider value={confirm}>
      {children}
      {pending && (
        <Dialog id="confirm" title={pending.title} onClose={() => answer(false)} class="modal confirm">
          <div class="dialog-body">{pending.message}</div>
          <footer class="dialog-actions">
            <button type="button" autofocus onClick={() => answer(false)}>
              Cancel
            </button>
            <button type="button" class="danger" onClick={() => answer(true)}>
              {pending.action}
            </button>
          </footer>
        </Dialog>
      )}
    </ConfirmContext.Provider>
  );
}

interface FormDialogProps {
  id: string;
  title: string;
  onClose: () => void;
  form: { onSubmit: (e: Event) => void; error: string | null };
  children: ComponentChildren;
}

/** A dialog holding a form, its error and Cancel / Save. */
export function FormDialog({ id, title, onClose, form, children }: FormDialogProps) {
  return (
    <Dialog id={id} title={title} onClose={onClose}>
      <form class="dialog-body stack" onSubmit={form.onSubmit}>
        {children}
        <Alert message={form.error} />
        <footer class="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary">
            Save
          </button>
        </footer>
      </form>
    </Dialog>
  );
}

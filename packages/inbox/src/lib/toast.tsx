/**
 * Toasts: short notes at the bottom of the screen that outlive a page change ("Resolved · Undo").
 * Undo instead of confirm: an action happens at once and its toast offers the way back for a while.
 */
import { useEffect, useState } from 'preact/hooks';

export interface Toast {
  id: number;
  message: string;
  /** A button beside the message (Undo); the toast closes when it is pressed. */
  action?: { label: string; run: () => unknown };
}

/** How long a toast stays: long enough to read it and reach its button. */
const shownMs = 8000;
let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const changed = () => {
  for (const listener of [...listeners]) listener();
};

/** Shows a toast; returns a function that closes it. */
export function showToast(message: string, action?: Toast['action']): () => void {
  const id = nextId++;
  // One at a time: the newest action is the one to undo.
  toasts = [{ id, message, ...(action ? { action } : {}) }];
  changed();
  const close = () => {
    toasts = toasts.filter((toast) => toast.id !== id);
    changed();
  };
  setTimeout(close, shownMs);
  return close;
}

/** Where toasts appear: one polite live region, always on the page, so screen readers hear them. */
export function Toaster() {
  const [, setVersion] = useState(0);
  useEffect(() => {
    const listener = () => setVersion((version) => version + 1);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return (
    <div class="toasts" role="status" aria-live="polite">
      {toasts.map((toast) => (
        <div class="toast" key={toast.id} data-testid="toast">
          <span>{toast.message}</span>
          {toast.action && (
            <button
              type="button"
              class="link"
              onClick={() => {
                toasts = toasts.filter((shown) => shown.id !== toast.id);
                changed();
                void toast.action?.run();
              }}
            >
              {toast.action.label}
            </button>
          )}
        </div>
      ))}
    </div>
  );
}

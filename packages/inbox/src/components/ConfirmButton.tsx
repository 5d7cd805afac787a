import type { ComponentChildren } from 'preact';

/**
 * A button for what cannot be undone (delete, revoke, deactivate): it asks `question` first and
 * acts only when the person agrees. Undoable actions (resolve) use an undo toast instead.
 */
export function ConfirmButton({
  question,
  onConfirm,
  children,
  danger = true,
  disabled,
  label,
}: {
  question: string;
  onConfirm: () => unknown;
  children: ComponentChildren;
  danger?: boolean;
  disabled?: boolean;
  /** An accessible name when the visible text alone is ambiguous in a list ("Delete"). */
  label?: string;
}) {
  return (
    <button
      type="button"
      class={danger ? 'danger' : undefined}
      disabled={disabled}
      aria-label={label}
      onClick={() => {
        if (window.confirm(question)) void onConfirm();
      }}
    >
      {children}
    </button>
  );
}
